package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// DemoPassword is every demo user's password. Demo data is for trying the
// portal on a laptop, never for production.
const DemoPassword = "tenantry-demo"

// DemoLogin is one demo user worth printing at start.
type DemoLogin struct {
	Panel string
	Host  string
	Email string
}

type demoAccount struct {
	kind     tenantry.AccountKind
	name     string
	domain   string
	owner    string
	depth    int // sub-reseller levels a reseller may create
	children []demoAccount
}

var demoTree = []demoAccount{
	{kind: tenantry.KindReseller, name: "Acme Hosting", domain: "acme.localhost", owner: "admin@acme.example", depth: 2, children: []demoAccount{
		{kind: tenantry.KindReseller, name: "Beta Resale", domain: "beta.localhost", owner: "admin@beta.example", depth: 1, children: []demoAccount{
			{kind: tenantry.KindCustomer, name: "Gamma Labs", owner: "owner@gamma.example"},
		}},
		{kind: tenantry.KindCustomer, name: "Blue Bakery", owner: "owner@bluebakery.example"},
		{kind: tenantry.KindCustomer, name: "Cobalt Law", owner: "owner@cobaltlaw.example"},
	}},
	{kind: tenantry.KindReseller, name: "Orbit IT", domain: "orbit.localhost", owner: "admin@orbit.example", depth: 1, children: []demoAccount{
		{kind: tenantry.KindCustomer, name: "Delta Freight", owner: "owner@delta.example"},
		{kind: tenantry.KindCustomer, name: "Echo Media", owner: "owner@echomedia.example"},
	}},
	{kind: tenantry.KindCustomer, name: "Harbor Health", owner: "owner@harbor.example"},
	{kind: tenantry.KindCustomer, name: "Ion Robotics", owner: "owner@ionrobotics.example"},
}

