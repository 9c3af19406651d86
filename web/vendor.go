package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/components"
)

// vendorPages are the account pages of a vendor's panel (provider or
// reseller): everything they show lies below the panel's account.
type vendorPages struct {
	s     *Server
	panel string
	base  string
}

const pageSize = 50

// accountList lists the accounts below root, filtered by the request's
// query, as a view model for the table and its pager.
func (h vendorPages) accountList(c echo.Context, root *tenantry.Account, path string) (components.AccountListVM, error) {
	q := c.QueryParams()
	f := store.AccountFilter{Under: root.ID, Q: q.Get("q"), Kind: tenantry.AccountKind(q.Get("kind")),
		Status: tenantry.AccountStatus(q.Get("status")), PlanID: q.Get("plan"), Cursor: q.Get("cursor"), Limit: pageSize}
	// sorted by a column the user clicked (whitelisted by the store; an
	// unknown one falls back to tree order), paged by number so that
	// Previous works in every order
	if sort := q.Get("sort"); slices.Contains(store.AccountSorts, strings.TrimPrefix(sort, "-")) {
		f.Sort = sort
		f.Cursor = ""
	}
	pageNo, _ := strconv.Atoi(q.Get("page"))
	if pageNo < 1 || pageNo > 100000 {
		pageNo = 1
	}
	if f.Cursor == "" {
		f.Offset = (pageNo - 1) * pageSize
	}
	org := q.Get("organization")
	switch org {
	case "yes", "no":
		isOrg := org == "yes"
		f.IsOrganization = &isOrg
	default:
		org = ""
	}
	sc := h.s.scope(c)
	page, err := sc.Accounts(c.Request().Context(), f)
	if err != nil {
		return components.AccountListVM{}, err
	}
	vm := components.AccountListVM{Base: h.base, Path: path, Items: page.Items, RootDepth: root.Depth, Total: page.Total,
		Q: f.Q, Kind: string(f.Kind), Status: string(f.Status), Plans: page.Plans, PlanID: f.PlanID, Organization: org, Sort: f.Sort}
	plans, err := sc.Plans(c.Request().Context(), root.ID, store.PlanFilter{})
	if err != nil {
		return vm, err
	}
	for _, p := range plans {
		vm.PlanOptions = append(vm.PlanOptions, components.Option{Value: p.ID, Label: p.Name})
	}
	// the list's query with another page: filters and sort kept
	pageURL := func(n int) string {
		v := url.Values{}
		for k, vals := range q {
			v[k] = vals
		}
		v.Del("cursor")
		v.Del("page")
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if f.Cursor != "" {
		// an old cursor link: tree order after it
		if page.NextCursor != "" {
			next := url.Values{}
			for k, v := range q {
				next[k] = v
			}
			next.Set("cursor", page.NextCursor)
			vm.NextURL = path + "?" + next.Encode()
		}
		vm.FirstURL = pageURL(1)
		return vm, nil
	}
	if f.Offset+len(page.Items) < page.Total {
		vm.NextURL = pageURL(pageNo + 1)
	}
	if pageNo > 1 {
		vm.PrevURL = pageURL(pageNo - 1)
		if pageNo > 2 {
			vm.FirstURL = pageURL(1)
		}
	}
	return vm, nil
}

func (h vendorPages) list(c echo.Context) error {
	vm, err := h.accountList(c, panelAccount(c), h.base+"/accounts")
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.Accounts(h.panel, vm))
}

