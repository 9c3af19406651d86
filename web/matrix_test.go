package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/dbtest"
	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/web"
)

// The route × role × tenant matrix (issue 5): every registered route, called
// by each built-in role of the reseller Acme Hosting, by each built-in role
// of its customer Blue Bakery (the Service user included), by an anonymous
// visitor, by a member of a foreign tenant, by the provider's staff on
// the platform domain, by Blue Bakery's sibling customer, by staff of the
// sub-reseller Beta, by a delegate of one infrastructure and by Acme's
// Owner acting on behalf of Blue Bakery, must answer exactly the status in
// the table; a refused write must leave every table as it was. A route
// registered without a row (the test walks Echo's own route list), or a
// row for a route that no longer exists, fails the test.
//
// The rules (API.md, internal/tenantry/authz.go):
//   - 404 when the object (or the panel) is outside the caller's reach, and
//     for every id of another tenant's subtree;
//   - 403 when the caller sees the object but no role allows the action;
//   - 401 on the API without a (valid) token;
//   - 303 to /login for pages without a session;
//   - 200/201/204/303 when allowed.

// Subjects, in the order of the columns of the matrix.
const (
	sOwner    = iota // admin@acme.example, Owner of Acme Hosting, on acme.localhost
	sAdmin           // a member of Acme with the built-in role Admin
	sOps             // … Ops
	sBilling         // … Billing
	sViewer          // … Viewer
	sCust            // owner@bluebakery.example: Owner of the customer Blue Bakery (below Acme), on acme.localhost
	sCAdmin          // a member of Blue Bakery with the built-in role Admin, on acme.localhost
	sCOps            // … Ops
	sCBilling        // … Billing
	sCViewer         // … Viewer
	sCService        // … Service user, with web-prod (and nothing else) assigned to it
	sAnon            // no session, no token, on acme.localhost
	sForeign         // admin@orbit.example, Owner of Orbit IT, signed in on orbit.localhost, calling Acme's ids
	sProvider        // admin@nimbus.example, Owner of the provider Nimbus Cloud, on portal.localhost
	sSibling         // owner@cobaltlaw.example: Owner of Cobalt Law, Blue Bakery's sibling below Acme, on acme.localhost
	sSubStaff        // a member of the sub-reseller Beta Resale (below Acme) with the role Admin, on acme.localhost
	sDelegate        // a delegate of web-prod with no account of its own here, on acme.localhost
	sActing          // admin@acme.example acting on behalf of Blue Bakery (its session; its API token acts for nobody)
	nSubjects
)

// nBase counts the subjects every row spells out; the others' statuses
// follow from rules (extraStatus), with the exceptions in extraOverrides.
const nBase = sSibling

var subjectNames = [nSubjects]string{"Owner", "Admin", "Ops", "Billing", "Viewer",
	"Customer", "CustAdmin", "CustOps", "CustBilling", "CustViewer", "CustService",
	"Anonymous", "Foreign", "Provider", "Sibling", "SubResellerStaff", "Delegate", "Acting"}

type subjectInfo struct{ host, email string }

var subjects = [nSubjects]subjectInfo{
	sOwner:    {"acme.localhost", "admin@acme.example"},
	sAdmin:    {"acme.localhost", "mx-admin@acme.example"},
	sOps:      {"acme.localhost", "mx-ops@acme.example"},
	sBilling:  {"acme.localhost", "mx-billing@acme.example"},
	sViewer:   {"acme.localhost", "mx-viewer@acme.example"},
	sCust:     {"acme.localhost", "owner@bluebakery.example"},
	sCAdmin:   {"acme.localhost", "mx-admin@bluebakery.example"},
	sCOps:     {"acme.localhost", "mx-ops@bluebakery.example"},
	sCBilling: {"acme.localhost", "mx-billing@bluebakery.example"},
	sCViewer:  {"acme.localhost", "mx-viewer@bluebakery.example"},
	sCService: {"acme.localhost", "mx-service@bluebakery.example"},
	sAnon:     {"acme.localhost", ""},
	sForeign:  {"orbit.localhost", "admin@orbit.example"},
	sProvider: {"portal.localhost", "admin@nimbus.example"},
	sSibling:  {"acme.localhost", "owner@cobaltlaw.example"},
	sSubStaff: {"acme.localhost", "mx-admin@beta.example"},
	sDelegate: {"acme.localhost", "mx-delegate@partner.example"},
	sActing:   {"acme.localhost", "admin@acme.example"},
}

// st is one row's expected statuses, one per subject.
type st [nSubjects]int

// Role permissions as API.md and authz.go document them, written out again
// here on purpose: a change of a built-in role must show up in this test.
// The same roles hold on Acme (sOwner…sViewer) and on Blue Bakery
// (sCust…sCViewer); the Service user has no permission at all.
var matrixRolePerms = map[int][]tenantry.Permission{
	sOwner:    tenantry.AllPermissions,
	sAdmin:    tenantry.AllPermissions,
	sOps:      {tenantry.PermAccountView, tenantry.PermInfraView, tenantry.PermInfraManage, tenantry.PermReportsView},
	sBilling:  {tenantry.PermAccountView, tenantry.PermBillingView, tenantry.PermBillingManage, tenantry.PermReportsView, tenantry.PermPlansManage},
	sViewer:   {tenantry.PermAccountView, tenantry.PermInfraView, tenantry.PermBillingView, tenantry.PermReportsView, tenantry.PermAuditView},
	sCService: {},
}

// vendorPerms come only from a grant strictly above the target.
var vendorPerms = []tenantry.Permission{tenantry.PermCustomersManage, tenantry.PermResellersManage, tenantry.PermActAs}

// acme gives the five Acme roles' statuses for an action needing p on an
// object Acme's staff see (Acme itself or an account below it): ok when the
// role has p, else 403. Vendor permissions (customers.manage, …) count
// because the grant on Acme is above the target; rows acting on Acme itself
// with a vendor permission must not use this helper.
func acme(p tenantry.Permission, ok int) (out [5]int) {
	for r := sOwner; r <= sViewer; r++ {
		out[r] = http.StatusForbidden
		if slices.Contains(matrixRolePerms[r], p) {
			out[r] = ok
		}
	}
	return out
}

// cust is the six Blue Bakery roles (Owner, Admin, Ops, Billing, Viewer,
// Service user), in the order of their columns.
type cust [6]int

// bakery gives Blue Bakery's roles' statuses for an action needing p on
// Blue Bakery itself or one of its objects: ok when the role has p, else
// 403 (they all see their own account, the Service user included: its
// membership is a grant on it, with no permission). A vendor permission on
// Blue Bakery comes only from above it: 403 for all of them.
func bakery(p tenantry.Permission, ok int) (out cust) {
	for r := sCust; r <= sCService; r++ {
		role := r - sCust + sOwner
		if r == sCService {
			role = sCService
		}
		out[r-sCust] = http.StatusForbidden
		if slices.Contains(matrixRolePerms[role], p) && !slices.Contains(vendorPerms, p) {
			out[r-sCust] = ok
		}
	}
	return out
}

// assigned is bakery for an action on web-prod, the infrastructure
// assigned to the Service user: its grant on that infrastructure alone
// allows infra.view and infra.manage (tenantry.AuthorizeInfra).
func assigned(p tenantry.Permission, ok int) cust {
	out := bakery(p, ok)
	if p == tenantry.PermInfraView || p == tenantry.PermInfraManage {
		out[sCService-sCust] = ok
	}
	return out
}

// unassigned is bakery for an action on an infrastructure not assigned
// to the Service user: to it, that infrastructure does not exist (404).
func unassigned(p tenantry.Permission, ok int) cust {
	return withService(bakery(p, ok), http.StatusNotFound)
}

// withService overrides the Service user's status.
func withService(c cust, s int) cust {
	c[sCService-sCust] = s
	return c
}

// vendorOf: a customer's staff never reach their vendor (Acme, its plans,
// its members, its other customers): 404 for all of them.
var vendorOf = all6(404)

// row builds a row's statuses from the five Acme roles, the six Blue
// Bakery roles and the rest.
func row(roles [5]int, c cust, anon, foreign, provider int) st {
	return st{roles[0], roles[1], roles[2], roles[3], roles[4], c[0], c[1], c[2], c[3], c[4], c[5], anon, foreign, provider,
		derived, derived, derived, derived}
}

// all5 is the same status for the five Acme roles.
func all5(s int) [5]int { return [5]int{s, s, s, s, s} }

// all6 is the same status for the six Blue Bakery roles.
func all6(s int) cust { return cust{s, s, s, s, s, s} }

// everyone is the same status for every subject.
func everyone(s int) (out st) {
	for i := range out {
		out[i] = s
	}
	return out
}

// derived marks a status that extraStatus works out from the rest of the row.
const derived = -1

// signedIn is s for everyone signed in, and what the anonymous visitor
// gets (303 to /login for pages behind a session).
func signedIn(s, anon int) st {
	out := everyone(s)
	out[sAnon] = anon
	return out
}

// Page groups. A page without a session redirects to /login (303); the
// foreign user, signed in on orbit.localhost, gets 404 for every id of
// Acme's subtree; Blue Bakery's members have no reseller panel, and on
// portal.localhost neither has the provider's staff (404: openPanel finds
// no reseller among their grants). Their /provider twin is in the row's
// twin.
func resellerPage(roles [5]int) st { return row(roles, vendorOf, 303, 404, 404) }

// resellerList is a /reseller page naming no object: the foreign user gets
// its own (Orbit's) page.
func resellerList(roles [5]int, foreign int) st { return row(roles, vendorOf, 303, foreign, 404) }

// providerPage: only the provider's staff have the provider panel; for
// everyone else it does not exist (404).
func providerPage(provider int) st { return row(all5(404), vendorOf, 303, 404, provider) }

// appPage is an end-user page on Blue Bakery's objects: Acme's staff have
// no customer panel (404; they act through act-as), Blue Bakery's members
// get what their role allows; the foreign user and the provider's staff
// have no customer panel.
func appPage(c cust) st { return row(all5(404), c, 303, 404, 404) }

