// Package layout holds one frame per kind of page: the panels' shell with
// navigation, the sign-in pages' card, and a plain page that shows no
// branding at all (for unknown hosts).
package layout

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
}

// navigation lists each panel's menu. Every page a user can reach is here
// or one click below an item here.
func navigation(panel string) []NavItem {
	switch panel {
	case PanelProvider:
		return []NavItem{
			{"dashboard", "Dashboard", "/provider"},
			{"accounts", "Accounts", "/provider/accounts"},
			{"new-account", "New account", "/provider/accounts/new"},
			{"plans", "Plans", "/provider/plans"},
			{"metrics", "Metrics", "/provider/metrics"},
			{"settings", "Settings", "/provider/settings"},
			{"infrastructures", "Infrastructures", "/infrastructures"},
			{"users", "Users", "/provider/users"},
			{"roles", "Roles", "/provider/roles"},
			{"cost-centers", "Cost centers", "/provider/cost-centers"},
			{"branding", "Branding", "/provider/branding"},
			{"outbox", "Outgoing mail", "/provider/outbox"},
			{"audit", "Audit log", "/provider/audit"},
		}
	case PanelReseller:
		return []NavItem{
			{"dashboard", "Dashboard", "/reseller"},
			{"accounts", "Customers & resellers", "/reseller/accounts"},
			{"new-account", "New account", "/reseller/accounts/new"},
			{"plans", "Plans", "/reseller/plans"},
			{"settings", "Settings", "/reseller/settings"},
			{"infrastructures", "Infrastructures", "/infrastructures"},
			{"users", "Users", "/reseller/users"},
			{"roles", "Roles", "/reseller/roles"},
			{"cost-centers", "Cost centers", "/reseller/cost-centers"},
			{"branding", "Branding", "/reseller/branding"},
			{"audit", "Audit log", "/reseller/audit"},
		}
	case PanelDelegate:
		return []NavItem{
			{"infrastructures", "Infrastructures", "/infrastructures"},
		}
	default:
		return []NavItem{
			{"dashboard", "Dashboard", "/app"},
			{"infrastructures", "Infrastructures", "/app/infrastructures"},
			{"cost-centers", "Cost centers", "/app/cost-centers"},
			{"audit", "Audit log", "/app/audit"},
			{"users", "Users", "/app/users"},
			{"roles", "Roles", "/app/roles"},
		}
	}
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
