package store

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

// foreignCase calls one Scope method with an account that lies outside the
// caller's reach (STYLE.md habit 3, after coder's dbauthz accounting test).
type foreignCase struct {
	method string // the Scope method under test
	name   string // a variant of the call
	kind   string // "one", "list" or "write"
	// call returns the method's single result (a list as its items).
	call func(ctx context.Context, s *Scope, victim *tenantry.Account) (any, error)
	// wantKind is the error kind expected; "" means ENOTFOUND. Whatever the
	// kind, the error must be exactly the one an absent id gets, so that
	// existence never leaks.
	wantKind string
}

const (
	one   = "one"
	list  = "list"
	write = "write"
)

func accountsCall(f func(v *tenantry.Account) AccountFilter) func(context.Context, *Scope, *tenantry.Account) (any, error) {
	return func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		p, err := s.Accounts(ctx, f(v))
		if err != nil {
			return nil, err
		}
		return p.Items, nil
	}
}

func updateCall(in tenantry.AccountUpdate) func(context.Context, *Scope, *tenantry.Account) (any, error) {
	return func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdateAccount(ctx, v.ID, in)
	}
}

func createCall(kind tenantry.AccountKind, owner *tenantry.NewOwner) func(context.Context, *Scope, *tenantry.Account) (any, error) {
	return func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CreateAccount(ctx, tenantry.NewAccount{ParentID: v.ID, Kind: kind, Name: "Intruder Inc",
			ContactEmail: "intruder@example.test", Owner: owner}, testLinks)
	}
}