// apiRow: the API without a token is 401; the foreign user's token belongs
// to orbit.localhost, where Acme's ids do not exist (404). The provider's
// Owner is above everything Acme is, so where the row does not say
// otherwise it gets what Acme's Owner gets.
func apiRow(roles [5]int, c cust, foreign int) st { return row(roles, c, 401, foreign, roles[0]) }

// onAcme is s for the subjects on acme.localhost, and elsewhere for the
// foreign user and the provider's staff, signed in on other domains.
func onAcme(s st, elsewhere int) st {
	s[sForeign], s[sProvider] = elsewhere, elsewhere
	return s
}

// asProvider overrides the provider admin's status in a row.
func asProvider(s st, provider int) st {
	s[sProvider] = provider
	return s
}

// ids are the demo objects the paths name.

// call is one request a row makes; fill replaces {name} in path and form.
type call struct {
	method, path string
	form         url.Values // page forms
	json         any        // API bodies
	body         string     // raw body (the logo)
	ctype        string
}

func get(path string) call { return call{method: http.MethodGet, path: path} }

func post(path string, kv ...string) call {
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	return call{method: http.MethodPost, path: path, form: form}
}

func apiCall(method, path string, body any) call {
	return call{method: method, path: "/api/v1" + path, json: body}
}

type matrixRow struct {
	call call
	want st
	// own, when set, builds the call per subject (their own credentials).
	own func(subj int, email string) call
	// twin, on a /reseller row, is the provider admin's status on the
	// /provider twin when it is not the one Acme's Owner gets here.
	twin int
}

// matrixSkip lists routes the matrix leaves out, with the reason.
var matrixSkip = map[string]string{
	"GET /healthz":       "host-independent health check; reveals no tenant and needs no session",
	"GET /static/*":      "embedded static assets; no tenant, no session",
	"GET /brand.css":     "the tenant's public brand stylesheet, served to anyone on its domain",
	"GET /brand/logo":    "the tenant's public logo, served to anyone on its domain (404 when it has none)",
	"GET /brand/favicon": "the tenant's public favicon (uploaded, or its initial), served to anyone on its domain",
	"GET /favicon.ico":   "the same favicon at the address browsers ask for by themselves",
	"* /api/v1/*":        "the API's catch-all: every unknown API path answers 404",
}

