package store

import (
	"context"
	"fmt"

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
	children []demoAccount
}

var demoTree = []demoAccount{
	{kind: tenantry.KindReseller, name: "Acme Hosting", domain: "acme.localhost", owner: "admin@acme.example", children: []demoAccount{
		{kind: tenantry.KindReseller, name: "Beta Resale", domain: "beta.localhost", owner: "admin@beta.example", children: []demoAccount{
			{kind: tenantry.KindCustomer, name: "Gamma Labs", owner: "owner@gamma.example"},
		}},
		{kind: tenantry.KindCustomer, name: "Blue Bakery", owner: "owner@bluebakery.example"},
		{kind: tenantry.KindCustomer, name: "Cobalt Law", owner: "owner@cobaltlaw.example"},
	}},
	{kind: tenantry.KindReseller, name: "Orbit IT", domain: "orbit.localhost", owner: "admin@orbit.example", children: []demoAccount{
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
// panel.
func (db *DB) LoadDemo(ctx context.Context) ([]DemoLogin, error) {
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
	if err := s.SetResellersEnabled(ctx, true); err != nil {
		return nil, err
	}
	var add func(parent *tenantry.Account, nodes []demoAccount) error
	add = func(parent *tenantry.Account, nodes []demoAccount) error {
		for _, n := range nodes {
			c, err := s.CreateAccount(ctx, tenantry.NewAccount{ParentID: parent.ID, Kind: n.kind, Name: n.name,
				ContactEmail: n.owner, Owner: &tenantry.NewOwner{Email: n.owner, Name: "Owner of " + n.name, Password: DemoPassword}})
			if err != nil {
				return fmt.Errorf("demo account %s: %w", n.name, err)
			}
			if n.domain != "" {
				if err := s.AddDomain(ctx, c.Account.ID, n.domain); err != nil {
					return fmt.Errorf("demo domain %s: %w", n.domain, err)
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
	return DemoLogins, nil
}

// DemoLogins are the demo users worth printing at start: one per panel.
var DemoLogins = []DemoLogin{
	{Panel: "provider", Host: "portal.localhost", Email: "admin@nimbus.example"},
	{Panel: "reseller", Host: "acme.localhost", Email: "admin@acme.example"},
	{Panel: "reseller", Host: "beta.localhost", Email: "admin@beta.example"},
	{Panel: "reseller", Host: "orbit.localhost", Email: "admin@orbit.example"},
	{Panel: "end user", Host: "acme.localhost", Email: "owner@bluebakery.example"},
}