// accountForm is the new-account form as posted; its input names are the
// domain's field names, so domain errors land on the right input.
type accountForm struct {
	ParentID      string `form:"parent_id"`
	Kind          string `form:"kind"`
	Name          string `form:"name"`
	ContactEmail  string `form:"contact_email"`
	OwnerName     string `form:"owner.name"`
	OwnerEmail    string `form:"owner.email"`
	OwnerPassword string `form:"owner.password"`
	// OrganizationID and IsOrganization concern customers only: a reseller
	// posted with them set is refused on the field, as the API refuses it.
	OrganizationID string `form:"organization_id"`
	IsOrganization string `form:"is_organization"`
	// PlanID is the plan chosen, "" for none; a post without the field
	// (not from the form) gets the vendor's default, as the API does.
	PlanID string `form:"plan_id"`
	// PlanShown is the plan the form showed selected: left as it was for
	// an account it does not fit, it is no choice of the user's
	PlanShown string `form:"plan_shown"`
}

func (f accountForm) newAccount(c echo.Context) tenantry.NewAccount {
	in := tenantry.NewAccount{ParentID: f.ParentID, Kind: tenantry.AccountKind(f.Kind), Name: f.Name,
		ContactEmail: f.ContactEmail, OrganizationID: f.OrganizationID, IsOrganization: f.IsOrganization == "true",
		Owner: &tenantry.NewOwner{Name: f.OwnerName, Email: f.OwnerEmail, Password: f.OwnerPassword}}
	// an organization anchor is never invoiced and so gets no plan, and a
	// reseller posted with the customers' default the form preselected
	// did not choose it: neither is a choice the user made
	untouched := f.PlanID != "" && f.PlanID == f.PlanShown && in.Kind != tenantry.KindCustomer
	if form, err := c.FormParams(); err == nil && form.Has("plan_id") && !in.IsOrganization && !untouched {
		in.PlanID = &f.PlanID
	}
	return in
}