func matrixRows() map[string]matrixRow {
	ok, created, noContent, see := http.StatusOK, http.StatusCreated, http.StatusNoContent, http.StatusSeeOther
	all := func(s int) [5]int { return all5(s) }
	P := func(p tenantry.Permission, s int) [5]int { return acme(p, s) }
	own := func(f func(subj int, email string) call, want st) matrixRow { return matrixRow{own: f, want: want} }
	r := func(c call, want st) matrixRow { return matrixRow{call: c, want: want} }
	// rt is a /reseller row whose /provider twin answers twin to the
	// provider's Owner
	rt := func(c call, want st, twin int) matrixRow { return matrixRow{call: c, want: want, twin: twin} }

	m := map[string]matrixRow{
		// ---- public and session pages: they name no object of Acme's, so
		// the foreign user and the provider's staff get them on their own
		// domain like anyone else.
		"GET /":      r(get("/"), everyone(see)),
		"GET /login": r(get("/login"), signedIn(see, ok)),
		"POST /login": own(func(subj int, email string) call {
			if email == "" {
				email = "admin@acme.example"
			}
			return post("/login", "email", email, "password", store.DemoPassword)
		}, everyone(see)),
		"POST /logout": r(post("/logout"), everyone(see)),
		// unknown one-time tokens name nothing: 404 for everyone
		"GET /verify/:token":          r(get("/verify/no-such-token"), everyone(404)),
		"POST /verify/:token":         r(post("/verify/no-such-token"), everyone(404)),
		"GET /reset-password/:token":  r(get("/reset-password/no-such-token"), everyone(404)),
		"POST /reset-password/:token": r(post("/reset-password/no-such-token", "password", "matrix-secret-42", "confirm", "matrix-secret-42"), everyone(404)),
		// a pending invitation to Acme: its link exists on acme.localhost
		// only (invitations are bound to the tenant that sent them), not on
		// orbit.localhost nor on portal.localhost
		"GET /invitations/:token": r(get("/invitations/{inviteToken}"), onAcme(everyone(ok), 404)),
		"POST /invitations/:token": r(post("/invitations/{inviteToken}", "name", "Matrix Guest", "password", "matrix-secret-42", "confirm", "matrix-secret-42"),
			// the invitation is someone else's: a signed-in user may not take it
			onAcme(signedIn(403, see), 404)),
		"GET /signup":           r(get("/signup"), everyone(ok)),
		"POST /signup":          r(post("/signup", "company", "Matrix Co", "name", "Mia Matrix", "email", "mia@matrix.example", "password", "matrix-secret-42", "accept_terms", "on"), everyone(ok)), // "check your mail"
		"GET /forgot-password":  r(get("/forgot-password"), everyone(ok)),
		"POST /forgot-password": r(post("/forgot-password", "email", "admin@acme.example"), everyone(ok)),
		// every signed-in user here has exactly one account: /choose shows it
		"GET /choose": r(get("/choose"), signedIn(ok, see)),
		"POST /choose": own(func(subj int, _ string) call {
			a := "{acme}"
			switch {
			case subj >= sCust && subj <= sCService:
				a = "{bakery}"
			case subj == sForeign:
				a = "{orbit}"
			case subj == sProvider:
				a = "{nimbus}"
			case subj == sSibling:
				a = "{cobalt}"
			case subj == sSubStaff:
				a = "{beta}"
			}
			return post("/choose", "account_id", a)
		}, everyone(see)),

		// ---- profile: always the caller's own; ids that are not the caller's
		// are 404.
		"GET /profile":                         r(get("/profile"), signedIn(ok, see)),
		"POST /profile/name":                   r(post("/profile/name", "name", "Matrix Name"), everyone(see)),
		"POST /profile/email":                  r(post("/profile/email", "email", "new-address@matrix.example", "email_password", store.DemoPassword), everyone(see)),
		"GET /profile/email/:token":            r(get("/profile/email/no-such-token"), signedIn(404, see)),
		"POST /profile/email/:token":           r(post("/profile/email/no-such-token"), signedIn(404, see)),
		"POST /profile/password":               r(post("/profile/password", "current_password", store.DemoPassword, "password", "matrix-secret-42", "confirm", "matrix-secret-42"), everyone(see)),
		"POST /profile/sessions/revoke-others": r(post("/profile/sessions/revoke-others"), everyone(see)),
		"POST /profile/sessions/:id/revoke":    r(post("/profile/sessions/no-such-session/revoke"), signedIn(404, see)),
		"POST /profile/tokens":                 r(post("/profile/tokens", "token_name", "matrix", "token_password", store.DemoPassword), signedIn(ok, see)), // shows the new token once
		"POST /profile/tokens/:id/revoke":      r(post("/profile/tokens/no-such-token/revoke"), signedIn(404, see)),
		// leaving a delegation: nobody here is a delegate of Blue Bakery
		// (its own members are members, not delegates)
		"POST /profile/delegations/:account/leave": r(post("/profile/delegations/{bakery}/leave"), signedIn(404, see)),

		// ---- the reseller panel of Acme
		"GET /reseller":                      r(get("/reseller"), resellerList(all(ok), ok)),
		"GET /reseller/accounts":             r(get("/reseller/accounts"), resellerList(all(ok), ok)),
		"GET /reseller/accounts/new":         r(get("/reseller/accounts/new"), resellerList(P(tenantry.PermCustomersManage, ok), ok)),
		"POST /reseller/accounts/new":        r(post("/reseller/accounts/new", "kind", "customer", "name", "Matrix Customer", "contact_email", "c@matrix.example", "owner.name", "Moe", "owner.email", "moe@matrix.example"), resellerList(P(tenantry.PermCustomersManage, created), created)), // the page with the owner's one-time link
		"GET /reseller/accounts/:id":         r(get("/reseller/accounts/{bakery}"), resellerPage(all(ok))),
		"POST /reseller/accounts/:id":        r(post("/reseller/accounts/{bakery}", "name", "Blue Bakery Ltd", "contact_email", "hello@bluebakery.example"), resellerPage(P(tenantry.PermCustomersManage, see))),
		"POST /reseller/accounts/:id/status": r(post("/reseller/accounts/{bakery}/status", "status", "suspended", "suspend_reason", "matrix"), resellerPage(P(tenantry.PermCustomersManage, see))),
		"POST /reseller/accounts/:id/plan":   r(post("/reseller/accounts/{bakery}/plan", "plan_id", "{retailPlan}"), resellerPage(P(tenantry.PermCustomersManage, see))),
		// only a direct customer of the provider can become a reseller: for
		// Acme's Owner and Admin the conversion is refused as invalid (422),
		// after the permission check, which still refuses the other roles
		"POST /reseller/accounts/:id/convert": r(post("/reseller/accounts/{bakery}/convert"), resellerPage(P(tenantry.PermResellersManage, 422))),
		// act on behalf: act_as from a grant above the account, then its panel
		"POST /reseller/accounts/:id/act-as": r(post("/reseller/accounts/{bakery}/act-as", "reason", "matrix check"), resellerPage(P(tenantry.PermActAs, see))),
		// leaving is always possible, acting or not: back to one's landing page
		"POST /act-as/exit": r(post("/act-as/exit"), everyone(see)),
		// reading a reseller's domains and depth is account.view, as GET
		// /api/v1/accounts/:id/domains
		// the service page is where a vendor manages a reseller: resellers.manage
		"GET /reseller/accounts/:id/service":         r(get("/reseller/accounts/{beta}/service"), resellerPage(P(tenantry.PermResellersManage, ok))),
		"POST /reseller/accounts/:id/domain":         r(post("/reseller/accounts/{beta}/domain", "fqdn", "beta2.localhost"), resellerPage(P(tenantry.PermResellersManage, see))),
		"POST /reseller/accounts/:id/domains":        r(post("/reseller/accounts/{beta}/domains", "alias", "alias.beta.localhost"), resellerPage(P(tenantry.PermResellersManage, see))),
		"POST /reseller/accounts/:id/domains/remove": r(post("/reseller/accounts/{beta}/domains/remove", "fqdn", "beta.localhost"), resellerPage(P(tenantry.PermResellersManage, see))),
		"POST /reseller/accounts/:id/depth":          r(post("/reseller/accounts/{beta}/depth", "max_reseller_depth", "0"), resellerPage(P(tenantry.PermResellersManage, see))),
		"POST /reseller/accounts/:id/approve":        r(post("/reseller/accounts/{bakery}/approve"), resellerPage(P(tenantry.PermCustomersManage, see))),
		// rejecting an active customer is refused with a message (303)
		"POST /reseller/accounts/:id/reject":         r(post("/reseller/accounts/{bakery}/reject"), resellerPage(P(tenantry.PermCustomersManage, see))),
		"GET /reseller/accounts/:id/infrastructures": r(get("/reseller/accounts/{bakery}/infrastructures"), resellerPage(P(tenantry.PermInfraView, ok))),
		// reading plans is account.view; changing them plans.manage. The
		// provider panel's Plans, Users and Roles pages are the provider's
		// own: Acme's plan, member, invitation and role are not found there
		// (twin 404), though the provider's Owner reaches them through the
		// API or by acting as Acme
		"GET /reseller/plans": r(get("/reseller/plans"), resellerList(all(ok), ok)),
		// a form for what the role may not do is refused
		"GET /reseller/plans/new":         r(get("/reseller/plans/new"), resellerList(P(tenantry.PermPlansManage, ok), ok)),
		"POST /reseller/plans/new":        r(post("/reseller/plans/new", "name", "Matrix Plan", "currency", "USD", "audience", "customers", "markup_percent", "10", "prices.instance.small", "0.020"), resellerList(P(tenantry.PermPlansManage, see), see)),
		"GET /reseller/plans/:id":         rt(get("/reseller/plans/{retailPlan}"), resellerPage(all(ok)), 404),
		"POST /reseller/plans/:id":        rt(post("/reseller/plans/{retailPlan}", "name", "Acme Retail 2", "currency", "USD", "audience", "customers", "markup_percent", "25", "prices.instance.small", "0.018"), resellerPage(P(tenantry.PermPlansManage, see)), 404),
		"POST /reseller/plans/:id/copy":   rt(post("/reseller/plans/{retailPlan}/copy", "name", "Acme Retail copy"), resellerPage(P(tenantry.PermPlansManage, see)), 404),
		"POST /reseller/plans/:id/status": rt(post("/reseller/plans/{retailPlan}/status", "status", "archived"), resellerPage(P(tenantry.PermPlansManage, see)), 404),
		"GET /reseller/settings":          r(get("/reseller/settings"), resellerList(all(ok), ok)),
		"POST /reseller/settings":         r(post("/reseller/settings", "signup_enabled", "true", "currency", "USD", "tax_rate_percent", "20", "invoice_prefix", "ACME-", "support_email", "support@acme.example", "terms_url", "https://example.com/terms"), resellerList(P(tenantry.PermAccountManage, see), see)),
		// reading the branding is account.view (store.Branding, GET
		// /api/v1/accounts/:id/branding); Acme has no logo or favicon: 404
		"GET /reseller/branding":                 r(get("/reseller/branding"), resellerList(all(ok), ok)),
		"POST /reseller/branding":                r(post("/reseller/branding", "display_name", "Acme", "primary_color", "#123456", "accent_color", "#654321", "footer_text", "f", "support_email", "support@acme.example"), resellerList(P(tenantry.PermBrandingManage, see), see)),
		"GET /reseller/branding/preview.css":     r(get("/reseller/branding/preview.css"), resellerList(all(ok), ok)),
		"GET /reseller/branding/logo":            r(get("/reseller/branding/logo"), resellerList(all(404), 404)),
		"GET /reseller/branding/favicon":         r(get("/reseller/branding/favicon"), resellerList(all(404), 404)),
		"POST /reseller/branding/logo/remove":    r(post("/reseller/branding/logo/remove"), resellerList(P(tenantry.PermBrandingManage, see), see)),
		"POST /reseller/branding/favicon/remove": r(post("/reseller/branding/favicon/remove"), resellerList(P(tenantry.PermBrandingManage, see), see)),
		"GET /reseller/users":                    r(get("/reseller/users"), resellerList(all(ok), ok)),
		"POST /reseller/users/invite":            r(post("/reseller/users/invite", "email", "hire@matrix.example", "role", "Viewer"), resellerList(P(tenantry.PermUsersManage, see), see)),
		"POST /reseller/users/:user/role":        rt(post("/reseller/users/{target}/role", "role", "Ops"), resellerPage(P(tenantry.PermUsersManage, see)), 404),
		"POST /reseller/users/:user/remove":      rt(post("/reseller/users/{target}/remove"), resellerPage(P(tenantry.PermUsersManage, see)), 404),
		"POST /reseller/invitations/:id/resend":  rt(post("/reseller/invitations/{acmeInvite}/resend"), resellerPage(P(tenantry.PermUsersManage, see)), 404),
		"POST /reseller/invitations/:id/revoke":  rt(post("/reseller/invitations/{acmeInvite}/revoke"), resellerPage(P(tenantry.PermUsersManage, see)), 404),
		"GET /reseller/roles":                    r(get("/reseller/roles"), resellerList(all(ok), ok)),
		"POST /reseller/roles":                   r(post("/reseller/roles", "name", "Matrix role", "permissions", "account.view"), resellerList(P(tenantry.PermRolesManage, see), see)),
		"POST /reseller/roles/:role":             rt(post("/reseller/roles/{supportRole}", "name", "Support desk 2", "permissions", "account.view"), resellerPage(P(tenantry.PermRolesManage, see)), 404),
		"POST /reseller/roles/:role/delete":      rt(post("/reseller/roles/{supportRole}/delete"), resellerPage(P(tenantry.PermRolesManage, see)), 404),
		// cost centers through the My Org / Customer switch, on Blue Bakery's:
		// reading is infra.view and changing infra.manage, granted on Acme
		"GET /reseller/cost-centers":             r(get("/reseller/cost-centers?account={bakery}"), resellerPage(P(tenantry.PermInfraView, ok))),
		"POST /reseller/cost-centers":            r(post("/reseller/cost-centers", "account", "{bakery}", "name", "Matrix CC"), resellerPage(P(tenantry.PermInfraManage, see))),
		"POST /reseller/cost-centers/:id":        r(post("/reseller/cost-centers/{stagingCC}", "account", "{bakery}", "name", "Staging 2"), resellerPage(P(tenantry.PermInfraManage, see))),
		"POST /reseller/cost-centers/:id/delete": r(post("/reseller/cost-centers/{emptyCC}/delete", "account", "{bakery}"), resellerPage(P(tenantry.PermInfraManage, see))),
		// the panel account's own API keys (account.manage); creating one
		// answers 200 with its secret, shown once. The provider panel's are
		// the provider's own: Acme's key is not found there (twin 404)
		"GET /reseller/api-keys":             r(get("/reseller/api-keys"), resellerList(P(tenantry.PermAccountManage, ok), ok)),
		"POST /reseller/api-keys":            r(post("/reseller/api-keys", "name", "Matrix key", "scopes", "read"), resellerList(P(tenantry.PermAccountManage, ok), ok)),
		"POST /reseller/api-keys/:id/revoke": rt(post("/reseller/api-keys/{acmeKey}/revoke"), resellerPage(P(tenantry.PermAccountManage, see)), 404),
		"GET /reseller/audit":                r(get("/reseller/audit"), resellerList(P(tenantry.PermAuditView, ok), ok)),
		"GET /reseller/audit/export":         r(get("/reseller/audit/export"), resellerList(P(tenantry.PermAuditView, ok), ok)),
		// the mail sent on Acme's own domain: read by those who manage users
		// (its links sign in as its recipients); the foreign user reads
		// Orbit's own
		"GET /reseller/outbox":          r(get("/reseller/outbox"), resellerList(P(tenantry.PermUsersManage, ok), ok)),
		"GET /reseller/outbox/:id":      r(get("/reseller/outbox/no-such-mail"), resellerPage(P(tenantry.PermUsersManage, 404))),
		"GET /reseller/outbox/:id/html": r(get("/reseller/outbox/no-such-mail/html"), resellerPage(P(tenantry.PermUsersManage, 404))),

		// ---- the end-user panel, on Blue Bakery's objects
		"GET /app": r(get("/app"), appPage(all6(ok))), // the Service user's lists what is assigned to it
		// the all-in-one list names no object: everyone signed in has one
		"GET /infrastructures":  r(get("/infrastructures"), signedIn(ok, see)),
		"POST /infrastructures": r(post("/infrastructures", "account_id", "{bakery}", "name", "matrix-infra"), row(P(tenantry.PermInfraManage, see), bakery(tenantry.PermInfraManage, see), see, 404, see)),
		// an infrastructure's page: seeing it is infra.view; Billing sees
		// the account but not its infrastructures; web-prod is assigned to
		// the Service user
		"GET /infrastructures/:id":  r(get("/infrastructures/{webProd}"), row(P(tenantry.PermInfraView, ok), assigned(tenantry.PermInfraView, ok), see, 404, ok)),
		"POST /infrastructures/:id": r(post("/infrastructures/{webProd}", "name", "web-prod-2", "cost_center_id", "{prodCC}"), row(P(tenantry.PermInfraManage, see), assigned(tenantry.PermInfraManage, see), see, 404, see)),
		// deleting one stays with its owner's staff (AuthorizeInfraOwner);
		// sandbox is not assigned to the Service user: it does not exist for it
		"POST /infrastructures/:id/delete": r(post("/infrastructures/{sandbox}/delete"), row(P(tenantry.PermInfraManage, see), unassigned(tenantry.PermInfraManage, see), see, 404, see)),
		// only the Service user has a grant on web-prod to leave (its
		// assignment): for the others there is nothing to leave (404), once
		// they see web-prod at all (Billing does not: 403)
		"POST /infrastructures/:id/leave": r(post("/infrastructures/{webProd}/leave"), row(P(tenantry.PermInfraView, 404), withService(bakery(tenantry.PermInfraView, 404), see), see, 404, 404)),
		// letting others in stays with the owner's staff (AuthorizeInfraOwner)
		"POST /infrastructures/:id/delegates":               r(post("/infrastructures/{webProd}/delegates", "email", "mx-new@delegate.example"), row(P(tenantry.PermInfraManage, see), bakery(tenantry.PermInfraManage, see), see, 404, see)),
		"POST /infrastructures/:id/delegates/:user/remove":  r(post("/infrastructures/{webProd}/delegates/{delegate}/remove"), row(P(tenantry.PermInfraManage, see), bakery(tenantry.PermInfraManage, see), see, 404, see)),
		"POST /infrastructures/:id/invitations/:inv/resend": r(post("/infrastructures/{webProd}/invitations/{infraInvite}/resend"), row(P(tenantry.PermInfraManage, see), bakery(tenantry.PermInfraManage, see), see, 404, see)),
		"POST /infrastructures/:id/invitations/:inv/revoke": r(post("/infrastructures/{webProd}/invitations/{infraInvite}/revoke"), row(P(tenantry.PermInfraManage, see), bakery(tenantry.PermInfraManage, see), see, 404, see)),
		// resources and usage: seen with infra.view, changed with
		// infra.manage on the infrastructure (the service user and the
		// delegate of web-prod included)
		"POST /infrastructures/:id/resources":             r(post("/infrastructures/{webProd}/resources", "type", "server", "name", "matrix-new", "metric", "instance.medium"), row(P(tenantry.PermInfraManage, see), assigned(tenantry.PermInfraManage, see), see, 404, see)),
		"POST /infrastructures/:id/resources/:rid/start":  r(post("/infrastructures/{webProd}/resources/{webServer}/start"), row(P(tenantry.PermInfraManage, see), assigned(tenantry.PermInfraManage, see), see, 404, see)),
		"POST /infrastructures/:id/resources/:rid/stop":   r(post("/infrastructures/{webProd}/resources/{webRunning}/stop"), row(P(tenantry.PermInfraManage, see), assigned(tenantry.PermInfraManage, see), see, 404, see)),
		"POST /infrastructures/:id/resources/:rid/resize": r(post("/infrastructures/{webProd}/resources/{webServer}/resize", "metric", "instance.large"), row(P(tenantry.PermInfraManage, see), assigned(tenantry.PermInfraManage, see), see, 404, see)),
		"POST /infrastructures/:id/resources/:rid/delete": r(post("/infrastructures/{webProd}/resources/{webServer}/delete"), row(P(tenantry.PermInfraManage, see), assigned(tenantry.PermInfraManage, see), see, 404, see)),
		"GET /infrastructures/:id/usage":                  r(get("/infrastructures/{webProd}/usage"), row(P(tenantry.PermInfraView, ok), assigned(tenantry.PermInfraView, ok), see, 404, ok)),
		"GET /app/infrastructures":                        r(get("/app/infrastructures"), appPage(bakery(tenantry.PermInfraView, ok))),
		"POST /app/infrastructures":                       r(post("/app/infrastructures", "name", "matrix-infra"), appPage(bakery(tenantry.PermInfraManage, see))),
		"GET /app/infrastructures/:id":                    r(get("/app/infrastructures/{webProd}"), appPage(assigned(tenantry.PermInfraView, ok))),
		"POST /app/infrastructures/:id":                   r(post("/app/infrastructures/{webProd}", "name", "web-prod-2", "cost_center_id", "{prodCC}"), appPage(assigned(tenantry.PermInfraManage, see))),
		"POST /app/infrastructures/:id/delete":            r(post("/app/infrastructures/{sandbox}/delete"), appPage(unassigned(tenantry.PermInfraManage, see))),
		"GET /app/cost-centers":                           r(get("/app/cost-centers"), appPage(bakery(tenantry.PermInfraView, ok))),
		"POST /app/cost-centers":                          r(post("/app/cost-centers", "name", "Matrix CC"), appPage(bakery(tenantry.PermInfraManage, see))),
		"POST /app/cost-centers/:id":                      r(post("/app/cost-centers/{stagingCC}", "name", "Staging 2"), appPage(bakery(tenantry.PermInfraManage, see))),
		"POST /app/cost-centers/:id/delete":               r(post("/app/cost-centers/{emptyCC}/delete"), appPage(bakery(tenantry.PermInfraManage, see))),
		"GET /app/api-keys":                               r(get("/app/api-keys"), appPage(bakery(tenantry.PermAccountManage, ok))),
		"POST /app/api-keys":                              r(post("/app/api-keys", "name", "Matrix key", "scopes", "read"), appPage(bakery(tenantry.PermAccountManage, ok))),
		"POST /app/api-keys/:id/revoke":                   r(post("/app/api-keys/{bakeryKey}/revoke"), appPage(bakery(tenantry.PermAccountManage, see))),
		"GET /app/audit":                                  r(get("/app/audit"), appPage(bakery(tenantry.PermAuditView, ok))),
		"GET /app/audit/export":                           r(get("/app/audit/export"), appPage(bakery(tenantry.PermAuditView, ok))),
		// the people of Blue Bakery: reading them is account.view
		"GET /app/users":                   r(get("/app/users"), appPage(bakery(tenantry.PermAccountView, ok))),
		"POST /app/users/invite":           r(post("/app/users/invite", "email", "hire@matrix.example", "role", "Viewer"), appPage(bakery(tenantry.PermUsersManage, see))),
		"POST /app/users/:user/role":       r(post("/app/users/{bakeryTarget}/role", "role", "Ops"), appPage(bakery(tenantry.PermUsersManage, see))),
		"POST /app/users/:user/remove":     r(post("/app/users/{bakeryTarget}/remove"), appPage(bakery(tenantry.PermUsersManage, see))),
		"POST /app/invitations/:id/resend": r(post("/app/invitations/{bakeryInvite}/resend"), appPage(bakery(tenantry.PermUsersManage, see))),
		"POST /app/invitations/:id/revoke": r(post("/app/invitations/{bakeryInvite}/revoke"), appPage(bakery(tenantry.PermUsersManage, see))),
		"GET /app/roles":                   r(get("/app/roles"), appPage(bakery(tenantry.PermAccountView, ok))),
		"POST /app/roles":                  r(post("/app/roles", "name", "Matrix role", "permissions", "account.view"), appPage(bakery(tenantry.PermRolesManage, see))),
		"POST /app/roles/:role":            r(post("/app/roles/{bakeryRole}", "name", "Bakery role 2", "permissions", "account.view"), appPage(bakery(tenantry.PermRolesManage, see))),
		"POST /app/roles/:role/delete":     r(post("/app/roles/{bakeryRole}/delete"), appPage(bakery(tenantry.PermRolesManage, see))),

		// ---- the provider panel: only the provider's staff have it; the
		// pages it shares with the reseller panel are added below
		"GET /provider/metrics":             r(get("/provider/metrics"), providerPage(ok)),
		"POST /provider/metrics":            r(post("/provider/metrics", "key", "matrix.metric", "name", "M", "unit", "hour"), providerPage(see)),
		"POST /provider/metrics/:key":       r(post("/provider/metrics/instance.small", "name", "M", "unit", "hour", "resource_type", "server"), providerPage(see)),
		"POST /provider/settings/resellers": r(post("/provider/settings/resellers", "resellers_enabled", "false"), providerPage(see)),
		"GET /provider/outbox":              r(get("/provider/outbox"), providerPage(ok)),
		"GET /provider/outbox/:id":          r(get("/provider/outbox/no-such-mail"), providerPage(404)),
		"GET /provider/outbox/:id/html":     r(get("/provider/outbox/no-such-mail/html"), providerPage(404)),

		// ---- the API. Blue Bakery's members see Blue Bakery only.
		"POST /api/v1/auth/token": own(func(subj int, email string) call {
			if email == "" {
				email = "admin@acme.example"
			}
			return apiCall(http.MethodPost, "/auth/token", map[string]string{"email": email, "password": store.DemoPassword})
		}, everyone(created)),
		"GET /api/v1/me":               r(apiCall(http.MethodGet, "/me", nil), apiRow(all(ok), all6(ok), ok)),
		"GET /api/v1/me/tokens":        r(apiCall(http.MethodGet, "/me/tokens", nil), apiRow(all(ok), all6(ok), ok)),
		"GET /api/v1/me/sessions":      r(apiCall(http.MethodGet, "/me/sessions", nil), apiRow(all(ok), all6(ok), ok)),
		"DELETE /api/v1/me/tokens/:id": r(apiCall(http.MethodDelete, "/me/tokens/no-such-token", nil), apiRow(all(404), all6(404), 404)),
		"GET /api/v1/permissions":      r(apiCall(http.MethodGet, "/permissions", nil), apiRow(all(ok), all6(ok), ok)),
		"GET /api/v1/metrics":          r(apiCall(http.MethodGet, "/metrics", nil), apiRow(all(ok), all6(ok), ok)),
		// provider only: changing the metric catalogue is not visible to anyone else
		"POST /api/v1/metrics":     r(apiCall(http.MethodPost, "/metrics", map[string]string{"key": "matrix.metric", "name": "M", "unit": "hour"}), asProvider(apiRow(all(404), all6(404), 404), created)),
		"PUT /api/v1/metrics/:key": r(apiCall(http.MethodPut, "/metrics/instance.small", map[string]string{"name": "M", "unit": "hour"}), asProvider(apiRow(all(404), all6(404), 404), ok)),
		"GET /api/v1/accounts":     r(apiCall(http.MethodGet, "/accounts", nil), apiRow(all(ok), all6(ok), ok)),
		// parent_id names Acme: invisible to Blue Bakery's members and to the
		// foreign user, so 404 (API.md: "404 absent or not visible")
		"POST /api/v1/accounts": r(apiCall(http.MethodPost, "/accounts", map[string]any{"parent_id": "{acme}", "kind": "customer", "name": "Matrix Customer",
			"contact_email": "c@matrix.example", "owner": map[string]string{"email": "moe@matrix.example", "name": "Moe"}}), apiRow(P(tenantry.PermCustomersManage, created), vendorOf, 404)),
		// Blue Bakery's own staff edit its record with account.manage, its
		// vendor's with customers.manage from above
		"GET /api/v1/accounts/:id":   r(apiCall(http.MethodGet, "/accounts/{bakery}", nil), apiRow(all(ok), bakery(tenantry.PermAccountView, ok), 404)),
		"PATCH /api/v1/accounts/:id": r(apiCall(http.MethodPatch, "/accounts/{bakery}", map[string]string{"contact_email": "new@bluebakery.example"}), apiRow(P(tenantry.PermCustomersManage, ok), bakery(tenantry.PermAccountManage, ok), 404)),
		"POST /api/v1/accounts/:id/act-as": r(apiCall(http.MethodPost, "/accounts/{bakery}/act-as", map[string]string{"reason": "matrix check"}),
			apiRow(P(tenantry.PermActAs, 204), all6(404), 404)), // its own account is not below any of Blue Bakery's members (API.md: 404)
		// 422: see the page; the provider's Owner too: Blue Bakery is not its direct customer
		"POST /api/v1/accounts/:id/convert":         r(apiCall(http.MethodPost, "/accounts/{bakery}/convert", nil), apiRow(P(tenantry.PermResellersManage, 422), bakery(tenantry.PermResellersManage, 422), 404)),
		"GET /api/v1/accounts/:id/domains":          r(apiCall(http.MethodGet, "/accounts/{beta}/domains", nil), apiRow(all(ok), vendorOf, 404)),
		"POST /api/v1/accounts/:id/domains":         r(apiCall(http.MethodPost, "/accounts/{beta}/domains", map[string]string{"fqdn": "alias.beta.localhost"}), apiRow(P(tenantry.PermResellersManage, created), vendorOf, 404)),
		"DELETE /api/v1/accounts/:id/domains/:fqdn": r(apiCall(http.MethodDelete, "/accounts/{beta}/domains/beta.localhost", nil), apiRow(P(tenantry.PermResellersManage, noContent), vendorOf, 404)),
		"GET /api/v1/accounts/:id/settings":         r(apiCall(http.MethodGet, "/accounts/{acme}/settings", nil), apiRow(all(ok), vendorOf, 404)),
		"PUT /api/v1/accounts/:id/settings":         r(apiCall(http.MethodPut, "/accounts/{acme}/settings", map[string]string{"invoice_prefix": "ACM-"}), apiRow(P(tenantry.PermAccountManage, ok), vendorOf, 404)),
		"GET /api/v1/accounts/:id/branding":         r(apiCall(http.MethodGet, "/accounts/{acme}/branding", nil), apiRow(all(ok), vendorOf, 404)),
		"PUT /api/v1/accounts/:id/branding":         r(apiCall(http.MethodPut, "/accounts/{acme}/branding", map[string]string{"footer_text": "matrix"}), apiRow(P(tenantry.PermBrandingManage, ok), vendorOf, 404)),
		"PUT /api/v1/accounts/:id/branding/logo": r(call{method: http.MethodPut, path: "/api/v1/accounts/{acme}/branding/logo", body: "{logo}", ctype: "image/png"},
			apiRow(P(tenantry.PermBrandingManage, ok), vendorOf, 404)),
		"GET /api/v1/accounts/:id/members":             r(apiCall(http.MethodGet, "/accounts/{acme}/members", nil), apiRow(all(ok), vendorOf, 404)),
		"POST /api/v1/accounts/:id/members":            r(apiCall(http.MethodPost, "/accounts/{acme}/members", map[string]string{"email": "hire@matrix.example", "role": "Viewer"}), apiRow(P(tenantry.PermUsersManage, http.StatusCreated), vendorOf, 404)),
		"PATCH /api/v1/accounts/:id/members/:user_id":  r(apiCall(http.MethodPatch, "/accounts/{acme}/members/{target}", map[string]string{"role": "Ops"}), apiRow(P(tenantry.PermUsersManage, noContent), vendorOf, 404)),
		"DELETE /api/v1/accounts/:id/members/:user_id": r(apiCall(http.MethodDelete, "/accounts/{acme}/members/{target}", nil), apiRow(P(tenantry.PermUsersManage, noContent), vendorOf, 404)),
		"GET /api/v1/accounts/:id/invitations":         r(apiCall(http.MethodGet, "/accounts/{acme}/invitations", nil), apiRow(all(ok), vendorOf, 404)), // as the Users page lists them
		"POST /api/v1/accounts/:id/invitations":        r(apiCall(http.MethodPost, "/accounts/{acme}/invitations", map[string]string{"email": "hire@matrix.example", "role": "Viewer"}), apiRow(P(tenantry.PermUsersManage, http.StatusCreated), vendorOf, 404)),
		"DELETE /api/v1/invitations/:id":               r(apiCall(http.MethodDelete, "/invitations/{acmeInvite}", nil), apiRow(P(tenantry.PermUsersManage, noContent), vendorOf, 404)),
		"GET /api/v1/accounts/:id/roles":               r(apiCall(http.MethodGet, "/accounts/{acme}/roles", nil), apiRow(all(ok), vendorOf, 404)),
		"POST /api/v1/accounts/:id/roles":              r(apiCall(http.MethodPost, "/accounts/{acme}/roles", map[string]any{"name": "Matrix role", "permissions": []string{"account.view"}}), apiRow(P(tenantry.PermRolesManage, created), vendorOf, 404)),
		"GET /api/v1/accounts/:id/plans":               r(apiCall(http.MethodGet, "/accounts/{acme}/plans", nil), apiRow(all(ok), vendorOf, 404)),
		"POST /api/v1/accounts/:id/plans": r(apiCall(http.MethodPost, "/accounts/{acme}/plans", map[string]any{"name": "Matrix Plan", "currency": "USD", "audience": "customers",
			"markup_percent": "10", "prices": []map[string]string{{"metric": "instance.small", "unit_price": "0.02"}}}), apiRow(P(tenantry.PermPlansManage, created), vendorOf, 404)),
		// Blue Bakery is on Acme Retail: its staff see the plan it pays
		// (account.view on Blue Bakery) but none may change or copy it
		// (403): plans.manage on Blue Bakery is not on Acme, the plan's owner
		"GET /api/v1/plans/:plan_id":       r(apiCall(http.MethodGet, "/plans/{retailPlan}", nil), apiRow(all(ok), bakery(tenantry.PermAccountView, ok), 404)),
		"PUT /api/v1/plans/:plan_id":       r(apiCall(http.MethodPut, "/plans/{retailPlan}", map[string]string{"name": "Acme Retail 2"}), apiRow(P(tenantry.PermPlansManage, ok), all6(403), 404)),
		"POST /api/v1/plans/:plan_id/copy": r(apiCall(http.MethodPost, "/plans/{retailPlan}/copy", map[string]string{"name": "Acme Retail copy"}), apiRow(P(tenantry.PermPlansManage, created), all6(403), 404)),
		// a customer's current plan: part of its account (account.view);
		// assigning one is the vendor's (customers.manage from above)
		"GET /api/v1/accounts/:id/plan":             r(apiCall(http.MethodGet, "/accounts/{bakery}/plan", nil), apiRow(all(ok), bakery(tenantry.PermAccountView, ok), 404)),
		"PUT /api/v1/accounts/:id/plan":             r(apiCall(http.MethodPut, "/accounts/{bakery}/plan", map[string]string{"plan_id": "{retailPlan}"}), apiRow(P(tenantry.PermCustomersManage, ok), bakery(tenantry.PermCustomersManage, ok), 404)),
		"GET /api/v1/accounts/:id/audit":            r(apiCall(http.MethodGet, "/accounts/{bakery}/audit", nil), apiRow(P(tenantry.PermAuditView, ok), bakery(tenantry.PermAuditView, ok), 404)),
		"GET /api/v1/accounts/:id/infrastructures":  r(apiCall(http.MethodGet, "/accounts/{bakery}/infrastructures", nil), apiRow(P(tenantry.PermInfraView, ok), bakery(tenantry.PermInfraView, ok), 404)),
		"POST /api/v1/accounts/:id/infrastructures": r(apiCall(http.MethodPost, "/accounts/{bakery}/infrastructures", map[string]string{"name": "matrix-infra"}), apiRow(P(tenantry.PermInfraManage, created), bakery(tenantry.PermInfraManage, created), 404)),
		"GET /api/v1/infrastructures/:id":           r(apiCall(http.MethodGet, "/infrastructures/{webProd}", nil), apiRow(P(tenantry.PermInfraView, ok), assigned(tenantry.PermInfraView, ok), 404)),
		"PATCH /api/v1/infrastructures/:id":         r(apiCall(http.MethodPatch, "/infrastructures/{webProd}", map[string]string{"name": "web-prod-2"}), apiRow(P(tenantry.PermInfraManage, ok), assigned(tenantry.PermInfraManage, ok), 404)),
		"DELETE /api/v1/infrastructures/:id":        r(apiCall(http.MethodDelete, "/infrastructures/{sandbox}", nil), apiRow(P(tenantry.PermInfraManage, noContent), unassigned(tenantry.PermInfraManage, noContent), 404)),
		// the all-in-one infrastructure list and the delegates of one: who
		// else has access stays with the owner's staff (AuthorizeInfraOwner)
		"GET /api/v1/infrastructures":                           r(apiCall(http.MethodGet, "/infrastructures", nil), apiRow(all(ok), all6(ok), ok)),
		"GET /api/v1/infrastructures/:id/delegates":             r(apiCall(http.MethodGet, "/infrastructures/{webProd}/delegates", nil), apiRow(P(tenantry.PermInfraView, ok), bakery(tenantry.PermInfraView, ok), 404)),
		"POST /api/v1/infrastructures/:id/delegates":            r(apiCall(http.MethodPost, "/infrastructures/{webProd}/delegates", map[string]string{"email": "mx-new@delegate.example"}), apiRow(P(tenantry.PermInfraManage, http.StatusAccepted), bakery(tenantry.PermInfraManage, http.StatusAccepted), 404)),
		"DELETE /api/v1/infrastructures/:id/delegates/:user_id": r(apiCall(http.MethodDelete, "/infrastructures/{webProd}/delegates/{delegate}", nil), apiRow(P(tenantry.PermInfraManage, noContent), bakery(tenantry.PermInfraManage, noContent), 404)),
		"GET /api/v1/accounts/:id/cost-centers":                 r(apiCall(http.MethodGet, "/accounts/{bakery}/cost-centers", nil), apiRow(P(tenantry.PermInfraView, ok), bakery(tenantry.PermInfraView, ok), 404)),
		"POST /api/v1/accounts/:id/cost-centers":                r(apiCall(http.MethodPost, "/accounts/{bakery}/cost-centers", map[string]string{"name": "Matrix CC"}), apiRow(P(tenantry.PermInfraManage, created), bakery(tenantry.PermInfraManage, created), 404)),
		"PATCH /api/v1/cost-centers/:id":                        r(apiCall(http.MethodPatch, "/cost-centers/{stagingCC}", map[string]string{"name": "Staging 2"}), apiRow(P(tenantry.PermInfraManage, ok), bakery(tenantry.PermInfraManage, ok), 404)),
		"DELETE /api/v1/cost-centers/:id":                       r(apiCall(http.MethodDelete, "/cost-centers/{emptyCC}", nil), apiRow(P(tenantry.PermInfraManage, noContent), bakery(tenantry.PermInfraManage, noContent), 404)),
		// account API keys: made, listed and revoked with account.manage on
		// the key's account (its Owner and Admin, or its vendor's from above)
		"GET /api/v1/accounts/:id/api-keys": r(apiCall(http.MethodGet, "/accounts/{bakery}/api-keys", nil), apiRow(P(tenantry.PermAccountManage, ok), bakery(tenantry.PermAccountManage, ok), 404)),
		"POST /api/v1/accounts/:id/api-keys": r(apiCall(http.MethodPost, "/accounts/{bakery}/api-keys", map[string]any{"name": "Matrix key", "scopes": []string{"read"}}),
			apiRow(P(tenantry.PermAccountManage, created), bakery(tenantry.PermAccountManage, created), 404)),
		"DELETE /api/v1/api-keys/:id": r(apiCall(http.MethodDelete, "/api-keys/{bakeryKey}", nil), apiRow(P(tenantry.PermAccountManage, noContent), bakery(tenantry.PermAccountManage, noContent), 404)),
		// resources of web-prod (its servers webServer and webRunning) and its
		// usage: infra.view to read, infra.manage to change, and the
		// Service user's and the delegate's grant on web-prod allows both
		"GET /api/v1/infrastructures/:id/resources": r(apiCall(http.MethodGet, "/infrastructures/{webProd}/resources", nil), apiRow(P(tenantry.PermInfraView, ok), assigned(tenantry.PermInfraView, ok), 404)),
		"POST /api/v1/infrastructures/:id/resources": r(apiCall(http.MethodPost, "/infrastructures/{webProd}/resources", map[string]string{"type": "server", "name": "mx-new", "metric": "instance.medium"}),
			apiRow(P(tenantry.PermInfraManage, created), assigned(tenantry.PermInfraManage, created), 404)),
		"GET /api/v1/resources/:id":             r(apiCall(http.MethodGet, "/resources/{webServer}", nil), apiRow(P(tenantry.PermInfraView, ok), assigned(tenantry.PermInfraView, ok), 404)),
		"POST /api/v1/resources/:id/start":      r(apiCall(http.MethodPost, "/resources/{webServer}/start", nil), apiRow(P(tenantry.PermInfraManage, ok), assigned(tenantry.PermInfraManage, ok), 404)),
		"POST /api/v1/resources/:id/stop":       r(apiCall(http.MethodPost, "/resources/{webServer}/stop", nil), apiRow(P(tenantry.PermInfraManage, ok), assigned(tenantry.PermInfraManage, ok), 404)),
		"POST /api/v1/resources/:id/resize":     r(apiCall(http.MethodPost, "/resources/{webServer}/resize", map[string]string{"metric": "instance.medium"}), apiRow(P(tenantry.PermInfraManage, ok), assigned(tenantry.PermInfraManage, ok), 404)),
		"DELETE /api/v1/resources/:id":          r(apiCall(http.MethodDelete, "/resources/{webServer}", nil), apiRow(P(tenantry.PermInfraManage, noContent), assigned(tenantry.PermInfraManage, noContent), 404)),
		"GET /api/v1/infrastructures/:id/usage": r(apiCall(http.MethodGet, "/infrastructures/{webProd}/usage", nil), apiRow(P(tenantry.PermInfraView, ok), assigned(tenantry.PermInfraView, ok), 404)),
		// a well-formed batch is 200 for any caller: a record for an
		// infrastructure the caller may not manage is rejected on its own
		// (not_found), as TestUsageIngestAPI checks
		"POST /api/v1/usage": r(apiCall(http.MethodPost, "/usage", map[string]any{"records": []map[string]string{{"infrastructure_id": "{webProd}",
			"metric": "network.egress", "quantity": "1.5", "start": "2024-01-01T00:00:00Z", "end": "2024-01-01T01:00:00Z", "idempotency_key": "matrix"}}}),
			apiRow(all(ok), all6(ok), ok)),
	}
	// The provider panel shares the vendor pages with the reseller panel:
	// each /reseller row has a /provider twin, which only the provider's
	// staff have. Its Owner, whose grant is above Acme's and everything
	// below, gets there what Acme's Owner gets on the reseller page, unless
	// the row's twin says otherwise (objects of Acme's own that the
	// provider panel, the provider's own people and roles, does not list).
	for k, rw := range m {
		p, ok := strings.CutPrefix(k, "GET /reseller")
		if !ok {
			p, ok = strings.CutPrefix(k, "POST /reseller")
		}
		if !ok || rw.own != nil {
			continue
		}
		twin := rw.twin
		if twin == 0 {
			twin = rw.want[sOwner]
		}
		c := rw.call
		c.path = strings.Replace(c.path, "/reseller", "/provider", 1)
		m[strings.SplitN(k, " ", 2)[0]+" /provider"+p] = matrixRow{call: c, want: providerPage(twin)}
	}
	for k, rw := range m {
		for subj := nBase; subj < nSubjects; subj++ {
			if o := extraOverrides[k][subj-nBase]; o != 0 {
				rw.want[subj] = o
			} else if rw.want[subj] == derived {
				c := rw.call
				if rw.own != nil {
					c = rw.own(subj, subjects[subj].email)
				}
				rw.want[subj] = extraStatus(subj, c, rw.want)
			}
		}
		m[k] = rw
	}
	return m
}