// foreignCases lists every Scope method that takes an account id. A new
// method must get an entry here (or in foreignSkips, with a reason).
var foreignCases = []foreignCase{
	// branding (store/branding.go): a foreign vendor's brand is neither
	// readable through a scope nor writable, whatever the input
	// a tenant's own outbox (store/outbox.go): only the scope's own
	// tenant's mail, never a foreign account's
	{method: "TenantOutboxMessages", name: "ByAccount", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		p, err := s.TenantOutboxMessages(ctx, v.ID, OutboxFilter{})
		if err != nil {
			return nil, err
		}
		return p.Items, nil
	}},
	{method: "TenantOutboxMessage", name: "ByAccount", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.TenantOutboxMessage(ctx, v.ID, "msg-none")
	}},
	{method: "Branding", name: "ByAccount", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Branding(ctx, v.ID)
	}},
	{method: "UpdateBranding", name: "Everything", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdateBranding(ctx, v.ID, tenantry.BrandingUpdate{DisplayName: ptr("Pwned"), PrimaryColor: ptr("#000000"),
			AccentColor: ptr("#ff0000"), FooterText: ptr("pwned"), SupportEmail: ptr("intruder@example.test")})
	}},
	{method: "UpdateBranding", name: "NoChange", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdateBranding(ctx, v.ID, tenantry.BrandingUpdate{})
	}},
	{method: "SetLogo", name: "PNG", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.SetLogo(ctx, v.ID, testPNG(120, 40))
	}},
	{method: "SetFavicon", name: "PNG", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.SetFavicon(ctx, v.ID, testPNG(32, 32))
	}},
	{method: "RemoveLogo", name: "Remove", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.RemoveLogo(ctx, v.ID)
	}},
	{method: "RemoveFavicon", name: "Remove", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.RemoveFavicon(ctx, v.ID)
	}},
	{method: "Account", name: "ByID", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Account(ctx, v.ID)
	}},
	{method: "Stats", name: "ByID", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Stats(ctx, v.ID)
	}},
	{method: "Accounts", name: "Under", kind: list, call: accountsCall(func(v *tenantry.Account) AccountFilter {
		return AccountFilter{Under: v.ID}
	})},
	{method: "Accounts", name: "ParentID", kind: list, call: accountsCall(func(v *tenantry.Account) AccountFilter {
		return AccountFilter{ParentID: v.ID}
	})},
	{method: "Accounts", name: "QName", kind: list, call: accountsCall(func(v *tenantry.Account) AccountFilter {
		return AccountFilter{Q: v.Name}
	})},
	{method: "Accounts", name: "QEmail", kind: list, call: accountsCall(func(v *tenantry.Account) AccountFilter {
		return AccountFilter{Q: v.ContactEmail}
	})},
	{method: "Accounts", name: "KindAndQ", kind: list, call: accountsCall(func(v *tenantry.Account) AccountFilter {
		return AccountFilter{Kind: v.Kind, Q: v.Name, Limit: 1000}
	})},
	{method: "Members", name: "ByAccount", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		victimUserID(ctx, s, v) // there is one to leak
		return s.Members(ctx, v.ID)
	}},
	// CreateAccount reports a parent out of reach as not found, like any
	// id that is not the caller's (the panel shows it on parent_id).
	{method: "CreateAccount", name: "Customer", kind: write, call: createCall(tenantry.KindCustomer, nil)},
	{method: "CreateAccount", name: "Reseller", kind: write, call: createCall(tenantry.KindReseller, nil)},
	{method: "CreateAccount", name: "WithOwner", kind: write,
		call: createCall(tenantry.KindCustomer, &tenantry.NewOwner{Email: "intruder@example.test", Name: "In Truder"})},
	{method: "UpdateAccount", name: "Rename", kind: write, call: updateCall(tenantry.AccountUpdate{Name: ptr("Pwned")})},
	{method: "UpdateAccount", name: "ContactEmail", kind: write,
		call: updateCall(tenantry.AccountUpdate{ContactEmail: ptr("intruder@example.test")})},
	{method: "UpdateAccount", name: "Suspend", kind: write,
		call: updateCall(tenantry.AccountUpdate{Status: ptr(tenantry.StatusSuspended), SuspendReason: ptr("because")})},
	{method: "UpdateAccount", name: "Reactivate", kind: write,
		call: updateCall(tenantry.AccountUpdate{Status: ptr(tenantry.StatusActive)})},
	{method: "UpdateAccount", name: "NoChange", kind: write, call: updateCall(tenantry.AccountUpdate{})},
	// customer organizations (store/organizations.go): a foreign account is
	// neither marked, unmarked nor put in an organization, even its own
	{method: "UpdateAccount", name: "MarkOrganization", kind: write, call: updateCall(tenantry.AccountUpdate{IsOrganization: ptr(true)})},
	{method: "UpdateAccount", name: "UnmarkOrganization", kind: write, call: updateCall(tenantry.AccountUpdate{IsOrganization: ptr(false)})},
	{method: "UpdateAccount", name: "SetOrganization", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdateAccount(ctx, v.ID, tenantry.AccountUpdate{OrganizationID: ptr(v.ID)})
	}},
	{method: "UpdateAccount", name: "ClearOrganization", kind: write, call: updateCall(tenantry.AccountUpdate{OrganizationID: ptr("")})},
	{method: "CreateAccount", name: "InVictimsOrganization", kind: write,
		call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
			return s.CreateAccount(ctx, tenantry.NewAccount{ParentID: v.ID, Kind: tenantry.KindCustomer, Name: "Intruder Inc",
				OrganizationID: v.ID}, testLinks)
		}},
	{method: "CreateAccount", name: "AnchorBelowVictim", kind: write,
		call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
			return s.CreateAccount(ctx, tenantry.NewAccount{ParentID: v.ID, Kind: tenantry.KindCustomer, Name: "Intruder Inc",
				IsOrganization: true}, testLinks)
		}},
	{method: "Accounts", name: "AnchorsUnder", kind: list, call: accountsCall(func(v *tenantry.Account) AccountFilter {
		return AccountFilter{Under: v.ID, IsOrganization: ptr(true)}
	})},
	{method: "Accounts", name: "OrganizationMembers", kind: list, call: accountsCall(func(v *tenantry.Account) AccountFilter {
		return AccountFilter{OrganizationID: v.ID}
	})},
	{method: "AddDomain", name: "Fresh", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.AddDomain(ctx, v.ID, "intruder.example")
	}},
	{method: "AddDomain", name: "Taken", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.AddDomain(ctx, v.ID, "portal.localhost")
	}},
	{method: "Plans", name: "Owned", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Plans(ctx, v.ID, PlanFilter{})
	}},
	{method: "Plan", name: "OwnedOrAssigned", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Plan(ctx, victimPlanID(ctx, s, v))
	}},
	{method: "CreatePlan", name: "ForVictim", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CreatePlan(ctx, v.ID, tenantry.PlanInput{Name: "Intruder plan", Currency: "USD", Audience: "customers"})
	}},
	{method: "UpdatePlan", name: "Rename", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdatePlan(ctx, victimPlanID(ctx, s, v), tenantry.PlanInput{Name: "Pwned", Currency: "USD", Audience: "customers"})
	}},
	{method: "SetPlanStatus", name: "Archive", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.SetPlanStatus(ctx, victimPlanID(ctx, s, v), tenantry.PlanArchived)
	}},
	{method: "CopyPlan", name: "Copy", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CopyPlan(ctx, victimPlanID(ctx, s, v), "Stolen copy")
	}},
	{method: "PlanPriceVersions", name: "OwnedOrAssigned", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.PlanPriceVersions(ctx, victimPlanID(ctx, s, v))
	}},
	{method: "PlanPricesAt", name: "Now", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.PlanPricesAt(ctx, victimPlanID(ctx, s, v), s.db.Now())
	}},
	{method: "CancelPlanPrices", name: "VictimsVersion", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		plan := victimPlanID(ctx, s, v)
		version := victimObject(ctx, s, v, "price version", "ppv_doesnotexist234567abcdef",
			`SELECT id FROM plan_price_versions WHERE plan_id = ? ORDER BY effective_from DESC LIMIT 1`, plan)
		return nil, s.CancelPlanPrices(ctx, plan, version)
	}},
	{method: "AssignPlan", name: "VictimsOwnPlan", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.AssignPlan(ctx, v.ID, victimPlanID(ctx, s, v), time.Time{})
	}},
	{method: "PlanUsage", name: "ByOwner", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.PlanUsage(ctx, v.ID)
	}},
	{method: "SignupState", name: "ByAccount", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.SignupState(ctx, v.ID)
	}},
	{method: "Roles", name: "ByAccount", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		victimRoleID(ctx, s, v) // there is one to leak
		return s.Roles(ctx, v.ID)
	}},
	{method: "CreateRole", name: "OnVictim", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CreateRole(ctx, v.ID, tenantry.RoleInput{Name: "Intruders", Permissions: []string{"account.view"}})
	}},
	{method: "UpdateRole", name: "VictimsRole", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdateRole(ctx, victimRoleID(ctx, s, v), tenantry.RoleInput{Name: "Pwned", Permissions: []string{"act_as"}})
	}},
	{method: "DeleteRole", name: "VictimsRole", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.DeleteRole(ctx, victimRoleID(ctx, s, v))
	}},
	{method: "SetMemberRole", name: "VictimsOwner", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.SetMemberRole(ctx, v.ID, victimUserID(ctx, s, v), tenantry.RoleViewer)
	}},
	{method: "RemoveMember", name: "VictimsOwner", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.RemoveMember(ctx, v.ID, victimUserID(ctx, s, v))
	}},
	{method: "Invite", name: "NewPerson", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Invite(ctx, v.ID, "newcomer@example.test", tenantry.RoleAdmin, testLinks)
	}},
	{method: "Invite", name: "ExistingUser", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Invite(ctx, v.ID, "admin@orbit.example", tenantry.RoleOwner, testLinks)
	}},
	{method: "Delegate", name: "ExistingUser", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Delegate(ctx, v.ID, "admin@orbit.example", tenantry.RoleOps, testLinks)
	}},
	{method: "Invitations", name: "ByAccount", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		victimInvitationID(ctx, s, v) // there is one to leak
		return s.Invitations(ctx, v.ID)
	}},
	// the victim's own open invitation (seedVictims adds one to each)
	{method: "RevokeInvitation", name: "ByID", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.RevokeInvitation(ctx, victimInvitationID(ctx, s, v))
	}},
	{method: "ResendInvitation", name: "ByID", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.ResendInvitation(ctx, victimInvitationID(ctx, s, v), testLinks)
	}},
	{method: "RevokeInvitation", name: "InfraInvitation", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.RevokeInvitation(ctx, victimInfraInvitationID(ctx, s, v))
	}},
	{method: "CanActAs", name: "Victim", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CanActAs(ctx, v.ID)
	}},
	{method: "StartActingAs", name: "Victim", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.StartActingAs(ctx, v.ID, "curious")
	}},
	{method: "EndActingAs", name: "Victim", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.EndActingAs(ctx, v.ID, "exit")
	}},
	{method: "PlanHistory", name: "ByAccount", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.PlanHistory(ctx, v.ID)
	}},
	{method: "CurrentPlan", name: "ByAccount", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CurrentPlan(ctx, v.ID)
	}},
	{method: "Settings", name: "ByAccount", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Settings(ctx, v.ID)
	}},
	{method: "UpdateSettings", name: "SignupOff", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdateSettings(ctx, v.ID, tenantry.SettingsUpdate{SignupEnabled: ptr(false)})
	}},
	{method: "Domains", name: "ByAccount", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Domains(ctx, v.ID)
	}},
	{method: "SetPanelDomain", name: "Fresh", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.SetPanelDomain(ctx, v.ID, "intruder.example")
	}},
	{method: "RemoveDomain", name: "Own", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.RemoveDomain(ctx, v.ID, "acme.localhost")
	}},
	{method: "SetResellerDepth", name: "Deeper", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.SetResellerDepth(ctx, v.ID, 3)
	}},
	{method: "ConvertToReseller", name: "Convert", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.ConvertToReseller(ctx, v.ID)
	}},
	// sign-up approval (store/signup.go); TestApproveAccount also approves
	// a pending sign-up that is out of reach
	{method: "ApproveAccount", name: "Approve", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.ApproveAccount(ctx, v.ID, testLinks)
	}},
	// the vendor's to-do list and rejection (store/approvals.go);
	// TestRejectSignup also rejects a pending sign-up that is out of reach
	{method: "PendingSignups", name: "ByVendor", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.PendingSignups(ctx, v.ID)
	}},
	{method: "RejectSignup", name: "Reject", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.RejectSignup(ctx, v.ID)
	}},
	// infrastructures and cost centers (store/infra.go): the victim's own
	// objects, found by victimInfraID and victimCostCenterID
	{method: "Infrastructures", name: "ByAccount", kind: list, call: infrasCall(func(ctx context.Context, s *Scope, v *tenantry.Account) InfraFilter {
		victimInfraID(ctx, s, v) // there is one to leak
		return InfraFilter{}
	})},
	{method: "Infrastructures", name: "QAndCostCenter", kind: list, call: infrasCall(func(ctx context.Context, s *Scope, v *tenantry.Account) InfraFilter {
		return InfraFilter{Q: "prod", CostCenterID: victimCostCenterID(ctx, s, v), Limit: 500}
	})},
	{method: "Infrastructure", name: "ByID", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Infrastructure(ctx, victimInfraID(ctx, s, v))
	}},
	{method: "CreateInfrastructure", name: "Plain", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CreateInfrastructure(ctx, v.ID, tenantry.NewInfrastructure{Name: "intruder"})
	}},
	{method: "CreateInfrastructure", name: "InVictimCostCenter", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CreateInfrastructure(ctx, v.ID, tenantry.NewInfrastructure{Name: "intruder", CostCenterID: victimCostCenterID(ctx, s, v)})
	}},
	{method: "UpdateInfrastructure", name: "Rename", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdateInfrastructure(ctx, victimInfraID(ctx, s, v), tenantry.InfrastructureUpdate{Name: ptr("pwned")})
	}},
	{method: "UpdateInfrastructure", name: "NoCostCenter", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdateInfrastructure(ctx, victimInfraID(ctx, s, v), tenantry.InfrastructureUpdate{CostCenterID: tenantry.OptionalString{Set: true}})
	}},
	{method: "UpdateInfrastructure", name: "NoChange", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.UpdateInfrastructure(ctx, victimInfraID(ctx, s, v), tenantry.InfrastructureUpdate{})
	}},
	{method: "DeleteInfrastructure", name: "Delete", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.DeleteInfrastructure(ctx, victimInfraID(ctx, s, v))
	}},
	{method: "InfrastructureAndOwner", name: "ByID", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		in, _, err := s.InfrastructureAndOwner(ctx, victimInfraID(ctx, s, v))
		return in, err
	}},
	// resources and usage (store/resources.go, store/usage.go): the
	// victim's running server, found by victimResourceID
	{method: "Resources", name: "ByInfra", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Resources(ctx, victimInfraID(ctx, s, v))
	}},
	{method: "Resource", name: "ByID", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.Resource(ctx, victimResourceID(ctx, s, v))
	}},
	{method: "CreateResource", name: "Server", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CreateResource(ctx, victimInfraID(ctx, s, v), tenantry.NewResource{Type: "server", Name: "intruder",
			Metric: "instance.small", Start: true})
	}},
	{method: "StartResource", name: "Start", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.StartResource(ctx, victimResourceID(ctx, s, v))
	}},
	{method: "StopResource", name: "Stop", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.StopResource(ctx, victimResourceID(ctx, s, v))
	}},
	{method: "ResizeResource", name: "Flavor", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.ResizeResource(ctx, victimResourceID(ctx, s, v), tenantry.ResourceResize{Metric: ptr("instance.large")})
	}},
	{method: "DeleteResource", name: "Delete", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.DeleteResource(ctx, victimResourceID(ctx, s, v))
	}},
	{method: "InfraUsage", name: "ByInfra", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		p, err := s.InfraUsage(ctx, victimInfraID(ctx, s, v), UsageFilter{})
		if err != nil {
			return nil, err
		}
		return p.Items, nil
	}},
	{method: "UsageTotals", name: "ByInfra", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		now := s.db.Now()
		return s.UsageTotals(ctx, []string{victimInfraID(ctx, s, v)}, now.AddDate(0, -1, 0), now.AddDate(0, 0, 1))
	}},
	{method: "AccountUsage", name: "Subtree", kind: one, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		now := s.db.Now()
		return s.AccountUsage(ctx, v.ID, now.AddDate(0, -1, 0), now.AddDate(0, 0, 1))
	}},
	// a record for a foreign infrastructure is refused as not_found, and
	// is the only one here: the case reads that as ENOTFOUND
	{method: "IngestUsage", name: "ForeignInfra", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		now := s.db.Now().Truncate(time.Hour)
		res, err := s.IngestUsage(ctx, usage.SourceAPI, []usage.Input{{InfrastructureID: victimInfraID(ctx, s, v),
			Metric: "network.egress", Quantity: 5_000_000, Start: now.Add(-time.Hour), End: now, Key: "intruder-1"}})
		if err != nil {
			return nil, err
		}
		if res.Accepted == 0 && res.Duplicates == 0 && len(res.Rejected) == 1 && res.Rejected[0].Code == usage.CodeNotFound {
			return nil, tenantry.ErrNotFound
		}
		return res, nil
	}},
	// the all-in-one list takes no account: none of the victim's may be in it
	{method: "ReachedInfrastructures", name: "VictimsOnly", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		p, err := s.ReachedInfrastructures(ctx, InfraFilter{Limit: 500})
		if err != nil {
			return nil, err
		}
		var mine []ReachedInfra
		for _, r := range p.Items {
			if r.AccountID == v.ID {
				mine = append(mine, r)
			}
		}
		return mine, nil
	}},
	{method: "InfraDelegates", name: "ByInfra", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.InfraDelegates(ctx, victimInfraID(ctx, s, v))
	}},
	{method: "InfraInvitations", name: "ByInfra", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		victimInfraInvitationID(ctx, s, v) // there is one to leak
		return s.InfraInvitations(ctx, victimInfraID(ctx, s, v))
	}},
	{method: "AddInfraDelegate", name: "NewPerson", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.AddInfraDelegate(ctx, victimInfraID(ctx, s, v), "intruder@example.test", testLinks)
	}},
	{method: "AddInfraDelegate", name: "Self", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.AddInfraDelegate(ctx, victimInfraID(ctx, s, v), s.actor.User.Email, testLinks)
	}},
	{method: "RemoveInfraDelegate", name: "Member", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.RemoveInfraDelegate(ctx, victimInfraID(ctx, s, v), victimUserID(ctx, s, v))
	}},
	{method: "CostCenters", name: "ByAccount", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		victimCostCenterID(ctx, s, v) // there is one to leak
		return s.CostCenters(ctx, v.ID)
	}},
	{method: "CreateCostCenter", name: "Fresh", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CreateCostCenter(ctx, v.ID, tenantry.CostCenterInput{Name: "Intruders"})
	}},
	{method: "CreateCostCenter", name: "Taken", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.CreateCostCenter(ctx, v.ID, tenantry.CostCenterInput{Name: "Production"})
	}},
	{method: "RenameCostCenter", name: "Rename", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.RenameCostCenter(ctx, victimCostCenterID(ctx, s, v), tenantry.CostCenterInput{Name: "Pwned"})
	}},
	{method: "DeleteCostCenter", name: "Delete", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return nil, s.DeleteCostCenter(ctx, victimCostCenterID(ctx, s, v))
	}},
	// account API keys, made by the provider for every victim (seedVictims)
	{method: "APIKeys", name: "ByAccount", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		victimAPIKeyID(ctx, s, v) // there is one to leak
		return s.APIKeys(ctx, v.ID)
	}},
	{method: "CreateAPIKey", name: "Fresh", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		k, _, err := s.CreateAPIKey(ctx, v.ID, tenantry.APIKeyInput{Name: "intruder", Scopes: []string{tenantry.ScopeRead}})
		return k, err
	}},
	{method: "CreateAPIKey", name: "Invalid", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		k, _, err := s.CreateAPIKey(ctx, v.ID, tenantry.APIKeyInput{Name: "", Scopes: []string{"admin"}})
		return k, err
	}},
	{method: "RevokeAPIKey", name: "Revoke", kind: write, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		return s.RevokeAPIKey(ctx, victimAPIKeyID(ctx, s, v))
	}},
	{method: "AuditEvents", name: "Subtree", kind: list, call: func(ctx context.Context, s *Scope, v *tenantry.Account) (any, error) {
		p, err := s.AuditEvents(ctx, v.ID, AuditFilter{})
		if err != nil {
			return nil, err
		}
		return p.Items, nil
	}},
}

