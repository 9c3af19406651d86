package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/components"
)

// peoplePages are the Users and Roles pages; the switch picks the
// account they manage.
type peoplePages struct {
	orgSwitch
	panel string
}

// roleOptions are the roles a member of an account of kind k may be given.
func roleOptions(k tenantry.AccountKind, custom []tenantry.CustomRole) []components.Option {
	var out []components.Option
	for _, r := range tenantry.RolesFor(k) {
		out = append(out, components.Option{Value: string(r), Label: string(r)})
	}
	for _, r := range custom {
		out = append(out, components.Option{Value: r.ID, Label: r.Name})
	}
	return out
}

func (h peoplePages) usersVM(c echo.Context) (accounts.UsersVM, error) {
	ctx := c.Request().Context()
	a, err := h.target(c)
	if err != nil {
		return accounts.UsersVM{}, err
	}
	sc := h.s.scope(c)
	vm := accounts.UsersVM{Base: h.base, Account: *a, CanManage: tenantry.Authorize(sc.Actor(), tenantry.PermUsersManage, a) == nil}
	if vm.Switch, err = h.switchVM(c, "/users", a); err != nil {
		return vm, err
	}
	if vm.Members, err = sc.Members(ctx, a.ID); err != nil {
		return vm, err
	}
	custom, err := sc.Roles(ctx, a.ID)
	if err != nil {
		return vm, err
	}
	vm.Roles = roleOptions(a.Kind, custom)
	vm.InviteRole = string(tenantry.RoleViewer) // the least a new person gets unless asked
	if vm.CanManage {
		vm.Invitations, err = sc.Invitations(ctx, a.ID)
	}
	return vm, err
}

func (h peoplePages) users(c echo.Context) error {
	vm, err := h.usersVM(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.Users(h.panel, vm))
}

// change runs one change of the Users page: a refusal the user can act on
// re-renders the page with it; success comes back with a flash.
func (h peoplePages) change(c echo.Context, err error, done string) error {
	if e := tenantry.AsError(err); e != nil && e.Kind != tenantry.EINTERNAL {
		vm, verr := h.usersVM(c)
		if verr != nil {
			return verr
		}
		vm.Error = e.Message
		for _, msg := range e.Fields {
			vm.Error = msg
		}
		_, status := asDomainError(err)
		return render(c, status, accounts.Users(h.panel, vm))
	}
	if err != nil {
		return err
	}
	return h.done(c, "/users", done)
}

func (h peoplePages) setRole(c echo.Context) error {
	a, err := h.target(c)
	if err != nil {
		return err
	}
	err = h.s.scope(c).SetMemberRole(c.Request().Context(), a.ID, c.Param("user"), tenantry.Role(c.FormValue("role")))
	return h.change(c, err, "Role saved.")
}

func (h peoplePages) remove(c echo.Context) error {
	a, err := h.target(c)
	if err != nil {
		return err
	}
	return h.change(c, h.s.scope(c).RemoveMember(c.Request().Context(), a.ID, c.Param("user")), "User removed.")
}

func (h peoplePages) rolesVM(c echo.Context, editing string, in tenantry.RoleInput, errs map[string]string) (accounts.RolesVM, error) {
	a, err := h.target(c)
	if err != nil {
		return accounts.RolesVM{}, err
	}
	sc := h.s.scope(c)
	vm := accounts.RolesVM{Base: h.base, Account: *a, Editing: editing, In: in, Errors: errs,
		CanManage: tenantry.Authorize(sc.Actor(), tenantry.PermRolesManage, a) == nil}
	for _, r := range tenantry.RolesFor(a.Kind) {
		vm.Builtin = append(vm.Builtin, accounts.BuiltinRoleVM{Name: string(r), Permissions: tenantry.PermissionsOf(r)})
	}
	if vm.Switch, err = h.switchVM(c, "/roles", a); err != nil {
		return vm, err
	}
	vm.Roles, err = sc.Roles(c.Request().Context(), a.ID)
	return vm, err
}

func (h peoplePages) roles(c echo.Context) error {
	var in tenantry.RoleInput
	editing := c.QueryParam("edit")
	if editing != "" {
		a, err := h.target(c)
		if err != nil {
			return err
		}
		all, err := h.s.scope(c).Roles(c.Request().Context(), a.ID)
		if err != nil {
			return err
		}
		found := false
		for _, r := range all {
			if r.ID == editing {
				found = true
				in.Name = r.Name
				for _, p := range r.Permissions {
					in.Permissions = append(in.Permissions, string(p))
				}
			}
		}
		if !found {
			return tenantry.ErrNotFound
		}
	}
	vm, err := h.rolesVM(c, editing, in, nil)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.Roles(h.panel, vm))
}

func roleForm(c echo.Context) tenantry.RoleInput {
	form, _ := c.FormParams()
	return tenantry.RoleInput{Name: c.FormValue("name"), Permissions: form["permissions"]}
}