// The objects the matrix's paths and forms name, by whose they are.
var (
	bakeryObjects = []string{"{bakery}", "{webProd}", "{sandbox}", "{prodCC}", "{stagingCC}", "{emptyCC}",
		"{bakeryTarget}", "{bakeryInvite}", "{bakeryRole}", "{infraInvite}", "{bakeryKey}", "{webServer}", "{webRunning}"}
	// webProdObjects are web-prod and what is inside it
	webProdObjects = []string{"{webProd}", "{webServer}", "{webRunning}"}
	acmeObjects    = []string{"{acme}", "{retailPlan}", "{target}", "{acmeInvite}", "{supportRole}", "{acmeKey}"}
)

// names reports whether the call names one of the objects.
func (c call) names(objects ...string) bool {
	j, _ := jsonString(c.json)
	text := c.path + " " + c.form.Encode() + " " + j
	text, _ = url.QueryUnescape(text)
	return slices.ContainsFunc(objects, func(o string) bool { return strings.Contains(text, o) })
}

func under(path string, prefixes ...string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return path == p || strings.HasPrefix(path, p+"/") })
}

// extraStatus is the rule for the subjects the rows do not spell out,
// from the statuses of those they do:
//   - Cobalt Law's Owner, Blue Bakery's sibling, gets what Blue Bakery's
//     Owner gets on its own account, and 404 for every object of Blue
//     Bakery's, of Acme's or of Beta's;
//   - Beta's Admin, staff of a sub-reseller, gets on its reseller panel
//     and the API what Acme's Admin gets on theirs, 404 for Acme's and Blue
//     Bakery's objects, and has no customer or provider panel;
//   - web-prod's delegate, with no account here, gets for web-prod what
//     the Service user (who is assigned web-prod) gets, 404 for any other
//     object, and has no panel at all;
//   - Acme's Owner acting on behalf of Blue Bakery gets in the end-user
//     panel what Blue Bakery's Owner gets; the scope is narrowed to Blue
//     Bakery, so Acme's own panel (and the provider's) is 404, but for its
//     pages, a 303 to the acted-for panel; elsewhere it
//     gets what Acme's Owner gets (its API token does not act for anyone).
func extraStatus(subj int, c call, want st) int {
	panels := []string{"/reseller", "/provider", "/app"}
	isAPI := strings.HasPrefix(c.path, "/api/")
	switch subj {
	case sSibling:
		if c.names(append(append(bakeryObjects, acmeObjects...), "{beta}")...) {
			return http.StatusNotFound
		}
		return want[sCust]
	case sSubStaff:
		if c.names(append(bakeryObjects, acmeObjects...)...) || (!isAPI && under(c.path, "/app", "/provider")) {
			return http.StatusNotFound
		}
		return want[sAdmin]
	case sDelegate:
		if c.names(webProdObjects...) && !under(c.path, panels...) {
			return want[sCService]
		}
		if c.names(append(append(bakeryObjects, acmeObjects...), "{beta}")...) || (!isAPI && under(c.path, panels...)) {
			return http.StatusNotFound
		}
		return want[sCService]
	case sActing:
		if !isAPI && under(c.path, "/app") {
			return want[sCust]
		}
		if !isAPI && under(c.path, "/reseller", "/provider") {
			// narrowed to Blue Bakery: Acme's own panel is out of reach; its
			// pages lead back to the acted-for panel
			if c.method == http.MethodGet && under(c.path, "/reseller") {
				return http.StatusSeeOther
			}
			return http.StatusNotFound
		}
		return want[sOwner]
	}
	panic("no rule for subject " + subjectNames[subj])
}