// victimPlanID returns a plan only the victim's side may see: a plan for
// customers that the victim owns, or else the plan assigned to it, but
// never one also assigned to the viewer's own accounts (a customer sees
// its own plan, whoever else has it); an id that does not exist when there
// is none.
func victimPlanID(ctx context.Context, s *Scope, v *tenantry.Account) string {
	return victimObject(ctx, s, v, "plan", "pln_doesnotexist234567abcdef", `SELECT id FROM (
			SELECT id, 0 AS rank FROM plans WHERE owner_id = ? AND audience = 'customers'
			UNION ALL SELECT plan_id, 1 FROM plan_assignments WHERE account_id = ?)
		WHERE id NOT IN (SELECT pa.plan_id FROM plan_assignments pa JOIN memberships m ON m.account_id = pa.account_id
			WHERE m.user_id = ?)
		ORDER BY rank LIMIT 1`, v.ID, v.ID, s.actor.User.ID)
}

// victimAPIKeyID returns a live API key of the victim, or an absent id.
func victimAPIKeyID(ctx context.Context, s *Scope, v *tenantry.Account) string {
	return victimObject(ctx, s, v, "API key", "key_doesnotexist234567abcdef",
		`SELECT id FROM api_keys WHERE account_id = ? AND revoked_at IS NULL ORDER BY id LIMIT 1`, v.ID)
}

