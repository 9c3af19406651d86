package web_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/web"
)

// auditMember is a staff member added to a demo account for a test.
type auditMember struct {
	account, email string
	role           tenantry.Role
}

// newFixtureWithMembers is newFixture with extra staff members who sign in
// with the demo password. No exported store method adds a member with a
// password yet, so they are written with SQL into the copy before the
// portal opens it.
func newFixtureWithMembers(t *testing.T, members ...auditMember) *fixture {
	t.Helper()
	b, err := os.ReadFile(templateDB)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		id := tenantry.NewID("usr")
		if _, err := raw.Exec(`INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
			SELECT ?, ?, 'Test member', password_hash, 0, 0 FROM users WHERE email = 'admin@acme.example'`,
			id, m.email); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO memberships (account_id, user_id, role, created_at)
			SELECT id, ?, ?, 0 FROM accounts WHERE name = ?`, id, string(m.role), m.account); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv := web.New(db, web.Config{SessionKey: []byte(strings.Repeat("k", 32)),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return &fixture{t: t, db: db, srv: srv}
}

// auditEvents writes a few events the tests look for: a change on a
// customer of Acme, one on a customer of Orbit, a failed login on Acme's
// domain with a formula for an email, and a login by Acme's admin on the
// platform domain, which belongs to the platform's log.
func auditEvents(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	for _, c := range []struct{ host, email, account, contact string }{
		{"acme.localhost", "admin@acme.example", "Blue Bakery", "orders@bluebakery.example"},
		{"acme.localhost", "admin@acme.example", "Cobalt Law", "desk@cobaltlaw.example"},
		{"orbit.localhost", "admin@orbit.example", "Delta Freight", "ops@delta.example"},
	} {
		contact := c.contact
		if _, err := f.scope(c.host, c.email).UpdateAccount(ctx, f.accountID(c.account),
			tenantry.AccountUpdate{ContactEmail: &contact}); err != nil {
			t.Fatal(err)
		}
	}
	acme, err := f.db.TenantByHost(ctx, "acme.localhost")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.RecordLogin(ctx, acme, "", "=1+1@evil.example", "login.failed", "wrong password", "203.0.113.5"); err != nil {
		t.Fatal(err)
	}
	platform := f.browser("portal.localhost")
	platform.ip = "198.51.100.77"
	platform.login("admin@acme.example")
}

func TestAuditLogPage(t *testing.T) {
	f := newFixture(t)
	auditEvents(t, f)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")

	t.Run("InNav", func(t *testing.T) {
		r := b.get("/reseller")
		if !strings.Contains(r.body, `href="/reseller/audit" data-testid="nav-audit"`) {
			t.Fatalf("the reseller panel's navigation has no audit log link: %s", excerpt(r.body))
		}
	})

	t.Run("Subtree", func(t *testing.T) {
		r := b.get("/reseller/audit")
		if r.Code != http.StatusOK {
			t.Fatalf("status %d: %s", r.Code, excerpt(r.body))
		}
		for _, want := range []string{"orders@bluebakery.example", "desk@cobaltlaw.example", "=1+1@evil.example", `data-testid="audit-table"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the log lacks %q", want)
			}
		}
		// Orbit's events and the platform's log are not Acme's
		for _, not := range []string{"ops@delta.example", "admin@orbit.example", "198.51.100.77"} {
			if strings.Contains(r.body, not) {
				t.Errorf("the log shows %q", not)
			}
		}
		if _, ok := byTestID(r.body, "audit-export"); !ok {
			t.Error("no Export CSV link")
		}
	})

	t.Run("Filters", func(t *testing.T) {
		r := b.get("/reseller/audit?action=login.failed")
		if r.Code != http.StatusOK {
			t.Fatalf("status %d", r.Code)
		}
		if got := strings.Count(r.body, `data-testid="audit-row-`); got != 1 || !strings.Contains(r.body, "=1+1@evil.example") {
			t.Errorf("action=login.failed shows %d rows, want the failed login only", got)
		}
		if v, _ := byTestID(r.body, "audit-total"); v != "1 event" {
			t.Errorf("total = %q", v)
		}
		r = b.get("/reseller/audit?actor=ADMIN%40acme&action=account.update")
		if got := strings.Count(r.body, `data-testid="audit-row-`); got != 2 || strings.Contains(r.body, "evil.example") {
			t.Errorf("actor and action filters show %d rows, want Acme's two changes", got)
		}
		if !strings.Contains(r.body, `value="ADMIN@acme"`) {
			t.Error("the actor filter is not kept in its input")
		}
		r = b.get("/reseller/audit?actor=nobody-at-all")
		if _, ok := byTestID(r.body, "audit-empty"); !ok {
			t.Errorf("no empty state for a filter that matches nothing")
		}
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		r = b.get("/reseller/audit?from=" + tomorrow + "&to=" + tomorrow)
		if _, ok := byTestID(r.body, "audit-empty"); !ok || r.Code != http.StatusOK {
			t.Errorf("events show from tomorrow on")
		}
	})

	t.Run("BadDates", func(t *testing.T) {
		for _, q := range []string{"from=yesterday", "from=2026-03-02&to=2026-03-01", "from=2020-01-01&to=2026-01-01", "to=2026-13-01"} {
			r := b.get("/reseller/audit?" + q)
			if r.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", q, r.Code)
			}
			_, from := byTestID(r.body, "error-from")
			_, to := byTestID(r.body, "error-to")
			if !from && !to {
				t.Errorf("%s: no field error", q)
			}
		}
	})

	t.Run("ExportCSV", func(t *testing.T) {
		r := b.get("/reseller/audit/export?action=login")
		if r.Code != http.StatusOK {
			t.Fatalf("status %d: %s", r.Code, excerpt(r.body))
		}
		if ct := r.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := r.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="audit-log-`) {
			t.Errorf("Content-Disposition = %q", cd)
		}
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := []string{"id", "at", "actor_id", "actor_email", "acting_as_account_id", "account_id", "account_name",
			"action", "object_type", "object_id", "summary", "ip"}
		if len(rows) < 3 || !slices.Equal(rows[0], header) {
			t.Fatalf("rows = %q", rows)
		}
		var formula bool
		for _, row := range rows[1:] {
			if row[7] != "login" && row[7] != "login.failed" {
				t.Errorf("action filter ignored: %q", row)
			}
			if row[11] == "198.51.100.77" {
				t.Errorf("the platform's login is in Acme's export: %q", row)
			}
			formula = formula || row[3] == "'=1+1@evil.example"
			if strings.HasPrefix(row[3], "=") {
				t.Errorf("formula not defused: %q", row[3])
			}
		}
		if !formula {
			t.Error("the failed login is missing from the export")
		}
		if r := b.get("/reseller/audit/export?from=nope"); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("bad date: status %d, want 422", r.Code)
		}
	})

	t.Run("Provider", func(t *testing.T) {
		p := f.browser("portal.localhost")
		p.login("admin@nimbus.example")
		r := p.get("/provider/audit")
		if r.Code != http.StatusOK || !strings.Contains(r.body, "ops@delta.example") || !strings.Contains(r.body, "198.51.100.77") {
			t.Errorf("the provider's log lacks Orbit's change or the platform's login (status %d)", r.Code)
		}
		if !strings.Contains(r.body, `data-testid="nav-audit"`) {
			t.Error("no audit log in the provider's navigation")
		}
	})

	t.Run("Customer", func(t *testing.T) {
		c := f.browser("acme.localhost")
		c.login("owner@bluebakery.example")
		r := c.get("/app")
		if !strings.Contains(r.body, `href="/app/audit" data-testid="nav-audit"`) {
			t.Fatal("no audit log in the end-user panel's navigation")
		}
		r = c.get("/app/audit")
		if r.Code != http.StatusOK {
			t.Fatalf("status %d: %s", r.Code, excerpt(r.body))
		}
		if !strings.Contains(r.body, "orders@bluebakery.example") {
			t.Error("the customer does not see the change on its account")
		}
		for _, not := range []string{"desk@cobaltlaw.example", "evil.example", "ops@delta.example"} {
			if strings.Contains(r.body, not) {
				t.Errorf("the customer sees %q", not)
			}
		}
	})
}