// extraOverrides are the exceptions to extraStatus, by route, for the
// subjects from nBase on (0: the rule holds).
var extraOverrides = map[string][nSubjects - nBase]int{
	// Cobalt Law pays Acme Retail too: its Owner reads the plan and may
	// not change it, as Blue Bakery's Owner
	"GET /api/v1/plans/:plan_id":       {200},
	"PUT /api/v1/plans/:plan_id":       {403},
	"POST /api/v1/plans/:plan_id/copy": {403},
	// Beta's domains and depth are its vendor's to set: Beta's own staff
	// see Beta (403 on the API), and the reseller panel lists only the
	// accounts below its own (404)
	// the reseller panel's outbox is the mail of the domain's own tenant:
	// Beta's staff, in Beta's panel on acme.localhost, read none of Acme's
	"GET /reseller/outbox":                       {0, 404},
	"POST /api/v1/accounts/:id/domains":          {0, 403},
	"DELETE /api/v1/accounts/:id/domains/:fqdn":  {0, 403},
	"GET /reseller/accounts/:id/service":         {0, 404},
	"POST /reseller/accounts/:id/domain":         {0, 404},
	"POST /reseller/accounts/:id/domains":        {0, 404},
	"POST /reseller/accounts/:id/domains/remove": {0, 404},
	"POST /reseller/accounts/:id/depth":          {0, 404},
	// a usage batch is well-formed whoever posts it: its record for
	// web-prod is rejected on its own (200), not the batch
	"POST /api/v1/usage": {200, 200},
	// the delegate has no account to choose: the one it names is not its own
	"POST /choose": {0, 0, 404},
}