// planOptions are the active plans of vendor a new account below it may
// start on, for customers and for resellers ("No plan yet" first), and
// the id to preselect: the plan asked for, else the vendor's default plan
// for customers. A vendor out of reach offers none.
func (h vendorPages) planOptions(c echo.Context, in tenantry.NewAccount) ([]components.PlanGroup, string, error) {
	ctx := c.Request().Context()
	sc := h.s.scope(c)
	plans, err := sc.Plans(ctx, in.ParentID, store.PlanFilter{Status: tenantry.PlanActive})
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND || tenantry.ErrorKind(err) == tenantry.EFORBIDDEN {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	groups := []components.PlanGroup{
		{Label: "For customers", Audience: tenantry.AudienceCustomers},
		{Label: "For resellers (wholesale)", Audience: tenantry.AudienceResellers},
	}
	for _, p := range plans {
		for i := range groups {
			if groups[i].Audience == p.Audience {
				groups[i].Options = append(groups[i].Options, components.Option{Value: p.ID, Label: p.Name + " (" + p.Currency + ")"})
			}
		}
	}
	if in.PlanID != nil {
		return groups, *in.PlanID, nil
	}
	if in.Kind != tenantry.KindCustomer || in.IsOrganization {
		return groups, "", nil
	}
	st, err := sc.Settings(ctx, in.ParentID)
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND || tenantry.ErrorKind(err) == tenantry.EFORBIDDEN {
		return groups, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	return groups, st.DefaultPlanID, nil
}

// organizationOptions are the active organization anchors below root a new
// or existing customer may choose from, leading with "None"; when vendor
// is set, only that vendor's (an anchor belongs to its vendor's customers).
// An anchor below a sub-reseller names it.
func (h vendorPages) organizationOptions(c echo.Context, root *tenantry.Account, vendor string) ([]components.Option, error) {
	yes := true
	page, err := h.s.scope(c).Accounts(c.Request().Context(), store.AccountFilter{Under: root.ID, Kind: tenantry.KindCustomer,
		Status: tenantry.StatusActive, IsOrganization: &yes, ParentID: vendor, Limit: 500})
	if err != nil {
		return nil, err
	}
	names := map[string]string{root.ID: root.Name}
	if vendor == "" {
		resellers, err := h.s.scope(c).Accounts(c.Request().Context(), store.AccountFilter{Under: root.ID,
			Kind: tenantry.KindReseller, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, r := range resellers.Items {
			names[r.ID] = r.Name
		}
	}
	opts := []components.Option{{Value: "", Label: "None"}}
	for _, a := range page.Items {
		label := a.Name
		if vendor == "" && a.ParentID != root.ID {
			label += " (below " + names[a.ParentID] + ")"
		}
		opts = append(opts, components.Option{Value: a.ID, Label: label})
	}
	return opts, nil
}

// formVM builds the new-account form: the kinds this vendor may create and
// the vendors (itself and its resellers) it may create them below.
func (h vendorPages) formVM(c echo.Context, in tenantry.NewAccount, errs map[string]string) (components.AccountFormVM, error) {
	ctx := c.Request().Context()
	root := panelAccount(c)
	if in.ParentID == "" {
		in.ParentID = root.ID
	}
	if in.Kind == "" {
		in.Kind = tenantry.KindCustomer
	}
	if in.Owner != nil {
		in.Owner.Password = "" // never echoed back
	}
	vm := components.AccountFormVM{Base: h.base, In: in, Errors: errs,
		Kinds:   []components.Option{{Value: "customer", Label: "Customer"}},
		Parents: []components.Option{{Value: root.ID, Label: root.Name}}}
	on, err := h.s.db.ResellersEnabled(ctx)
	if err != nil {
		return vm, err
	}
	// a reseller may create sub-resellers only within the depth its vendor allows
	if on && (root.Kind == tenantry.KindProvider || root.MaxResellerDepth > 0) {
		vm.Kinds = append(vm.Kinds, components.Option{Value: "reseller", Label: "Reseller"})
	}
	page, err := h.s.scope(c).Accounts(ctx, store.AccountFilter{Under: root.ID, Kind: tenantry.KindReseller,
		Status: tenantry.StatusActive, Limit: 500})
	if err != nil {
		return vm, err
	}
	for _, a := range page.Items {
		vm.Parents = append(vm.Parents, components.Option{Value: a.ID, Label: a.Name})
	}
	if vm.Plans, vm.PlanID, err = h.planOptions(c, in); err != nil {
		return vm, err
	}
	vm.Organizations, err = h.organizationOptions(c, root, "")
	return vm, err
}

func (h vendorPages) newForm(c echo.Context) error {
	// the form is for those who may save it: customers.manage or
	// resellers.manage below the panel's account
	root := panelAccount(c)
	actor := h.s.scope(c).Actor()
	if err := tenantry.AuthorizeCreate(actor, tenantry.KindCustomer, root); err != nil {
		if rerr := tenantry.AuthorizeCreate(actor, tenantry.KindReseller, root); rerr != nil {
			return err
		}
	}
	vm, err := h.formVM(c, tenantry.NewAccount{Kind: tenantry.AccountKind(c.QueryParam("kind")),
		ParentID: c.QueryParam("parent_id")}, nil)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.NewAccount(h.panel, vm))
}

func (h vendorPages) create(c echo.Context) error {
	var f accountForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in := f.newAccount(c)
	created, err := h.s.createAccount(c, in)
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		// a parent the form did not offer: say so on the field
		err = tenantry.Invalid(map[string]string{"parent_id": "Choose an account you manage."})
	}
	if errs := formErrors(err); errs != nil {
		if e := tenantry.AsError(err); e.Code == "resellers_disabled" {
			errs = map[string]string{"kind": e.Message}
		}
		vm, verr := h.formVM(c, in, errs)
		if verr != nil {
			return verr
		}
		return render(c, formStatus(err), accounts.NewAccount(h.panel, vm))
	}
	if err != nil {
		return err
	}
	// the owner as asked for: the page is the same whether the address
	// had a user (invited) or not (created)
	vm := components.AccountCreatedVM{Base: h.base, Account: *created.Account, OwnerEmail: created.OwnerEmail}
	if created.InvitationPath != "" {
		vm.InvitationURL = h.s.linkOn(created.InvitationHost, created.InvitationPath)
	}
	return render(c, http.StatusCreated, accounts.Created(h.panel, vm))
}

// below returns the account id if it lies strictly below the panel's
// account and the actor may view it; ENOTFOUND otherwise.
func (h vendorPages) below(c echo.Context, id string) (*tenantry.Account, error) {
	a, err := h.s.panelScope(c).Account(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	if a.ID == panelAccount(c).ID {
		return nil, tenantry.ErrNotFound // the panel's own account is not one below it
	}
	return a, nil
}

func (h vendorPages) detailVM(c echo.Context, a *tenantry.Account) (components.AccountDetailVM, error) {
	ctx := c.Request().Context()
	sc := h.s.scope(c)
	vm := components.AccountDetailVM{Base: h.base, Account: *a, Name: a.Name, ContactEmail: a.ContactEmail,
		CanSuspend: tenantry.Authorize(sc.Actor(), tenantry.PermissionForKind(a.Kind), a) == nil,
		CanEdit:    tenantry.Authorize(sc.Actor(), tenantry.PermAccountManage, a) == nil}
	if parent, err := sc.Account(ctx, a.ParentID); err == nil {
		vm.Parent = parent
	}
	on, err := h.s.db.ResellersEnabled(ctx)
	if err != nil {
		return vm, err
	}
	vm.CanConvert = on && a.CanConvertToReseller() && tenantry.Authorize(sc.Actor(), tenantry.PermResellersManage, a) == nil
	if _, err := sc.CanActAs(ctx, a.ID); err == nil {
		vm.CanActAs = true
	}
	if a.Status == tenantry.StatusPending && vm.CanSuspend {
		st, err := sc.SignupState(ctx, a.ID)
		if err != nil {
			return vm, err
		}
		vm.Signup = &components.SignupVM{EmailConfirmed: st.EmailConfirmed, Approved: st.Approved, NeedsApproval: st.NeedsApproval}
	}
	if a.Kind == tenantry.KindReseller && vm.CanSuspend {
		o, err := h.s.onboardingOf(ctx, sc, a)
		if err != nil {
			return vm, err
		}
		vm.Onboarding = o.checklist(h.base, a.ID)
	}
	if a.Kind == tenantry.KindCustomer {
		section, err := h.planSection(c, a, "", "", nil)
		if err != nil {
			return vm, err
		}
		vm.Plan = section
	}
	if err := h.organizationSection(c, a, &vm); err != nil {
		return vm, err
	}
	members, err := sc.Members(ctx, a.ID)
	if err != nil {
		return vm, err
	}
	vm.Members = members
	if a.Kind.IsVendor() {
		page, err := sc.Accounts(ctx, store.AccountFilter{Under: a.ID, Limit: pageSize})
		if err != nil {
			return vm, err
		}
		vm.Children = components.AccountListVM{Base: h.base, Items: page.Items, RootDepth: a.Depth, Total: page.Total, Plans: page.Plans}
	}
	return vm, nil
}

func (h vendorPages) show(c echo.Context) error {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return err
	}
	vm, err := h.detailVM(c, a)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.Account(h.panel, vm))
}

// organizationSection fills the customer-organization part of a
// customer's page: the organization it belongs to (read-only once set),
// the anchors it may still choose, or the customers of an anchor.
func (h vendorPages) organizationSection(c echo.Context, a *tenantry.Account, vm *components.AccountDetailVM) error {
	if a.Kind != tenantry.KindCustomer {
		return nil
	}
	ctx := c.Request().Context()
	sc := h.s.scope(c)
	vm.CanOrganize = tenantry.Authorize(sc.Actor(), tenantry.PermCustomersManage, a) == nil
	if a.OrganizationID != "" {
		if org, err := sc.Account(ctx, a.OrganizationID); err == nil {
			vm.Organization = org
		}
	}
	if a.IsOrganization {
		page, err := sc.Accounts(ctx, store.AccountFilter{OrganizationID: a.ID, Limit: 500})
		if err != nil {
			return err
		}
		vm.OrganizationMembers = page.Items
	}
	if vm.CanOrganize && a.OrganizationID == "" && !a.IsOrganization {
		opts, err := h.organizationOptions(c, panelAccount(c), a.ParentID)
		if err != nil {
			return err
		}
		vm.Organizations = opts
	}
	return nil
}

// updateOrganization saves the organization form of a customer: its
// organization (once) or its being an anchor.
func (h vendorPages) updateOrganization(c echo.Context, a *tenantry.Account) error {
	var in tenantry.AccountUpdate
	msg := "Changes saved."
	switch v := c.FormValue("is_organization"); v {
	case "true", "false":
		on := v == "true"
		in.IsOrganization = &on
		msg = a.Name + " is no longer an organization."
		if on {
			msg = a.Name + " is now an organization."
		}
	default:
		id := c.FormValue("organization_id")
		if id == "" {
			return h.redirectWith(c, a, "No organization chosen: nothing changed.")
		}
		in.OrganizationID = &id
		msg = a.Name + " now belongs to its organization, for good."
	}
	_, err := h.s.scope(c).UpdateAccount(c.Request().Context(), a.ID, in)
	if errs := formErrors(err); errs != nil {
		vm, verr := h.detailVM(c, a)
		if verr != nil {
			return verr
		}
		vm.OrgErrors = errs
		return render(c, formStatus(err), accounts.Account(h.panel, vm))
	}
	if err != nil {
		return err
	}
	return h.redirectWith(c, a, msg)
}

func (h vendorPages) redirectWith(c echo.Context, a *tenantry.Account, msg string) error {
	if err := flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/accounts/"+a.ID)
}

// update saves the profile form of an account below the panel's account,
// or its organization form.
func (h vendorPages) update(c echo.Context) error {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return err
	}
	if c.FormValue("section") == "organization" {
		return h.updateOrganization(c, a)
	}
	name, contact := c.FormValue("name"), c.FormValue("contact_email")
	_, err = h.s.scope(c).UpdateAccount(c.Request().Context(), a.ID,
		tenantry.AccountUpdate{Name: &name, ContactEmail: &contact})
	if errs := formErrors(err); errs != nil {
		vm, verr := h.detailVM(c, a)
		if verr != nil {
			return verr
		}
		vm.Name, vm.ContactEmail, vm.EditErrors = name, contact, errs
		return render(c, formStatus(err), accounts.Account(h.panel, vm))
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Changes saved."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/accounts/"+a.ID)
}