// TestAuditLogRoles checks audit.view: a Viewer reads the log, Ops does
// not, in the panel and through the API.
func TestAuditLogRoles(t *testing.T) {
	f := newFixtureWithMembers(t,
		auditMember{"Acme Hosting", "viewer@acme.example", tenantry.RoleViewer},
		auditMember{"Acme Hosting", "ops@acme.example", tenantry.RoleOps})
	acme := f.accountID("Acme Hosting")
	for _, c := range []struct {
		email string
		want  int
	}{
		{"viewer@acme.example", http.StatusOK},
		{"ops@acme.example", http.StatusForbidden},
		{"admin@acme.example", http.StatusOK},
	} {
		t.Run(c.email, func(t *testing.T) {
			b := f.browser("acme.localhost")
			b.login(c.email)
			if r := b.get("/reseller/audit"); r.Code != c.want {
				t.Errorf("page: status %d, want %d", r.Code, c.want)
			}
			if r := b.get("/reseller/audit/export"); r.Code != c.want {
				t.Errorf("export: status %d, want %d", r.Code, c.want)
			}
			if r := b.api(http.MethodGet, "/api/v1/accounts/"+acme+"/audit", b.token(c.email), nil); r.Code != c.want {
				t.Errorf("API: status %d, want %d", r.Code, c.want)
			}
		})
	}
}