func routeKey(method, path string) string { return method + " " + path }

// TestRouteMatrixCoversEveryRoute fails when a route is registered
// without a row, and when a row names a route that no longer exists.
func TestRouteMatrixCoversEveryRoute(t *testing.T) {
	f := newFixture(t)
	rows := matrixRows()
	registered := map[string]bool{}
	for _, rt := range f.srv.Routes() {
		if rt.Method == "echo_route_not_found" {
			continue // Echo's own 404 fallbacks for groups, not routes
		}
		k := routeKey(rt.Method, rt.Path)
		registered[k] = true
		if _, ok := matrixSkip["* "+rt.Path]; ok {
			continue
		}
		if _, ok := matrixSkip[k]; ok {
			continue
		}
		if _, ok := rows[k]; !ok {
			t.Errorf("route %s has no entry in the matrix (add one to matrixRows, or a reason to matrixSkip)", k)
		}
	}
	for k := range rows {
		if !registered[k] {
			t.Errorf("matrix entry %s names no registered route", k)
		}
	}
	for k := range extraOverrides {
		if !registered[k] {
			t.Errorf("override %s names no registered route", k)
		}
	}
	for k := range matrixSkip {
		if !strings.HasPrefix(k, "* ") && !registered[k] {
			t.Errorf("skip entry %s names no registered route", k)
		}
	}
}