func (h peoplePages) saveRole(c echo.Context, editing string, save func(tenantry.RoleInput) error) error {
	in := roleForm(c)
	err := save(in)
	if errs := formErrors(err); errs != nil {
		vm, verr := h.rolesVM(c, editing, in, errs)
		if verr != nil {
			return verr
		}
		return render(c, formStatus(err), accounts.Roles(h.panel, vm))
	}
	if err != nil {
		return err
	}
	return h.done(c, "/roles", "Role saved.")
}

func (h peoplePages) createRole(c echo.Context) error {
	a, err := h.target(c)
	if err != nil {
		return err
	}
	return h.saveRole(c, "", func(in tenantry.RoleInput) error {
		_, err := h.s.scope(c).CreateRole(c.Request().Context(), a.ID, in)
		return err
	})
}

func (h peoplePages) updateRole(c echo.Context) error {
	if err := h.ownRole(c); err != nil {
		return err
	}
	return h.saveRole(c, c.Param("role"), func(in tenantry.RoleInput) error {
		_, err := h.s.scope(c).UpdateRole(c.Request().Context(), c.Param("role"), in)
		return err
	})
}

func (h peoplePages) deleteRole(c echo.Context) error {
	if err := h.ownRole(c); err != nil {
		return err
	}
	err := h.s.scope(c).DeleteRole(c.Request().Context(), c.Param("role"))
	if e := tenantry.AsError(err); e != nil && e.Kind == tenantry.ECONFLICT {
		vm, verr := h.rolesVM(c, "", tenantry.RoleInput{}, map[string]string{"": e.Message})
		if verr != nil {
			return verr
		}
		return render(c, http.StatusConflict, accounts.Roles(h.panel, vm))
	}
	if err != nil {
		return err
	}
	return h.done(c, "/roles", "Role deleted.")
}

// ownRole keeps the Roles page to the managed account's own roles.
func (h peoplePages) ownRole(c echo.Context) error {
	a, err := h.target(c)
	if err != nil {
		return err
	}
	all, err := h.s.scope(c).Roles(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	for _, r := range all {
		if r.ID == c.Param("role") {
			return nil
		}
	}
	return tenantry.ErrNotFound
}

// API: members, roles and the permission list.

type memberJSON struct {
	UserID   string `json:"user_id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	RoleName string `json:"role_name"`
	Via      string `json:"via"`
}

func (s *Server) apiMembers(c echo.Context) error {
	members, err := s.scope(c).Members(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	items := make([]memberJSON, len(members))
	for i, m := range members {
		items[i] = memberJSON{UserID: m.User.ID, Email: m.User.Email, Name: m.User.Name, Role: string(m.Role),
			RoleName: m.RoleName, Via: m.Via}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

func (s *Server) apiSetMemberRole(c echo.Context) error {
	var in struct {
		Role string `json:"role"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.scope(c).SetMemberRole(c.Request().Context(), c.Param("id"), c.Param("user_id"), tenantry.Role(in.Role)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiRemoveMember(c echo.Context) error {
	if err := s.scope(c).RemoveMember(c.Request().Context(), c.Param("id"), c.Param("user_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type roleJSON struct {
	ID          string   `json:"id"`
	AccountID   string   `json:"account_id"`
	Name        string   `json:"name"`
	Permissions []string `json:"permissions"`
	Builtin     bool     `json:"builtin"`
}

func customRoleJSON(r *tenantry.CustomRole) roleJSON {
	out := roleJSON{ID: r.ID, AccountID: r.AccountID, Name: r.Name, Permissions: []string{}}
	for _, p := range r.Permissions {
		out.Permissions = append(out.Permissions, string(p))
	}
	return out
}

// apiRoles lists the roles usable on the account: the built-in ones
// (their id is their name) and its custom ones.
func (s *Server) apiRoles(c echo.Context) error {
	ctx := c.Request().Context()
	custom, err := s.scope(c).Roles(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	a, err := s.scope(c).Account(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	var items []roleJSON
	for _, r := range tenantry.RolesFor(a.Kind) {
		out := roleJSON{ID: string(r), Name: string(r), Builtin: true, Permissions: []string{}}
		for _, p := range tenantry.PermissionsOf(r) {
			out.Permissions = append(out.Permissions, string(p))
		}
		items = append(items, out)
	}
	for i := range custom {
		items = append(items, customRoleJSON(&custom[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

func (s *Server) apiCreateRole(c echo.Context) error {
	var in tenantry.RoleInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.scope(c).CreateRole(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, customRoleJSON(r))
}

func (s *Server) apiPermissions(c echo.Context) error {
	out := make([]string, len(tenantry.AllPermissions))
	for i, p := range tenantry.AllPermissions {
		out[i] = string(p)
	}
	return c.JSON(http.StatusOK, out)
}