func TestAPIAudit(t *testing.T) {
	f := newFixture(t)
	auditEvents(t, f)
	b := f.browser("acme.localhost")
	token := b.token("admin@acme.example")
	acme := f.accountID("Acme Hosting")
	path := "/api/v1/accounts/" + acme + "/audit"

	t.Run("Shape", func(t *testing.T) {
		r := b.api(http.MethodGet, path+"?action=login.failed", token, nil)
		if r.Code != http.StatusOK {
			t.Fatalf("status %d: %s", r.Code, r.body)
		}
		var body map[string]any
		decode(t, r, &body)
		if got := slices.Sorted(maps.Keys(body)); !slices.Equal(got, []string{"items", "next_cursor"}) || body["next_cursor"] != nil {
			t.Errorf("body = %v", body)
		}
		items, _ := body["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("items = %v, want the one failed login", items)
		}
		item := items[0].(map[string]any)
		want := []string{"account_id", "acting_as", "action", "actor", "at", "id", "ip", "object_id", "object_type", "summary"}
		if got := slices.Sorted(maps.Keys(item)); !slices.Equal(got, want) {
			t.Errorf("item keys = %v, want %v", got, want)
		}
		actor, _ := item["actor"].(map[string]any)
		if got := slices.Sorted(maps.Keys(actor)); !slices.Equal(got, []string{"email", "id"}) ||
			actor["email"] != "=1+1@evil.example" || actor["id"] != nil {
			t.Errorf("actor = %v", actor)
		}
		if item["acting_as"] != nil || item["account_id"] != acme || item["action"] != "login.failed" ||
			item["ip"] != "203.0.113.5" || item["object_type"] != "session" || item["summary"] != "wrong password" {
			t.Errorf("item = %v", item)
		}
		if at, err := time.Parse(time.RFC3339, item["at"].(string)); err != nil || time.Since(at) > time.Hour {
			t.Errorf("at = %v (%v)", item["at"], err)
		}
	})

	t.Run("Paging", func(t *testing.T) {
		type page struct {
			Items []struct {
				ID    string
				Actor struct{ Email string }
			}
			NextCursor *string `json:"next_cursor"`
		}
		var all page
		decode(t, b.api(http.MethodGet, path+"?limit=500", token, nil), &all)
		if len(all.Items) < 4 {
			t.Fatalf("only %d events", len(all.Items))
		}
		var ids []string
		q := "?limit=3"
		for range 100 {
			var p page
			r := b.api(http.MethodGet, path+q, token, nil)
			if r.Code != http.StatusOK {
				t.Fatalf("status %d: %s", r.Code, r.body)
			}
			decode(t, r, &p)
			for _, it := range p.Items {
				ids = append(ids, it.ID)
			}
			if p.NextCursor == nil {
				break
			}
			q = "?limit=3&cursor=" + *p.NextCursor
		}
		var want []string
		for _, it := range all.Items {
			want = append(want, it.ID)
			if it.Actor.Email == "admin@orbit.example" {
				t.Errorf("Orbit's event in Acme's log")
			}
		}
		if !slices.Equal(ids, want) {
			t.Errorf("paged ids = %v\nwant %v", ids, want)
		}
	})

	t.Run("Dates", func(t *testing.T) {
		today := time.Now().UTC().Format(time.DateOnly)
		for _, q := range []string{"from=" + today, "from=" + today + "&to=" + today,
			"from=" + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)} {
			var p struct{ Items []any }
			r := b.api(http.MethodGet, path+"?"+q, token, nil)
			if r.Code != http.StatusOK {
				t.Fatalf("%s: status %d: %s", q, r.Code, r.body)
			}
			if decode(t, r, &p); len(p.Items) == 0 {
				t.Errorf("%s: no events", q)
			}
		}
		for q, field := range map[string]string{
			"from=2026-02-30":               "from",
			"to=soon":                       "to",
			"from=2026-03-02&to=2026-03-01": "from",
			"from=2024-01-01&to=2026-01-01": "from",
			"limit=0":                       "limit",
			"cursor=%21%21":                 "cursor",
		} {
			r := b.api(http.MethodGet, path+"?"+q, token, nil)
			var e apiErr
			decode(t, r, &e)
			if r.Code != http.StatusUnprocessableEntity || e.Error.Fields[field] == "" {
				t.Errorf("%s: status %d, fields %v; want 422 on %s", q, r.Code, e.Error.Fields, field)
			}
		}
	})

	t.Run("ForeignAccount", func(t *testing.T) {
		for _, name := range []string{"Orbit IT", "Delta Freight", "Nimbus Cloud"} {
			r := b.api(http.MethodGet, "/api/v1/accounts/"+f.accountID(name)+"/audit", token, nil)
			var e apiErr
			decode(t, r, &e)
			if r.Code != http.StatusNotFound || e.Error.Code != tenantry.ENOTFOUND {
				t.Errorf("%s: status %d, code %q; want 404", name, r.Code, e.Error.Code)
			}
		}
		r := b.api(http.MethodGet, "/api/v1/accounts/acc_doesnotexist234567abcdef/audit", token, nil)
		if r.Code != http.StatusNotFound {
			t.Errorf("absent: status %d", r.Code)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		r := b.api(http.MethodGet, path+"?format=csv&actor=evil", token, nil)
		if r.Code != http.StatusOK || r.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("status %d, Content-Type %q", r.Code, r.Header().Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0][0] != "id" || rows[1][3] != "'=1+1@evil.example" {
			t.Errorf("rows = %q", rows)
		}
	})

	t.Run("Anonymous", func(t *testing.T) {
		if r := b.api(http.MethodGet, path, "", nil); r.Code != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", r.Code)
		}
	})
}