// matrixEnv is what every case starts from: a snapshot of the demo database
// with the matrix's members, sessions and tokens in it, and each subject's
// cookies, token and CSRF token.
type matrixEnv struct {
	snapshot string
	state    []string // dbState of the snapshot
	ids      map[string]string
	cookies  [nSubjects]map[string]map[string]*http.Cookie
	tokens   [nSubjects]string
	csrf     [nSubjects]string
	// the foreign user's session cookie and token replayed on acme.localhost
	hereCookies map[string]map[string]*http.Cookie
	hereToken   string
	hereCSRF    string
}

func newMatrixEnv(t *testing.T) *matrixEnv {
	t.Helper()
	ctx := context.Background()
	f := newFixtureWithMembers(t,
		auditMember{"Acme Hosting", "mx-admin@acme.example", tenantry.RoleAdmin},
		auditMember{"Acme Hosting", "mx-ops@acme.example", tenantry.RoleOps},
		auditMember{"Acme Hosting", "mx-billing@acme.example", tenantry.RoleBilling},
		auditMember{"Acme Hosting", "mx-viewer@acme.example", tenantry.RoleViewer},
		// the member whose role the users pages change or remove
		auditMember{"Acme Hosting", "mx-target@acme.example", tenantry.RoleViewer},
		auditMember{"Blue Bakery", "mx-baker@bluebakery.example", tenantry.RoleViewer},
		// Blue Bakery's staff by role, and a service user
		auditMember{"Blue Bakery", "mx-admin@bluebakery.example", tenantry.RoleAdmin},
		auditMember{"Blue Bakery", "mx-ops@bluebakery.example", tenantry.RoleOps},
		auditMember{"Blue Bakery", "mx-billing@bluebakery.example", tenantry.RoleBilling},
		auditMember{"Blue Bakery", "mx-viewer@bluebakery.example", tenantry.RoleViewer},
		auditMember{"Blue Bakery", "mx-service@bluebakery.example", tenantry.RoleService},
		// staff of the sub-reseller Beta Resale
		auditMember{"Beta Resale", "mx-admin@beta.example", tenantry.RoleAdmin},
	)
	env := &matrixEnv{ids: map[string]string{}}
	id := env.ids
	for k, name := range map[string]string{"acme": "Acme Hosting", "beta": "Beta Resale", "bakery": "Blue Bakery",
		"cobalt": "Cobalt Law", "orbit": "Orbit IT", "delta": "Delta Freight", "nimbus": "Nimbus Cloud"} {
		id[k] = f.accountID(name)
	}
	acmeAdmin := f.scope("acme.localhost", "admin@acme.example")
	plans, err := acmeAdmin.Plans(ctx, id["acme"], store.PlanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if p.Name == "Acme Retail" {
			id["retailPlan"] = p.ID
		}
	}
	roles, err := acmeAdmin.Roles(ctx, id["acme"])
	if err != nil || len(roles) == 0 {
		t.Fatalf("Acme's roles: %v %v", roles, err)
	}
	id["supportRole"] = roles[0].ID
	id["webProd"] = f.infraID(t, "Blue Bakery", "web-prod")
	id["sandbox"] = f.infraID(t, "Blue Bakery", "sandbox")
	id["prodCC"] = f.costCenterID(t, "Blue Bakery", "Production")
	id["stagingCC"] = f.costCenterID(t, "Blue Bakery", "Staging")
	for k, email := range map[string]string{"target": "mx-target@acme.example", "bakeryTarget": "mx-baker@bluebakery.example",
		"delegate": "admin@beta.example"} {
		u, err := f.db.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		id[k] = u.ID
	}
	links := mail.Links{Scheme: "http"}
	inv, err := acmeAdmin.Invite(ctx, id["acme"], "pending@matrix.example", tenantry.RoleViewer, links)
	if err != nil || inv.Invitation == nil {
		t.Fatalf("invite to Acme: %+v %v", inv, err)
	}
	id["acmeInvite"] = inv.Invitation.ID
	link := invitationPath.FindStringSubmatch(f.mailTo("pending@matrix.example").Text)
	if link == nil {
		t.Fatal("no invitation link")
	}
	id["inviteToken"] = strings.TrimPrefix(link[2], "/invitations/")
	bakeryOwner := f.scope("acme.localhost", "owner@bluebakery.example")
	inv, err = bakeryOwner.Invite(ctx, id["bakery"], "pending@bakery.example", tenantry.RoleViewer, links)
	if err != nil || inv.Invitation == nil {
		t.Fatalf("invite to Blue Bakery: %+v %v", inv, err)
	}
	id["bakeryInvite"] = inv.Invitation.ID
	role, err := bakeryOwner.CreateRole(ctx, id["bakery"], tenantry.RoleInput{Name: "Bakery auditor", Permissions: []string{"account.view", "audit.view"}})
	if err != nil {
		t.Fatal(err)
	}
	id["bakeryRole"] = role.ID
	cc, err := bakeryOwner.CreateCostCenter(ctx, id["bakery"], tenantry.CostCenterInput{Name: "Empty"})
	if err != nil {
		t.Fatal(err)
	}
	id["emptyCC"] = cc.ID
	// an API key of each, for the revoke rows
	bk, _, err := bakeryOwner.CreateAPIKey(ctx, id["bakery"], tenantry.APIKeyInput{Name: "Bakery key", Scopes: []string{tenantry.ScopeRead}})
	if err != nil {
		t.Fatal(err)
	}
	id["bakeryKey"] = bk.ID
	ak, _, err := acmeAdmin.CreateAPIKey(ctx, id["acme"], tenantry.APIKeyInput{Name: "Acme key", Scopes: []string{tenantry.ScopeUsageWrite}})
	if err != nil {
		t.Fatal(err)
	}
	id["acmeKey"] = ak.ID
	// Beta's admin (who signs in on acme.localhost) is a delegate of
	// web-prod; someone new is invited to it
	if _, err := bakeryOwner.AddInfraDelegate(ctx, id["webProd"], "admin@beta.example", links); err != nil {
		t.Fatal(err)
	}
	f.acceptInvitation("admin@beta.example", store.DemoPassword) // invited like anyone; a delegate once accepted
	inv, err = bakeryOwner.AddInfraDelegate(ctx, id["webProd"], "pending-delegate@matrix.example", links)
	if err != nil || inv.Invitation == nil {
		t.Fatalf("invite a delegate of web-prod: %+v %v", inv, err)
	}
	id["infraInvite"] = inv.Invitation.ID
	// web-prod, and nothing else, is assigned to the service user
	if res, err := bakeryOwner.AddInfraDelegate(ctx, id["webProd"], "mx-service@bluebakery.example", links); err != nil || res.Granted == nil {
		t.Fatalf("assign web-prod to the service user: %+v %v", res, err)
	}
	// web-prod holds a stopped server and a running one (of a metric
	// the catalogue rows do not change)
	for k, in := range map[string]tenantry.NewResource{
		"webServer":  {Type: tenantry.ResourceServer, Name: "mx-web", Metric: "instance.medium"},
		"webRunning": {Type: tenantry.ResourceServer, Name: "mx-running", Metric: "instance.medium", Start: true},
	} {
		res, err := bakeryOwner.CreateResource(ctx, id["webProd"], in)
		if err != nil {
			t.Fatal(err)
		}
		id[k] = res.ID
	}
	// someone from outside, with no account here, accepts an invitation
	// to web-prod: its delegate
	if _, err := bakeryOwner.AddInfraDelegate(ctx, id["webProd"], "mx-delegate@partner.example", links); err != nil {
		t.Fatal(err)
	}
	dlink := invitationPath.FindStringSubmatch(f.mailTo("mx-delegate@partner.example").Text)
	if dlink == nil {
		t.Fatal("no invitation mail to the delegate")
	}
	if r := f.browser("acme.localhost").submit(dlink[2], dlink[2], url.Values{"name": {"Mx Delegate"},
		"password": {store.DemoPassword}, "confirm": {store.DemoPassword}}); r.Code != http.StatusSeeOther {
		t.Fatalf("the delegate accepts = %d: %s", r.Code, excerpt(r.body))
	}
	id["logo"] = string(pngImage(t, 64, 64, false))

	for s := range nSubjects {
		b := f.browser(subjects[s].host)
		page := "/forgot-password"
		if e := subjects[s].email; e != "" {
			b.login(e)
			env.tokens[s] = b.token(e)
			page = "/profile"
		}
		if s == sActing {
			at := "/reseller/accounts/" + id["bakery"]
			if r := b.submit(at, at+"/act-as", url.Values{"reason": {"route matrix"}}); r.Code != http.StatusSeeOther {
				t.Fatalf("act on behalf of Blue Bakery = %d", r.Code)
			}
		}
		env.csrf[s] = b.csrf(page)
		env.cookies[s] = b.cookies
	}
	// Orbit's admin replays its session cookie and token on acme.localhost
	here := f.browser("acme.localhost")
	here.get("/forgot-password") // a CSRF nonce of its own, as any visitor has
	for _, c := range env.cookies[sForeign]["orbit.localhost"] {
		if !strings.Contains(c.Name, "csrf") {
			here.cookies["acme.localhost"][c.Name] = c
		}
	}
	env.hereCSRF = here.csrf("/forgot-password")
	env.hereCookies = here.cookies
	env.hereToken = env.tokens[sForeign]

	env.snapshot = filepath.Join(t.TempDir(), "matrix.db")
	if err := f.db.Backup(ctx, env.snapshot); err != nil {
		t.Fatal(err)
	}
	env.state = dbState(t, env.snapshot)
	return env
}

