package web

import (
	"context"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/components"
)

// onboarding is what a reseller has set up so far: the four steps of its
// onboarding checklist, and its primary domain (its end user panel).
type onboarding struct {
	Plan, Domain, Branding, Signup bool
	PrimaryDomain                  string
}

// onboardingOf reads a reseller's onboarding state as sc sees it.
func (s *Server) onboardingOf(ctx context.Context, sc *store.Scope, a *tenantry.Account) (onboarding, error) {
	var o onboarding
	history, err := sc.PlanHistory(ctx, a.ID)
	if err != nil {
		return o, err
	}
	o.Plan = tenantry.InEffect(history, s.db.Now()) != nil
	domains, err := sc.Domains(ctx, a.ID)
	if err != nil {
		return o, err
	}
	for _, d := range domains {
		if d.Primary {
			o.Domain, o.PrimaryDomain = true, d.FQDN
		}
	}
	b, err := sc.Branding(ctx, a.ID)
	if err != nil {
		return o, err
	}
	o.Branding = b.DisplayName != "" || b.PrimaryColor != "" || b.AccentColor != "" || b.LogoType != ""
	st, err := sc.Settings(ctx, a.ID)
	if err != nil {
		return o, err
	}
	o.Signup = st.SignupEnabled
	return o, nil
}

// checklist labels the steps for the vendor (links to the reseller's
// service page) or for the reseller itself (links to its own pages; its
// vendor sets the plan and domain).
func (o onboarding) checklist(vendorBase, accountID string) components.ChecklistVM {
	vm := components.ChecklistVM{Items: []components.ChecklistItem{
		{Key: "plan", Label: "Wholesale plan assigned", Done: o.Plan},
		{Key: "domain", Label: "End user panel URL set", Done: o.Domain},
		{Key: "branding", Label: "Branding set", Done: o.Branding},
		{Key: "signup", Label: "Sign-up configured", Done: o.Signup},
	}}
	if vendorBase != "" {
		service := vendorBase + "/accounts/" + accountID + "/service"
		vm.Items[0].Href, vm.Items[1].Href = service, service
		vm.Items[2].Note = "the reseller sets it in its own panel"
		vm.Items[3].Note = "the reseller sets it in its own panel"
		return vm
	}
	vm.Items[0].Note = "your vendor assigns it"
	vm.Items[1].Note = "your vendor sets it"
	vm.Items[2].Href = "/reseller/branding"
	vm.Items[3].Href = "/reseller/settings"
	return vm
}