// TestAuditLogReadable checks the log page reads as words: a settings
// change is described, objects are named with their ids in a title, a
// change by the vendor's masked staff is still described, and no other
// tenant's (nor the provider's) names appear.
func TestAuditLogReadable(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acme := f.accountID("Acme Hosting")
	as := f.scope("acme.localhost", "admin@acme.example")
	plans, err := as.Plans(ctx, acme, store.PlanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	retail := ""
	for _, p := range plans {
		if p.Name == "Acme Retail" {
			retail = p.ID
		}
	}
	off, on := false, true
	for _, in := range []tenantry.SettingsUpdate{
		{SignupEnabled: &off, DefaultPlanID: tenantry.OptionalString{Set: true}},
		{SignupEnabled: &on, DefaultPlanID: tenantry.OptionalString{Set: true, Value: retail}},
	} {
		if _, err := as.UpdateSettings(ctx, acme, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"Acme Hosting", "Orbit IT"} {
		contact := "billing@" + strings.Fields(strings.ToLower(name))[0] + ".example"
		if _, err := f.scope("portal.localhost", "admin@nimbus.example").UpdateAccount(ctx, f.accountID(name),
			tenantry.AccountUpdate{ContactEmail: &contact}); err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	r := b.get("/reseller/audit?action=settings.update")
	if r.Code != http.StatusOK {
		t.Fatalf("status %d: %s", r.Code, excerpt(r.body))
	}

	t.Run("SettingsInWords", func(t *testing.T) {
		if v, _ := byTestID(r.body, "audit-summary"); v != "Sign-up turned on; default plan set to Acme Retail" {
			t.Errorf("summary = %q", v)
		}
		if v, _ := byTestID(r.body, "audit-action"); v != "Settings changed" {
			t.Errorf("action = %q", v)
		}
	})

	t.Run("NameReplacesID", func(t *testing.T) {
		want := `data-testid="audit-object" title="` + acme + `">account Acme Hosting</td>`
		if !strings.Contains(r.body, want) {
			t.Errorf("the object is not named with its id in a title: %s", excerpt(r.body))
		}
	})

	t.Run("MaskedActorChangeDescribed", func(t *testing.T) {
		r := b.get("/reseller/audit?action=account.update&actor=vendor")
		if v, _ := byTestID(r.body, "audit-actor"); html.UnescapeString(v) != store.VendorStaff {
			t.Errorf("actor = %q, want %q", v, store.VendorStaff)
		}
		if v, _ := byTestID(r.body, "audit-summary"); !strings.Contains(v, "billing@acme.example") {
			t.Errorf("summary = %q: the vendor's change is not described", v)
		}
	})

	t.Run("NoForeignNames", func(t *testing.T) {
		all := b.get("/reseller/audit").body
		for _, not := range []string{"Nimbus", "nimbus", "Orbit", "billing@orbit.example"} {
			if strings.Contains(all, not) {
				t.Errorf("Acme's log shows %q", not)
			}
		}
		o := f.browser("orbit.localhost")
		o.login("admin@orbit.example")
		body := o.get("/reseller/audit").body
		if !strings.Contains(body, "billing@orbit.example") {
			t.Error("Orbit's log lacks its vendor's change")
		}
		for _, not := range []string{"Acme", acme, retail, "Nimbus", "nimbus"} {
			if strings.Contains(body, not) {
				t.Errorf("Orbit's log shows %q", not)
			}
		}
	})
}

// The audit log pages by cursor (as the outbox does, through the same
// cursorPager); Newer leads back one page,
// not only to the newest (issue 10 item 18: Previous as well as Next).
func TestAuditPagerNewer(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	acme := f.accountID("Acme Hosting")
	as := f.scope("acme.localhost", "admin@acme.example")
	for i := range 2*50 + 5 {
		prefix := fmt.Sprintf("PG%02d", i)
		if _, err := as.UpdateSettings(ctx, acme, tenantry.SettingsUpdate{InvoicePrefix: &prefix}); err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	rows := regexp.MustCompile(`data-testid="audit-row-([^"]+)"`)
	ids := func(body string) []string {
		var out []string
		for _, m := range rows.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	href := func(body, id string) string {
		m := regexp.MustCompile(`href="([^"]+)"[^>]*data-testid="` + id + `"`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	first := b.get("/reseller/audit?action=settings")
	if first.Code != http.StatusOK || href(first.body, "pager-prev") != "" || href(first.body, "pager-first") != "" {
		t.Fatalf("first page = %d, or it offers Newer/Newest", first.Code)
	}
	second := b.get(href(first.body, "pager-next"))
	third := b.get(href(second.body, "pager-next"))
	if len(ids(third.body)) == 0 {
		t.Fatalf("no third page: %s", excerpt(third.body))
	}
	newer := href(third.body, "pager-prev")
	if !strings.Contains(newer, "action=settings") {
		t.Fatalf("Newer on page 3 = %q, want page 2 with the filter kept", newer)
	}
	if got, want := ids(b.get(newer).body), ids(second.body); !slices.Equal(got, want) {
		t.Errorf("Newer from page 3 shows %d events starting %v, want page 2", len(got), got[:min(1, len(got))])
	}
	// Orbit's log is short: no pager at all
	o := f.browser("orbit.localhost")
	o.login("admin@orbit.example")
	if r := o.get("/reseller/audit"); href(r.body, "pager-prev") != "" || href(r.body, "pager-next") != "" {
		t.Error("Orbit's short log offers paging")
	}
}