// victimRoleID returns a custom role of the victim, or an absent id.
func victimRoleID(ctx context.Context, s *Scope, v *tenantry.Account) string {
	return victimObject(ctx, s, v, "custom role", "rol_doesnotexist234567abcdef",
		`SELECT id FROM roles WHERE account_id = ? ORDER BY id LIMIT 1`, v.ID)
}

// victimUserID returns a member of the victim, or an absent id.
func victimUserID(ctx context.Context, s *Scope, v *tenantry.Account) string {
	return victimObject(ctx, s, v, "member", "usr_doesnotexist234567abcdef",
		`SELECT user_id FROM memberships WHERE account_id = ? ORDER BY user_id LIMIT 1`, v.ID)
}

// victimInvitationID returns an open invitation to the victim account
// itself, or an absent id.
func victimInvitationID(ctx context.Context, s *Scope, v *tenantry.Account) string {
	return victimObject(ctx, s, v, "invitation", "inv_doesnotexist234567abcdef",
		`SELECT id FROM invitations WHERE account_id = ? AND infrastructure_id IS NULL
			AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY id LIMIT 1`, v.ID)
}

// victimInfraInvitationID returns an open invitation to an infrastructure
// of the victim (a reseller's: in its subtree) that the viewer does not
// reach, or an absent id.
func victimInfraInvitationID(ctx context.Context, s *Scope, v *tenantry.Account) string {
	reach, args := s.reach("a.path")
	return victimObject(ctx, s, v, "infrastructure invitation", "inv_doesnotexist234567abcdef",
		`SELECT i.id FROM invitations i JOIN accounts a ON a.id = i.account_id JOIN accounts v ON v.id = ?
		WHERE i.infrastructure_id IS NOT NULL AND i.accepted_at IS NULL AND i.revoked_at IS NULL
			AND substr(a.path, 1, length(v.path)) = v.path AND NOT (`+reach+`)
		ORDER BY a.id = v.id DESC, i.id LIMIT 1`, append([]any{v.ID}, args...)...)
}

