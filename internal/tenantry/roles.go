package tenantry

import (
	"slices"
	"strings"
	"time"
)

// CustomRole is a named set of permissions an account defines for its
// own members, beside the built-in roles.
type CustomRole struct {
	ID          string
	AccountID   string
	Name        string
	Permissions []Permission
	CreatedAt   time.Time
}

// RoleInput is a custom role as typed in the panel or sent to the API.
type RoleInput struct {
	Name        string   `json:"name"`
	Permissions []string `json:"permissions"`
}

// Parse validates the input: a one-line name that is not a built-in
// role's, and at least one known permission.
func (in *RoleInput) Parse() (string, []Permission, error) {
	name := strings.TrimSpace(in.Name)
	fields := map[string]string{}
	switch {
	case name == "" || len(name) > 60 || strings.ContainsAny(name, "\r\n"):
		fields["name"] = "Give a name of 1 to 60 characters, on one line."
	case UnsafeText(name):
		fields["name"] = MsgUnsafeText
	case slices.ContainsFunc(append(slices.Clone(BuiltinRoles), RoleService), func(r Role) bool { return strings.EqualFold(string(r), name) }):
		fields["name"] = "This is a built-in role's name: choose another."
	}
	var perms []Permission
	for _, p := range in.Permissions {
		if !slices.Contains(AllPermissions, Permission(p)) {
			fields["permissions"] = "Unknown permission " + p + "."
			continue
		}
		if !slices.Contains(perms, Permission(p)) {
			perms = append(perms, Permission(p))
		}
	}
	if len(perms) == 0 && fields["permissions"] == "" {
		fields["permissions"] = "Choose at least one permission."
	}
	if len(fields) > 0 {
		return "", nil, Invalid(fields)
	}
	slices.SortFunc(perms, func(a, b Permission) int {
		return slices.Index(AllPermissions, a) - slices.Index(AllPermissions, b)
	})
	return name, perms, nil
}

// PermissionsOf returns a built-in role's permissions.
func PermissionsOf(r Role) []Permission { return slices.Clone(rolePermissions[r]) }
