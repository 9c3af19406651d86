// Package layout holds one frame per kind of page: the panels' shell with
// navigation, the sign-in pages' card, and a plain page that shows no
// branding at all (for unknown hosts).
package layout

import (
	"context"
	"slices"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/components"
)

// Panel kinds, which are also the panels' base paths.
const (
	PanelProvider = "provider"
	PanelReseller = "reseller"
	PanelApp      = "app"
	// PanelDelegate frames the pages of a user who reaches single
	// infrastructures only, through delegations: it has no base path.
	PanelDelegate = "delegate"
)

// NavItem is one link of a panel's navigation.
type NavItem struct {
	Key   string
	Label string
	Href  string
	// Needs are the permissions on the panel's account that the page asks
	// for, every one of them, and OneOf those of which it asks any one.
	// They restate what the page's handler and the store methods it calls
	// authorize, so that the menu offers exactly the pages that open (not
	// a 403). An item that needs nothing is for everyone in the panel.
	Needs []tenantry.Permission
	OneOf []tenantry.Permission
}

// shown reports whether the actor may open the item's page in the panel
// of account (tenantry.MayOpen).
func (item NavItem) shown(actor *tenantry.Actor, account *tenantry.Account) bool {
	if len(item.Needs) == 0 && len(item.OneOf) == 0 {
		return true
	}
	if len(item.Needs) > 0 && !tenantry.MayOpen(actor, account, item.Needs...) {
		return false
	}
	return len(item.OneOf) == 0 || slices.ContainsFunc(item.OneOf, func(p tenantry.Permission) bool {
		return tenantry.MayOpen(actor, account, p)
	})
}

// What the panels' pages ask for (see web/ and store/). Every page of a
// panel reads its account (account.view); pages that show read-only
// content to those who may not change it (Plans, Settings, Branding,
// Users, Roles) ask for nothing more.
var (
	view = []tenantry.Permission{tenantry.PermAccountView}
	// a vendor's Cost centers page also lists the customers of its My Org
	// / Customer switch; the end-user panel's needs infra.view alone
	vendorCostCenters = []tenantry.Permission{tenantry.PermAccountView, tenantry.PermInfraView}
	infra             = []tenantry.Permission{tenantry.PermInfraView}
	audit             = []tenantry.Permission{tenantry.PermAccountView, tenantry.PermAuditView}
	// the new-account form is for those who may create a customer or a
	// reseller below the panel's account (web.vendorPages.newForm)
	create = []tenantry.Permission{tenantry.PermCustomersManage, tenantry.PermResellersManage}
	// mail holds live one-time links: only those who may manage users
	// read it (store.Scope.outboxReader, store.Scope.tenantOutboxReader)
	outbox = []tenantry.Permission{tenantry.PermUsersManage}
	// API keys are made, listed and revoked by those who manage the
	// account (store.Scope.APIKeys)
	apiKeys = []tenantry.Permission{tenantry.PermAccountManage}
)

// navigation lists each panel's menu. Every page a user can reach is here
// or one click below an item here.
func navigation(panel string) []NavItem {
	switch panel {
	case PanelProvider:
		return []NavItem{
			{"dashboard", "Dashboard", "/provider", view, nil},
			{"accounts", "Customers & resellers", "/provider/accounts", view, nil},
			{"new-account", "New account", "/provider/accounts/new", view, create},
			{"plans", "Pricing plans", "/provider/plans", view, nil},
			// the catalogue is shown to everyone in the panel; changing
			// it is plans.manage
			{"metrics", "Metric catalogue", "/provider/metrics", nil, nil},
			{"settings", "Settings", "/provider/settings", view, nil},
			{"infrastructures", "Infrastructures", "/infrastructures", nil, nil},
			{"users", "Users", "/provider/users", view, nil},
			{"roles", "Roles", "/provider/roles", view, nil},
			{"cost-centers", "Cost centers", "/provider/cost-centers", vendorCostCenters, nil},
			{"branding", "Branding", "/provider/branding", view, nil},
			{"outbox", "Outgoing mail", "/provider/outbox", outbox, nil},
			{"audit", "Audit log", "/provider/audit", audit, nil},
			{"api-keys", "API keys", "/provider/api-keys", apiKeys, nil},
		}
	case PanelReseller:
		return []NavItem{
			{"dashboard", "Dashboard", "/reseller", view, nil},
			{"accounts", "Customers & resellers", "/reseller/accounts", view, nil},
			{"new-account", "New account", "/reseller/accounts/new", view, create},
			{"plans", "Pricing plans", "/reseller/plans", view, nil},
			{"settings", "Settings", "/reseller/settings", view, nil},
			{"infrastructures", "Infrastructures", "/infrastructures", nil, nil},
			{"users", "Users", "/reseller/users", view, nil},
			{"roles", "Roles", "/reseller/roles", view, nil},
			{"cost-centers", "Cost centers", "/reseller/cost-centers", vendorCostCenters, nil},
			{"branding", "Branding", "/reseller/branding", view, nil},
			{"outbox", "Outgoing mail", "/reseller/outbox", outbox, nil},
			{"audit", "Audit log", "/reseller/audit", audit, nil},
			{"api-keys", "API keys", "/reseller/api-keys", apiKeys, nil},
		}
	case PanelDelegate:
		return []NavItem{
			{"infrastructures", "Infrastructures", "/infrastructures", nil, nil},
		}
	default:
		return []NavItem{
			// everyone in the panel: a service user, who may not view the
			// account, gets what is assigned to them (web.appDashboard)
			{"dashboard", "Dashboard", "/app", nil, nil},
			{"infrastructures", "Infrastructures", "/app/infrastructures", infra, nil},
			{"cost-centers", "Cost centers", "/app/cost-centers", infra, nil},
			{"audit", "Audit log", "/app/audit", audit, nil},
			{"users", "Users", "/app/users", view, nil},
			{"roles", "Roles", "/app/roles", view, nil},
			{"api-keys", "API keys", "/app/api-keys", apiKeys, nil},
		}
	}
}

// allowedNavigation is the panel's menu without the items the signed-in
// user cannot open on the panel's account (when acting on behalf, the
// account acted for). Without an account (the delegate panel) only the
// items that need nothing remain.
func allowedNavigation(ctx context.Context, panel string) []NavItem {
	actor := tenantry.ActorFromContext(ctx)
	account := components.ChromeFromContext(ctx).Account
	var out []NavItem
	for _, item := range navigation(panel) {
		if item.shown(actor, account) {
			out = append(out, item)
		}
	}
	return out
}

// Offers reports whether the panel's navigation offers the item key to
// the signed-in user: for the buttons on pages that lead where the item
// does (New account on a dashboard, say), so they follow the same rule.
func Offers(ctx context.Context, panel, key string) bool {
	for _, item := range allowedNavigation(ctx, panel) {
		if item.Key == key {
			return true
		}
	}
	return false
}

func panelTitle(panel string) string {
	switch panel {
	case PanelProvider:
		return "Provider panel"
	case PanelReseller:
		return "Reseller panel"
	case PanelDelegate:
		return "Delegated access"
	default:
		return "Control panel"
	}
}
