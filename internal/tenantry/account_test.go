package tenantry

import "testing"

func TestConvertToResellerRefusal(t *testing.T) {
	direct := Account{ID: "c", Kind: KindCustomer, Depth: 1, Status: StatusActive}
	tests := []struct {
		name string
		edit func(a *Account)
		ok   bool
	}{
		{"DirectCustomer", func(*Account) {}, true},
		{"BelowAReseller", func(a *Account) { a.Depth = 2 }, false},
		{"Reseller", func(a *Account) { a.Kind = KindReseller }, false},
		{"Suspended", func(a *Account) { a.Status = StatusSuspended }, false},
		{"OrganizationAnchor", func(a *Account) { a.IsOrganization = true }, false},
		{"OrganizationMember", func(a *Account) { a.OrganizationID = "anchor" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := direct
			tt.edit(&a)
			why := a.ConvertToResellerRefusal()
			if got := a.CanConvertToReseller(); got != tt.ok || (why == "") != tt.ok {
				t.Errorf("CanConvertToReseller = %v (refusal %q), want %v", got, why, tt.ok)
			}
		})
	}
}