// fixture opens a private copy of the snapshot; path is its file.
func (env *matrixEnv) fixture(t *testing.T) (f *fixture, path string) {
	t.Helper()
	b, err := os.ReadFile(env.snapshot)
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.CreateTemp(t.TempDir(), "case-*.db")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := file.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), file.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv := web.New(db, web.Config{SessionKey: []byte(strings.Repeat("k", 32)),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return &fixture{t: t, db: db, srv: srv}, file.Name()
}

// volatileColumns change on any signed-in request (a session seen, a
// token used) and are left out of dbState.
var volatileColumns = map[string][]string{
	"sessions":   {"data", "last_seen_at", "expires_at"},
	"api_tokens": {"last_used_at"},
}

// dbState dumps every row of every table sqlite_master lists (so a table
// added later is covered without anyone remembering), one line per row,
// for telling that a refused write changed nothing at all.
func dbState(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return dbtest.Rows(t, db, volatileColumns)
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func cloneJar(j map[string]map[string]*http.Cookie) map[string]map[string]*http.Cookie {
	out := map[string]map[string]*http.Cookie{}
	for h, m := range j {
		out[h] = maps.Clone(m)
	}
	return out
}

// who is a subject as a case runs it: a browser on a fixture, a token and
// a CSRF token.
type who struct {
	b           *browser
	token, csrf string
}

func (env *matrixEnv) who(f *fixture, subj int, here bool) who {
	if here {
		b := f.browser("acme.localhost")
		b.cookies = cloneJar(env.hereCookies)
		return who{b, env.hereToken, env.hereCSRF}
	}
	b := f.browser(subjects[subj].host)
	b.cookies = cloneJar(env.cookies[subj])
	return who{b, env.tokens[subj], env.csrf[subj]}
}

func (env *matrixEnv) fill(s string) string {
	for k, v := range env.ids {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

func (env *matrixEnv) do(w who, c call) *response {
	path := env.fill(c.path)
	switch {
	case c.ctype != "":
		req, _ := http.NewRequest(c.method, path, strings.NewReader(env.fill(c.body)))
		req.Header.Set("Content-Type", c.ctype)
		if w.token != "" {
			req.Header.Set("Authorization", "Bearer "+w.token)
		}
		return w.b.do(req)
	case strings.HasPrefix(path, "/api/"):
		var body any
		if c.json != nil {
			j, _ := jsonString(c.json)
			body = env.fill(j)
		}
		return w.b.api(c.method, path, w.token, body)
	case c.method == http.MethodGet:
		return w.b.get(path)
	case c.method == http.MethodHead:
		return w.b.do(httptest.NewRequest(http.MethodHead, path, nil))
	default:
		form := url.Values{}
		for k, vs := range c.form {
			for _, v := range vs {
				form.Add(k, env.fill(v))
			}
		}
		form.Set("_csrf", w.csrf)
		return w.b.post(path, form)
	}
}

// needsLogin reports whether a page path is behind requireLogin.
func needsLogin(path string) bool {
	for _, p := range []string{"/reseller", "/provider", "/app", "/profile", "/choose"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// TestRouteMatrix calls every route of the matrix as every subject. Reads
// share one copy of the database per subject; each state-changing call
// gets a fresh copy, so no call sees another's effects.
func TestRouteMatrix(t *testing.T) {
	env := newMatrixEnv(t)
	rows := matrixRows()
	keys := slices.Sorted(maps.Keys(rows))
	type subj struct {
		name string
		s    int
		here bool
	}
	var subs []subj
	for s := range nSubjects {
		subs = append(subs, subj{subjectNames[s], s, false})
	}
	// Orbit's admin replaying its cookie and token on acme.localhost is,
	// there, nobody: the same answers as the anonymous visitor.
	subs = append(subs, subj{"ForeignOnAcme", sAnon, true})
	for _, sb := range subs {
		t.Run(sb.name, func(t *testing.T) {
			t.Parallel()
			reads, _ := env.fixture(t)
			for _, k := range keys {
				rw := rows[k]
				if rw.own != nil && sb.here {
					continue // own credentials: Orbit's on acme.localhost are plain wrong credentials
				}
				c := rw.call
				if rw.own != nil {
					c = rw.own(sb.s, subjects[sb.s].email)
				}
				f, path := reads, ""
				if c.method != http.MethodGet {
					f, path = env.fixture(t)
				}
				r := env.do(env.who(f, sb.s, sb.here), c)
				if f != reads {
					f.db.Close()
				}
				want := rw.want[sb.s]
				if path != "" && r.Code >= 400 && r.Code == want {
					// a refused write changes nothing, audit log included
					if after := dbState(t, path); !slices.Equal(after, env.state) {
						diff := dbtest.Changed(env.state, after)
						t.Errorf("%s as %s: refused with %d, but the database changed:\n%s", k, sb.name, r.Code,
							strings.Join(diff[:min(len(diff), 10)], "\n"))
					}
				}
				if r.Code != want {
					body := r.body
					if len(body) > 300 || !strings.HasPrefix(body, "{") {
						body = "" // pages: the status says enough
					}
					t.Errorf("%s as %s: %s %s = %d, want %d %s", k, sb.name, c.method, env.fill(c.path), r.Code, want, body)
					continue
				}
				if c.method == http.MethodGet {
					// HEAD answers wherever GET does, as GET does, without a body
					head := c
					head.method = http.MethodHead
					h := env.do(env.who(f, sb.s, sb.here), head)
					for _, hk := range []string{"Content-Type", "Location", "Cache-Control"} {
						if h.Header().Get(hk) != r.Header().Get(hk) {
							t.Errorf("%s as %s: HEAD %s: %s %q, GET's %q", k, sb.name, env.fill(c.path), hk, h.Header().Get(hk), r.Header().Get(hk))
						}
					}
					if h.Code != r.Code || h.body != "" {
						t.Errorf("%s as %s: HEAD %s = %d with %d bytes, want GET's %d and no body", k, sb.name, env.fill(c.path), h.Code, len(h.body), r.Code)
					}
				}
				if want == http.StatusSeeOther && sb.s == sAnon && needsLogin(c.path) && !strings.HasPrefix(r.location(), "/login") {
					t.Errorf("%s as %s: redirects to %q, want /login", k, sb.name, r.location())
				}
			}
		})
	}
}

// TestAPIUnknownPathNotFound: an API path that names no route is 404,
// with a token or without one; the authenticated group's 401 is for its
// routes only.
func TestAPIUnknownPathNotFound(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	token := b.token("admin@acme.example")
	for _, path := range []string{"/api/v1", "/api/v1/no-such-thing", "/api/v1/accounts/x/no-such-thing"} {
		for _, tok := range []string{"", token} {
			if r := b.api(http.MethodGet, path, tok, nil); r.Code != http.StatusNotFound {
				t.Errorf("GET %s (token %t) = %d, want 404 %s", path, tok != "", r.Code, r.body)
			}
		}
	}
}