// absentAccountID is the account the foreign cases are also called with,
// to compare the victim's answer with an absent id's.
const absentAccountID = "acc_doesnotexist234567abcdef"

// victimMisses lists the victim objects asked for during a case that the
// victim turned out not to have: such a case would compare one absent id
// with another, so TestScopeForeignTenant fails it.
var victimMisses []string

// victimObject returns the first id the query finds for the victim, or
// absent; for a real victim with none it records a miss.
func victimObject(ctx context.Context, s *Scope, v *tenantry.Account, what, absent, query string, args ...any) string {
	var id string
	if err := s.db.read.QueryRowContext(ctx, query, args...).Scan(&id); err != nil {
		if v.ID != absentAccountID {
			victimMisses = append(victimMisses, fmt.Sprintf("%s has no %s (%v)", v.Name, what, err))
		}
		return absent
	}
	return id
}

// foreignSkips are the Scope methods that take no account id, so there is
// no foreign object to pass them.
var foreignSkips = map[string]string{
	"Actor":    "returns the scope's own actor; reads nothing",
	"ActingAs": "returns a copy of the scope that records acting-as on its audit events; reads nothing",
	"Within": "returns a narrowed copy of the scope; reads nothing itself. " +
		"TestScopeWithin checks that a copy narrowed to a foreign account reaches nothing",
	"SetResellersEnabled": "takes no account id: the setting belongs to the provider; " +
		"TestScopeForeignTenant/SetResellersEnabled checks that any other tenant gets ENOTFOUND",
	"SaveMetric": "takes no account id: the catalogue belongs to the provider; " +
		"TestScopeForeignTenant/SaveMetric checks that any other tenant gets ENOTFOUND",
	"OutboxMessages": "takes no account id: the outbox belongs to the platform; " +
		"TestOutboxScope checks that everyone but provider staff gets ENOTFOUND",
	"OutboxMessage": "takes a message id, not an account id: the outbox belongs to the platform; " +
		"TestOutboxScope checks that everyone but provider staff gets ENOTFOUND, as for an absent id",
}