func (h vendorPages) setStatus(c echo.Context) error {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return err
	}
	status := tenantry.AccountStatus(c.FormValue("status"))
	reason := c.FormValue("suspend_reason")
	var updated *tenantry.Account
	if status == tenantry.StatusSuspended && strings.TrimSpace(reason) == "" {
		// the panel asks for a reason, which the account's users are told
		err = tenantry.Invalid(map[string]string{"suspend_reason": "Say why, so that the account's users are told."})
	} else {
		updated, err = h.s.scope(c).UpdateAccount(c.Request().Context(), a.ID,
			tenantry.AccountUpdate{Status: &status, SuspendReason: &reason})
	}
	if errs := formErrors(err); errs != nil {
		vm, verr := h.detailVM(c, a)
		if verr != nil {
			return verr
		}
		vm.Errors, vm.Reason = errs, reason
		return render(c, formStatus(err), accounts.Account(h.panel, vm))
	}
	if err != nil {
		return err
	}
	msg := updated.Name + " is active again."
	if updated.Status == tenantry.StatusSuspended {
		msg = updated.Name + " is suspended, with every account below it."
	}
	if err := flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/accounts/"+a.ID)
}

// linkOn builds an absolute URL on host with the configured public scheme
// and port, e.g. a one-time link on the domain where its user signs in.
func (s *Server) linkOn(host, path string) string { return s.mailLinks(nil).URL(host, path) }
