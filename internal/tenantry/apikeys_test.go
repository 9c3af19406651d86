package tenantry_test

import (
	"slices"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

func TestAPIKeyInput(t *testing.T) {
	in := tenantry.APIKeyInput{Name: "  ci  ", Scopes: []string{" read", "usage:write", "read", ""}}
	in.Normalize()
	if in.Name != "ci" || !slices.Equal(in.Scopes, []string{"usage:write", "read"}) {
		t.Errorf("normalized = %+v, want ci with usage:write,read", in)
	}
	if err := in.Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
	for _, tt := range []struct {
		name  string
		in    tenantry.APIKeyInput
		field string
	}{
		{"NoScopes", tenantry.APIKeyInput{Name: "x"}, "scopes"},
		{"UnknownScope", tenantry.APIKeyInput{Name: "x", Scopes: []string{"write"}}, "scopes"},
		{"NoName", tenantry.APIKeyInput{Scopes: []string{"read"}}, "name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Normalize()
			e := tenantry.AsError(tt.in.Validate())
			if e == nil || e.Kind != tenantry.EINVALID || e.Fields[tt.field] == "" {
				t.Errorf("Validate = %v, want EINVALID on %s", e, tt.field)
			}
		})
	}
}

func TestAPIKeyActorSurvivesCopies(t *testing.T) {
	acc := tenantry.Account{ID: "acc_c", Path: "/acc_p/acc_c/", Status: tenantry.StatusActive}
	a := &tenantry.Actor{Grants: []tenantry.Grant{{Account: acc, Custom: tenantry.APIKeyPermissions([]string{tenantry.ScopeRead})}},
		APIKey: &tenantry.APIKeyRef{ID: "key_1", Scopes: []string{tenantry.ScopeRead}}}
	for name, c := range map[string]*tenantry.Actor{"ActiveOnly": a.ActiveOnly(), "NarrowedTo": a.NarrowedTo(&acc)} {
		if c.APIKey == nil || c.APIKey.ID != "key_1" {
			t.Errorf("%s dropped the API key: %+v", name, c.APIKey)
		}
	}
	if got := tenantry.APIKeyPermissions([]string{tenantry.ScopeUsageWrite}); !slices.Equal(got,
		[]tenantry.Permission{tenantry.PermInfraView, tenantry.PermInfraManage}) {
		t.Errorf("usage:write permissions = %v", got)
	}
	if got := tenantry.APIKeyPermissions(nil); got == nil || len(got) != 0 {
		t.Errorf("no scopes = %#v, want an empty, non-nil list (a custom grant with nothing)", got)
	}
}