// seedVictims gives every victim of foreignViewers the objects the cases
// try to reach (the demo leaves most accounts without invitations, cost
// centers, infrastructures or custom roles), made by the provider, who
// reaches them all.
func seedVictims(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	p := f.provider(t)
	seen := map[string]bool{}
	for _, v := range foreignViewers {
		for _, name := range v.victims {
			if seen[name] {
				continue
			}
			seen[name] = true
			a := f.acc(t, name)
			slug := strings.ToLower(strings.ReplaceAll(name, " ", "-"))
			has := func(table string) bool {
				var n int
				if err := f.db.read.QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE account_id = ?`, a.ID).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n > 0
			}
			if a.Kind == tenantry.KindCustomer {
				// only customers hold cost centers and infrastructures; a
				// reseller victim's are those of its customers
				if !has("cost_centers") {
					if _, err := p.CreateCostCenter(ctx, a.ID, tenantry.CostCenterInput{Name: "Production"}); err != nil {
						t.Fatalf("cost center for %s: %v", name, err)
					}
				}
				if !has("infrastructures") {
					var cc string
					if err := f.db.read.QueryRow(`SELECT id FROM cost_centers WHERE account_id = ? ORDER BY id LIMIT 1`, a.ID).Scan(&cc); err != nil {
						t.Fatal(err)
					}
					if _, err := p.CreateInfrastructure(ctx, a.ID, tenantry.NewInfrastructure{Name: "prod-" + slug, CostCenterID: cc}); err != nil {
						t.Fatalf("infrastructure for %s: %v", name, err)
					}
				}
				var infra string
				if err := f.db.read.QueryRow(`SELECT id FROM infrastructures WHERE account_id = ? AND status = 'active' ORDER BY id LIMIT 1`,
					a.ID).Scan(&infra); err != nil {
					t.Fatal(err)
				}
				var resources int
				if err := f.db.read.QueryRow(`SELECT COUNT(*) FROM resources WHERE infrastructure_id = ?`, infra).Scan(&resources); err != nil {
					t.Fatal(err)
				}
				if resources == 0 {
					if _, err := p.CreateResource(ctx, infra, tenantry.NewResource{Type: "server", Name: "web-" + slug,
						Metric: "instance.small", Start: true}); err != nil {
						t.Fatalf("resource for %s: %v", name, err)
					}
				}
				if _, err := p.AddInfraDelegate(ctx, infra, "delegate@"+slug+".example", testLinks); err != nil {
					t.Fatalf("infrastructure invitation to %s: %v", name, err)
				}
				// a plan of its own, which no sibling shares
				plan, err := p.CreatePlan(ctx, a.ParentID, tenantry.PlanInput{Name: "Plan of " + name, Currency: "USD",
					Audience: tenantry.AudienceCustomers})
				if err != nil {
					t.Fatalf("plan for %s: %v", name, err)
				}
				if _, err := p.AssignPlan(ctx, a.ID, plan.ID, time.Time{}); err != nil {
					t.Fatalf("assign a plan to %s: %v", name, err)
				}
			}
			if !has("roles") {
				if _, err := p.CreateRole(ctx, a.ID, tenantry.RoleInput{Name: "Victim role", Permissions: []string{"account.view"}}); err != nil {
					t.Fatalf("role for %s: %v", name, err)
				}
			}
			if _, _, err := p.CreateAPIKey(ctx, a.ID, tenantry.APIKeyInput{Name: "Victim key", Scopes: []string{tenantry.ScopeRead}}); err != nil {
				t.Fatalf("API key for %s: %v", name, err)
			}
			if _, err := p.Invite(ctx, a.ID, "invitee@"+slug+".example", tenantry.RoleViewer, testLinks); err != nil {
				t.Fatalf("invitation to %s: %v", name, err)
			}
		}
	}
	victimMisses = nil
}

// foreignViewer is someone signed in on host with no reach over victims.
type foreignViewer struct {
	name, host, email string
	victims           []string
	// owner re-reads the victims afterwards (host, email).
	ownerHost, ownerEmail string
}

var acmeSubtree = []string{"Acme Hosting", "Beta Resale", "Gamma Labs", "Blue Bakery", "Cobalt Law"}

var foreignViewers = []foreignViewer{
	// the one the brief names: another reseller on its own domain
	{"OrbitAdminOnOrbit", "orbit.localhost", "admin@orbit.example", acmeSubtree, "acme.localhost", "admin@acme.example"},
	// the platform domain does not widen a reseller's reach
	{"OrbitAdminOnPlatform", "portal.localhost", "admin@orbit.example", acmeSubtree, "acme.localhost", "admin@acme.example"},
	// grants elsewhere are not usable on another reseller's domain
	{"AcmeAdminOnOrbit", "orbit.localhost", "admin@acme.example", []string{"Orbit IT", "Delta Freight", "Echo Media"},
		"orbit.localhost", "admin@orbit.example"},
	// not even on its own sub-reseller's domain
	{"AcmeAdminOnBeta", "beta.localhost", "admin@acme.example", []string{"Beta Resale", "Gamma Labs"},
		"acme.localhost", "admin@acme.example"},
	// a sub-reseller sees neither its vendor nor its vendor's customers
	{"BetaAdminOnBeta", "beta.localhost", "admin@beta.example", []string{"Acme Hosting", "Blue Bakery", "Cobalt Law"},
		"acme.localhost", "admin@acme.example"},
	{"BetaAdminOnAcme", "acme.localhost", "admin@beta.example", []string{"Acme Hosting", "Blue Bakery", "Cobalt Law"},
		"acme.localhost", "admin@acme.example"},
	// a customer sees neither its vendor nor its siblings
	{"CustomerOnAcme", "acme.localhost", "owner@bluebakery.example",
		[]string{"Acme Hosting", "Beta Resale", "Gamma Labs", "Cobalt Law"}, "acme.localhost", "admin@acme.example"},
	// reseller staff never reach the provider itself
	{"AcmeAdminOnPlatform", "portal.localhost", "admin@acme.example", []string{"Nimbus Cloud", "Orbit IT", "Harbor Health"},
		"portal.localhost", "admin@nimbus.example"},
}

// TestScopeForeignTenant walks every exported Scope method as a foreign
// tenant: a single row is ENOTFOUND, a list is ENOTFOUND or empty, a write
// is ENOTFOUND and changes nothing. It fails when a Scope method has no
// case here, so a new method cannot ship without one.
func TestScopeForeignTenant(t *testing.T) {
	t.Run("EveryMethodAccounted", func(t *testing.T) {
		typ := reflect.TypeFor[*Scope]()
		methods := map[string]bool{}
		for i := range typ.NumMethod() {
			m := typ.Method(i).Name
			methods[m] = true
			_, skipped := foreignSkips[m]
			covered := slices.ContainsFunc(foreignCases, func(c foreignCase) bool { return c.method == m })
			switch {
			case skipped && covered:
				t.Errorf("Scope.%s is both tested and skipped: drop the skip", m)
			case !skipped && !covered:
				t.Errorf("Scope.%s has no case in foreignCases: add one that calls it as a foreign tenant "+
					"(or, if it takes no account id, a reason in foreignSkips)", m)
			}
		}
		for _, c := range foreignCases {
			if !methods[c.method] {
				t.Errorf("foreignCases names Scope.%s, which does not exist", c.method)
			}
		}
		for m, why := range foreignSkips {
			if !methods[m] {
				t.Errorf("foreignSkips names Scope.%s, which does not exist", m)
			}
			if strings.TrimSpace(why) == "" {
				t.Errorf("foreignSkips[%s] gives no reason", m)
			}
		}
	})

	f := newDemo(t)
	ctx := context.Background()
	seedVictims(t, f)
	absent := &tenantry.Account{ID: absentAccountID, Kind: tenantry.KindReseller,
		Name: "No Such Account", ContactEmail: "nobody@nowhere.example"}

	// A refused write must commit nothing. PRAGMA data_version on one
	// pinned connection changes exactly when another connection commits:
	// as strict as dumping every table before and after, and cheap enough
	// for the thousands of write cases here (a dump of the demo, which now
	// meters, made this test take minutes under the race detector).
	conn, err := f.db.read.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dataVersion := func(t *testing.T) int64 {
		t.Helper()
		var v int64
		if err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, v := range foreignViewers {
		t.Run(v.name, func(t *testing.T) {
			s := f.scope(t, v.host, v.email)
			owner := f.scope(t, v.ownerHost, v.ownerEmail)
			for _, victimName := range v.victims {
				victim := f.acc(t, victimName)
				for _, c := range foreignCases {
					t.Run(strings.ReplaceAll(victimName, " ", "")+"/"+c.method+"/"+c.name, func(t *testing.T) {
						before := dataVersion(t)
						seen, err := owner.Account(ctx, victim.ID)
						if err != nil {
							t.Fatalf("owner cannot read %s: %v", victimName, err)
						}
						victimMisses = nil
						got, err := c.call(ctx, s, victim)
						if len(victimMisses) > 0 {
							t.Fatalf("no victim object to try: %s", strings.Join(victimMisses, "; "))
						}
						_, absentErr := c.call(ctx, s, absent)
						if !errorsEqual(err, absentErr) {
							t.Errorf("error = %v; for an absent id %v: existence leaks", err, absentErr)
						}
						want := c.wantKind
						if want == "" {
							want = tenantry.ENOTFOUND
						}
						switch c.kind {
						case one:
							if k := tenantry.ErrorKind(err); err == nil || k != want {
								t.Errorf("error = %v, want kind %s", err, want)
							}
							if got != nil && !reflect.ValueOf(got).IsNil() {
								t.Errorf("result = %+v, want nil", got)
							}
						case list:
							if err != nil && tenantry.ErrorKind(err) != want {
								t.Errorf("error = %v, want kind %s or an empty list", err, want)
							}
							if err == nil && reflect.ValueOf(got).Len() != 0 {
								t.Errorf("list = %+v, want it empty", got)
							}
						case write:
							if k := tenantry.ErrorKind(err); err == nil || k != want {
								t.Errorf("error = %v, want kind %s", err, want)
							}
							if dataVersion(t) != before {
								t.Errorf("the refused write committed to the database; the newest audit events: %v", newestAudit(t, f))
							}
							after, err := owner.Account(ctx, victim.ID)
							if err != nil {
								t.Fatalf("owner cannot read %s afterwards: %v", victimName, err)
							}
							if !reflect.DeepEqual(after, seen) {
								t.Errorf("owner reads %+v afterwards, want %+v", after, seen)
							}
						default:
							t.Fatalf("unknown case kind %q", c.kind)
						}
					})
				}
			}
		})
	}

	t.Run("SaveMetric", func(t *testing.T) {
		for _, v := range []struct{ host, email string }{
			{"acme.localhost", "admin@acme.example"},
			{"orbit.localhost", "admin@orbit.example"},
			{"portal.localhost", "admin@acme.example"},
		} {
			t.Run(v.host+"/"+v.email, func(t *testing.T) {
				s := f.scope(t, v.host, v.email)
				for _, create := range []bool{true, false} {
					before := f.snapshot(t)
					err := s.SaveMetric(ctx, tenantry.Metric{Key: "instance.small", Name: "Pwned", Unit: "hour"}, create)
					wantKind(t, err, tenantry.ENOTFOUND)
					f.assertUnchanged(t, before)
				}
			})
		}
	})

	t.Run("SetResellersEnabled", func(t *testing.T) {
		for _, v := range []struct{ host, email string }{
			{"acme.localhost", "admin@acme.example"},
			{"orbit.localhost", "admin@orbit.example"},
			{"beta.localhost", "admin@beta.example"},
			// reseller staff on the platform domain: the provider is above them
			{"portal.localhost", "admin@acme.example"},
		} {
			t.Run(v.host+"/"+v.email, func(t *testing.T) {
				s := f.scope(t, v.host, v.email)
				for _, on := range []bool{false, true} {
					before := f.snapshot(t)
					err := s.SetResellersEnabled(ctx, on)
					wantKind(t, err, tenantry.ENOTFOUND)
					f.assertUnchanged(t, before)
				}
			})
		}
	})
}

// newestAudit returns the three newest audit events, to say what a write
// that should have been refused did.
func newestAudit(t *testing.T, f *fixture) []string {
	t.Helper()
	rows, err := f.db.read.Query(`SELECT action || ' ' || summary FROM audit_events ORDER BY at DESC, rowid DESC LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// TestDataVersionSeesCommits holds the premise TestScopeForeignTenant
// rests on: PRAGMA data_version on a pinned read connection changes when
// a write commits, and not when one is refused and rolled back.
func TestDataVersionSeesCommits(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	conn, err := f.db.read.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	version := func() int64 {
		var v int64
		if err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version()
	_, err = f.provider(t).CreateCostCenter(ctx, f.id(t, "Blue Bakery"), tenantry.CostCenterInput{Name: "Premise"})
	if err != nil {
		t.Fatal(err)
	}
	v1 := version()
	if v1 == v0 {
		t.Fatal("a committed write left data_version unchanged")
	}
	// refused after writing: the transaction rolls back
	err = f.db.inTx(ctx, func(tx *tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET name = 'Pwned' WHERE name = 'Blue Bakery'`); err != nil {
			return err
		}
		return tenantry.ErrNotFound
	})
	wantKind(t, err, tenantry.ENOTFOUND)
	if version() != v1 {
		t.Fatal("a rolled-back write changed data_version")
	}
}
