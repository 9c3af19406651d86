package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// dbMethods accounts for every exported *DB method, the way
// TestScopeForeignTenant accounts for Scope's (after coder's dbauthz
// setup_test.go): tenant data is reached through a Scope or a SystemScope,
// so a method here must say in one line why it may do without one. A new
// method fails TestDBMethodsAccounted until it gets a decision.
var dbMethods = map[string]string{
	// the doors themselves
	"Scope":  "the scoped door: binds tenant and actor to every method (TestScopeForeignTenant)",
	"System": "the door for work no person starts: a named reason its audit events carry (TestSystemScope)",

	// the database itself
	"Migrate": "schema: applies the embedded migrations at start",
	"Close":   "lifecycle: closes the pools",
	"Backup":  "operations: a consistent copy of the whole file for the backup command",
	"RawUsageInserts": "make bench's floor under ingestion: synthetic rows into a scratch database, " +
		"no tenant data read (TestRawUsageInserts)",

	// finding the scope of a request
	"TenantByHost":     "resolves a request's tenant from its Host: how a scope is found",
	"ActorFor":         "builds the actor a scope is bound to, with only the grants usable on the tenant",
	"UserByID":         "sign-in and sessions: the user behind a session or token, no tenant data",
	"UserByEmail":      "sign-in: the user behind a typed address, no tenant data",
	"SaveSession":      "session store: keyed by the secret session id; web checks the tenant on every request",
	"SessionByID":      "session store: keyed by the secret session id; web checks the tenant on every request",
	"DeleteSession":    "session store: keyed by the secret session id",
	"DeleteExpired":    "session store: housekeeping of expired sessions on every tenant",
	"APITokenUser":     "bearer sign-in on the tenant: a token issued on another tenant is ENOTFOUND",
	"RecordLogin":      "audits a sign-in or sign-out on the tenant, where no scope exists yet or any more",
	"RecordFailure":    "throttle buckets, keyed by the caller (address, IP), no tenant data",
	"Failures":         "throttle buckets, keyed by the caller (address, IP), no tenant data",
	"SecretOrCreate":   "process secrets (the session key) read at start",
	"PendingReason":    "sign-in: why a signed-up user's account is not active yet, for that account only",
	"TouchAPIToken":    "bearer sign-in on the tenant: records a token's last use, ENOTFOUND-silent elsewhere",
	"APIKeyActor":      "bearer sign-in on the tenant with an account API key: a key made on another tenant is ENOTFOUND (TestAPIKeys)",
	"TouchAPIKey":      "bearer sign-in: records the last use of a key APIKeyActor just accepted on the tenant",
	"IsEmpty":          "first start: whether the platform exists yet, before any tenant does",
	"InitPlatform":     "first start: creates the provider, its domain and admin, before any tenant exists",
	"ResellersEnabled": "platform-wide switch every tenant's pages read; writing it is Scope.SetResellersEnabled",
	"Metrics":          "the platform's metric catalogue, the same for every tenant; writing it is Scope.SaveMetric",

	// anonymous pages on a tenant's domain, bounded to that tenant
	"Branding":             "public: a vendor's brand dresses every page on its domains, signed in or not",
	"Logo":                 "public: a vendor's logo is served on its domains to anyone",
	"Favicon":              "public: a vendor's favicon is served on its domains to anyone",
	"SignupSettings":       "anonymous sign-up page on the tenant: the tenant's own settings",
	"SignUp":               "anonymous sign-up on the tenant, below the tenant only",
	"VerifyEmail":          "a sign-up's one-time link on the tenant that issued it",
	"RequestPasswordReset": "anonymous reset request on the tenant, for users who sign in there",
	"ResetPassword":        "a reset's one-time link on the tenant that issued it",
	"UserByToken":          "a one-time link on the tenant that issued it (ENOTFOUND elsewhere)",
	"InvitationByToken":    "an invitation's link on the tenant that issued it (ENOTFOUND elsewhere)",
	"AcceptInvitation":     "an invitation's link on the tenant that issued it, before its holder has a scope there",
	"LeaveDelegation":      "the delegate's own side, bounded to the tenant's subtree (TestLeaveDelegationBoundToTenant)",
	"LeaveInfraDelegation": "the delegate's own side, bounded to the tenant's subtree (TestInfraDelegates/DelegateLeaves)",

	// the signed-in user's own profile, sessions and tokens
	"Me": "the signed-in user's own profile, sessions and tokens, bound to tenant and user (TestProfileAPITokens)",
}

func TestDBMethodsAccounted(t *testing.T) {
	typ := reflect.TypeFor[*DB]()
	methods := map[string]bool{}
	for i := range typ.NumMethod() {
		m := typ.Method(i).Name
		methods[m] = true
		why, ok := dbMethods[m]
		switch {
		case !ok:
			t.Errorf("DB.%s is not accounted for: reach tenant data through Scope or SystemScope, "+
				"or add it to dbMethods with a one-line reason why it needs neither", m)
		case strings.TrimSpace(why) == "" || strings.Contains(why, "\n"):
			t.Errorf("dbMethods[%s] gives no one-line reason", m)
		}
	}
	for m := range dbMethods {
		if !methods[m] {
			t.Errorf("dbMethods names DB.%s, which does not exist: drop it", m)
		}
	}
}

// TestDBMethodsTakeTheTenant: an unscoped method that works on a tenant
// takes the *tenantry.Tenant the request resolved, never a tenant id
// string that a caller could fill with anything (the profile's methods are
// moving to a value bound to tenant and user, and are left to that move).
func TestDBMethodsTakeTheTenant(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || !isDBReceiver(fn.Recv) {
				continue
			}
			seen++
			for _, p := range fn.Type.Params.List {
				for _, n := range p.Names {
					if strings.EqualFold(n.Name, "tenantID") {
						t.Errorf("%s: DB.%s takes a tenant id string (%s): take the *tenantry.Tenant instead",
							fset.Position(fn.Pos()), fn.Name.Name, n.Name)
					}
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("found no exported DB method in the package's files")
	}
}

func isDBReceiver(r *ast.FieldList) bool {
	if len(r.List) != 1 {
		return false
	}
	star, ok := r.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "DB"
}