// LoadDemo fills an empty database with the demo platform: provider
// "Nimbus Cloud" on portal.localhost, resellers Acme Hosting (with
// sub-reseller Beta Resale) and Orbit IT on their own domains, and a few
// customers under each and under the provider. It returns one login per
// panel. It runs in the system scope: the audit events of the demo data
// name the scope's reason as their actor, not the provider's admin.
func (sys *SystemScope) LoadDemo(ctx context.Context) ([]DemoLogin, error) {
	db := sys.db
	p, err := db.InitPlatform(ctx, PlatformInit{Domain: "portal.localhost", ProviderName: "Nimbus Cloud",
		AdminEmail: "admin@nimbus.example", AdminName: "Nora Nimbus", AdminPassword: DemoPassword})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	tenant, err := db.TenantByHost(ctx, p.Domain)
	if err != nil {
		return nil, err
	}
	actor, err := db.ActorFor(ctx, tenant, p.Admin.ID)
	if err != nil {
		return nil, err
	}
	s := db.Scope(tenant, actor, "")
	s.system = sys.reason
	if err := s.SetResellersEnabled(ctx, true); err != nil {
		return nil, err
	}
	var add func(parent *tenantry.Account, nodes []demoAccount) error
	add = func(parent *tenantry.Account, nodes []demoAccount) error {
		for _, n := range nodes {
			c, err := s.CreateAccount(ctx, tenantry.NewAccount{ParentID: parent.ID, Kind: n.kind, Name: n.name,
				ContactEmail: n.owner, Owner: &tenantry.NewOwner{Email: n.owner, Name: "Owner of " + n.name, Password: DemoPassword}}, mail.Links{})
			if err != nil {
				return fmt.Errorf("demo account %s: %w", n.name, err)
			}
			if n.domain != "" {
				if err := s.SetPanelDomain(ctx, c.Account.ID, n.domain); err != nil {
					return fmt.Errorf("demo domain %s: %w", n.domain, err)
				}
			}
			if n.depth > 0 {
				if err := s.SetResellerDepth(ctx, c.Account.ID, n.depth); err != nil {
					return fmt.Errorf("demo depth %s: %w", n.name, err)
				}
			}
			if err := add(c.Account, n.children); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(p.Provider, demoTree); err != nil {
		return nil, err
	}
	if err := loadDemoPricing(ctx, s, p.Provider); err != nil {
		return nil, fmt.Errorf("demo pricing: %w", err)
	}
	return DemoLogins, nil
}

// DemoLogins are the demo users worth printing at start: one per panel.
var DemoLogins = []DemoLogin{
	{Panel: "provider", Host: "portal.localhost", Email: "admin@nimbus.example"},
	{Panel: "reseller", Host: "acme.localhost", Email: "admin@acme.example"},
	{Panel: "reseller", Host: "beta.localhost", Email: "admin@beta.example"},
	{Panel: "reseller", Host: "orbit.localhost", Email: "admin@orbit.example"},
	{Panel: "end user", Host: "acme.localhost", Email: "owner@bluebakery.example"},
	{Panel: "service", Host: "acme.localhost", Email: "till@bluebakery.example"},
	{Panel: "delegate", Host: "orbit.localhost", Email: "ops@fleetpartner.example"},
}

// demoMetrics is a realistic catalogue for a small cloud.
var demoMetrics = []tenantry.Metric{
	{Key: "instance.small", Name: "Instance small (2 vCPU, 4 GB)", Unit: "hour", ResourceType: tenantry.ResourceServer},
	{Key: "instance.medium", Name: "Instance medium (4 vCPU, 8 GB)", Unit: "hour", ResourceType: tenantry.ResourceServer},
	{Key: "instance.large", Name: "Instance large (8 vCPU, 32 GB)", Unit: "hour", ResourceType: tenantry.ResourceServer},
	{Key: "storage.block", Name: "Block storage", Unit: "GB-hour", ResourceType: tenantry.ResourceVolume},
	{Key: "ip.public_v4", Name: "Public IPv4 address", Unit: "hour", ResourceType: tenantry.ResourceIP},
	{Key: "network.egress", Name: "Egress traffic", Unit: "GB"},
	{Key: "backup.storage", Name: "Backup storage", Unit: "GB-month"},
}

type demoPlan struct {
	owner, name, audience, markup string
	// prices in the order of demoMetrics
	prices [7]string
	// who gets it
	assign []string
}

var demoPlans = []demoPlan{
	{"Nimbus Cloud", "Reseller Wholesale", "resellers", "5", [7]string{"0.012", "0.024", "0.080", "0.000090", "0.003", "0.008", "0.018"},
		[]string{"Acme Hosting", "Orbit IT"}},
	{"Nimbus Cloud", "Direct Standard", "customers", "20", [7]string{"0.020", "0.040", "0.130", "0.000150", "0.005", "0.012", "0.030"},
		[]string{"Harbor Health", "Ion Robotics"}},
	{"Acme Hosting", "Acme Retail", "customers", "25", [7]string{"0.018", "0.036", "0.120", "0.000140", "0.005", "0.011", "0.028"},
		[]string{"Blue Bakery", "Cobalt Law"}},
	{"Acme Hosting", "Acme Partner Wholesale", "resellers", "10", [7]string{"0.015", "0.030", "0.100", "0.000110", "0.004", "0.010", "0.022"},
		[]string{"Beta Resale"}},
	{"Beta Resale", "Beta Everyday", "customers", "25", [7]string{"0.022", "0.042", "0.140", "0.000160", "0.006", "0.014", "0.032"},
		[]string{"Gamma Labs"}},
	{"Orbit IT", "Orbit Business", "customers", "15", [7]string{"0.019", "0.038", "0.125", "0.000130", "0.005", "0.010", "0.026"},
		[]string{"Delta Freight", "Echo Media"}},
}

// loadDemoPricing adds the catalogue, each vendor's plans and settings,
// and assigns the plans, effective from the first of last month so that
// there is history to rate.
func loadDemoPricing(ctx context.Context, s *Scope, provider *tenantry.Account) error {
	for _, m := range demoMetrics {
		if err := s.SaveMetric(ctx, m, true); err != nil {
			return err
		}
	}
	page, err := s.Accounts(ctx, AccountFilter{Limit: 100})
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, a := range page.Items {
		byName[a.Name] = a.ID
	}
	now := s.db.Now()
	from := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	defaults := map[string]string{}
	for _, dp := range demoPlans {
		in := tenantry.PlanInput{Name: dp.name, Currency: "USD", Audience: dp.audience, MarkupPercent: dp.markup}
		for i, m := range demoMetrics {
			in.Prices = append(in.Prices, tenantry.PriceInput{Metric: m.Key, UnitPrice: dp.prices[i]})
		}
		plan, err := s.CreatePlan(ctx, byName[dp.owner], in)
		if err != nil {
			return fmt.Errorf("plan %s: %w", dp.name, err)
		}
		if dp.audience == tenantry.AudienceCustomers {
			defaults[dp.owner] = plan.ID
		}
		for _, name := range dp.assign {
			if _, err := s.AssignPlan(ctx, byName[name], plan.ID, from); err != nil {
				return fmt.Errorf("assign %s to %s: %w", dp.name, name, err)
			}
		}
	}
	yes, no := true, false
	for _, v := range []struct {
		name, prefix, support, tax string
		approval                   bool
	}{
		{"Nimbus Cloud", "NIM-", "support@nimbus.example", "20", false},
		{"Acme Hosting", "ACME-", "support@acme.example", "20", false},
		{"Beta Resale", "BETA-", "help@beta.example", "20", false},
		{"Orbit IT", "ORB-", "care@orbit.example", "19", true},
	} {
		approval := no
		if v.approval {
			approval = yes
		}
		plan := defaults[v.name]
		if _, err := s.UpdateSettings(ctx, byName[v.name], tenantry.SettingsUpdate{SignupEnabled: &yes,
			SignupRequiresApproval: &approval, DefaultPlanID: tenantry.OptionalString{Set: true, Value: plan},
			Currency: ptrTo("USD"), TaxRatePercent: ptrTo(v.tax), InvoicePrefix: ptrTo(v.prefix),
			SupportEmail: ptrTo(v.support), TermsURL: ptrTo("https://example.com/terms")}); err != nil {
			return fmt.Errorf("settings of %s: %w", v.name, err)
		}
	}
	if err := loadDemoBranding(ctx, s, byName); err != nil {
		return err
	}
	if err := loadDemoRoles(ctx, s, byName); err != nil {
		return err
	}
	if err := loadDemoInfrastructure(ctx, s, byName); err != nil {
		return err
	}
	return loadDemoAccess(ctx, s, byName)
}

// loadDemoAccess shows the two ways to reach single infrastructures: Blue
// Bakery's service user Till has "sandbox" assigned, and Fleet Partner's
// ops, who has no account at all, is a delegate of Delta Freight's
// "fleet-tracker" (on orbit.localhost, where Delta Freight is served).
// Both are recorded as if they had accepted invitations and chosen the
// demo password.
func loadDemoAccess(ctx context.Context, s *Scope, byName map[string]string) error {
	sandbox, err := demoInfraID(ctx, s, byName["Blue Bakery"], "sandbox")
	if err != nil {
		return err
	}
	tracker, err := demoInfraID(ctx, s, byName["Delta Freight"], "fleet-tracker")
	if err != nil {
		return err
	}
	hash := hashPassword(DemoPassword)
	return s.db.inTx(ctx, func(tx *tx) error {
		till := &tenantry.User{Email: "till@bluebakery.example", Name: "Till Baker", PasswordHash: hash}
		ops := &tenantry.User{Email: "ops@fleetpartner.example", Name: "Fleet Partner Ops", PasswordHash: hash}
		for _, u := range []*tenantry.User{till, ops} {
			if err := insertUser(ctx, tx, u, "email"); err != nil {
				return err
			}
		}
		if err := insertMembership(ctx, tx, byName["Blue Bakery"], till.ID, tenantry.RoleService); err != nil {
			return err
		}
		if err := insertInfraGrant(ctx, tx, sandbox, till.ID, ""); err != nil {
			return err
		}
		return insertInfraGrant(ctx, tx, tracker, ops.ID, "")
	})
}

func demoInfraID(ctx context.Context, s *Scope, accountID, name string) (string, error) {
	page, err := s.Infrastructures(ctx, accountID, InfraFilter{Q: name})
	if err != nil || len(page.Items) != 1 {
		return "", fmt.Errorf("demo infrastructure %s: %v", name, err)
	}
	return page.Items[0].ID, nil
}

// loadDemoRoles gives two resellers a custom role each.
func loadDemoRoles(ctx context.Context, s *Scope, byName map[string]string) error {
	for _, r := range []struct {
		account string
		in      tenantry.RoleInput
	}{
		{"Acme Hosting", tenantry.RoleInput{Name: "Support desk", Permissions: []string{"account.view", "infra.view", "reports.view", "audit.view"}}},
		{"Orbit IT", tenantry.RoleInput{Name: "Accountant", Permissions: []string{"account.view", "billing.view", "billing.manage", "reports.view"}}},
	} {
		if _, err := s.CreateRole(ctx, byName[r.account], r.in); err != nil {
			return fmt.Errorf("demo role %s: %w", r.in.Name, err)
		}
	}
	return nil
}

func ptrTo[T any](v T) *T { return &v }
