package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// auditLog is the demo platform with a known set of events, written at
// auditNow (long after the demo's own events, which the default window
// therefore leaves out).
type auditLog struct {
	*fixture
	now time.Time
}

var auditNow = time.Date(2031, 1, 15, 12, 0, 0, 0, time.UTC)

func newAuditLog(t *testing.T) *auditLog {
	t.Helper()
	ctx := context.Background()
	f := newDemo(t)
	l := &auditLog{fixture: f, now: auditNow}
	f.db.Now = func() time.Time { return l.now }

	// each write a second after the previous one, so that the expected
	// order is plain (TestAuditEventsPaging checks ties)
	touch := func(s *Scope, account string) {
		t.Helper()
		l.now = l.now.Add(time.Second)
		email := "audit-" + time.Now().Format("150405.000000000") + "@example.test"
		if _, err := s.UpdateAccount(ctx, f.id(t, account), tenantry.AccountUpdate{ContactEmail: &email}); err != nil {
			t.Fatalf("touch %s: %v", account, err)
		}
	}
	login := func(host, email, action string) {
		t.Helper()
		l.now = l.now.Add(time.Second)
		userID := ""
		if action != "login.failed" {
			userID = f.user(t, email).ID
		}
		if err := f.db.RecordLogin(ctx, f.tenant(t, host), userID, email, action, "test", testIP); err != nil {
			t.Fatal(err)
		}
	}
	// a month and a day ago: outside the default window
	l.now = auditNow.Add(-31*24*time.Hour - time.Second)
	touch(f.acme(t), "Blue Bakery")
	l.now = auditNow.Add(-time.Hour)
	if err := f.provider(t).SetResellersEnabled(ctx, true); err != nil { // on the provider itself
		t.Fatal(err)
	}
	touch(f.provider(t), "Orbit IT")
	touch(f.provider(t), "Acme Hosting") // the vendor's change on Acme: Acme sees it
	touch(f.acme(t), "Blue Bakery")
	touch(f.scope(t, "beta.localhost", "admin@beta.example"), "Gamma Labs")
	touch(f.scope(t, "beta.localhost", "admin@beta.example"), "Beta Resale")
	touch(f.scope(t, "orbit.localhost", "admin@orbit.example"), "Delta Freight")
	l.now = auditNow.Add(-time.Minute)
	login("portal.localhost", "admin@acme.example", "login") // the platform's log, not Acme's
	login("acme.localhost", "admin@acme.example", "login")
	login("acme.localhost", "intruder@evil.example", "login.failed")
	login("beta.localhost", "admin@beta.example", "login")
	login("orbit.localhost", "admin@orbit.example", "login")
	l.now = auditNow
	return l
}

// key names an event by account and action, for comparing lists.
func auditKeys(evs []tenantry.AuditEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.AccountName + " " + e.Action + " " + e.ActorEmail
	}
	return out
}

func TestAuditEventsSubtree(t *testing.T) {
	ctx := context.Background()
	l := newAuditLog(t)

	tests := []struct {
		name, host, email, account string
		want                       []string // newest first
	}{
		{"Provider", "portal.localhost", "admin@nimbus.example", "Nimbus Cloud", []string{
			"Orbit IT login admin@orbit.example",
			"Beta Resale login admin@beta.example",
			"Acme Hosting login.failed intruder@evil.example",
			"Acme Hosting login admin@acme.example",
			"Nimbus Cloud login admin@acme.example",
			"Delta Freight account.update admin@orbit.example",
			"Beta Resale account.update admin@beta.example",
			"Gamma Labs account.update admin@beta.example",
			"Blue Bakery account.update admin@acme.example",
			"Acme Hosting account.update admin@nimbus.example",
			"Orbit IT account.update admin@nimbus.example",
			"Nimbus Cloud settings.update admin@nimbus.example",
		}},
		// Acme sees Beta's and its customers' events and its vendor's
		// change on Acme itself (without the vendor's name on acme's
		// domain); never Orbit's, nor the provider's own, nor its own
		// staff's login on the platform domain (the platform's log)
		{"Acme", "acme.localhost", "admin@acme.example", "Acme Hosting", []string{
			"Beta Resale login admin@beta.example",
			"Acme Hosting login.failed intruder@evil.example",
			"Acme Hosting login admin@acme.example",
			"Beta Resale account.update admin@beta.example",
			"Gamma Labs account.update admin@beta.example",
			"Blue Bakery account.update admin@acme.example",
			"Acme Hosting account.update your vendor's staff",
		}},
		{"AcmeOnPlatform", "portal.localhost", "admin@acme.example", "Acme Hosting", []string{
			"Beta Resale login admin@beta.example",
			"Acme Hosting login.failed intruder@evil.example",
			"Acme Hosting login admin@acme.example",
			"Beta Resale account.update admin@beta.example",
			"Gamma Labs account.update admin@beta.example",
			"Blue Bakery account.update admin@acme.example",
			"Acme Hosting account.update admin@nimbus.example",
		}},
		// a vendor reads one account of its subtree alone
		{"AcmeReadsBeta", "acme.localhost", "admin@acme.example", "Beta Resale", []string{
			"Beta Resale login admin@beta.example",
			"Beta Resale account.update admin@beta.example",
			"Gamma Labs account.update admin@beta.example",
		}},
		{"Beta", "beta.localhost", "admin@beta.example", "Beta Resale", []string{
			"Beta Resale login admin@beta.example",
			"Beta Resale account.update admin@beta.example",
			"Gamma Labs account.update admin@beta.example",
		}},
		{"Orbit", "orbit.localhost", "admin@orbit.example", "Orbit IT", []string{
			"Orbit IT login admin@orbit.example",
			"Delta Freight account.update admin@orbit.example",
			"Orbit IT account.update your vendor's staff",
		}},
		{"Customer", "acme.localhost", "owner@bluebakery.example", "Blue Bakery", []string{
			"Blue Bakery account.update admin@acme.example",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := l.scope(t, tt.host, tt.email).AuditEvents(ctx, l.id(t, tt.account), AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := auditKeys(page.Items); !slices.Equal(got, tt.want) {
				t.Errorf("events =\n%q\nwant\n%q", got, tt.want)
			}
			if page.Total != len(tt.want) || page.NextCursor != "" {
				t.Errorf("total, next = %d, %q; want %d, none", page.Total, page.NextCursor, len(tt.want))
			}
		})
	}

	// the actor filter matches what is shown: on a reseller's domain the
	// masked vendor staff are found by the label, never by their address
	for _, tt := range []struct {
		name, host, actor string
		want              int
	}{
		{"AcmeByProviderEmail", "acme.localhost", "nimbus", 0},
		{"AcmeByProviderFullEmail", "acme.localhost", "admin@nimbus.example", 0},
		{"AcmeByLabel", "acme.localhost", "vendor's staff", 1},
		{"AcmeByOwnStaff", "acme.localhost", "admin@acme", 2},
		{"PlatformByProviderEmail", "portal.localhost", "nimbus", 1},
	} {
		t.Run("ActorFilter/"+tt.name, func(t *testing.T) {
			page, err := l.scope(t, tt.host, "admin@acme.example").AuditEvents(ctx, l.id(t, "Acme Hosting"), AuditFilter{Actor: tt.actor})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != len(page.Items) || page.Total != tt.want {
				t.Errorf("actor %q on %s: total %d, items %q; want %d", tt.actor, tt.host, page.Total, auditKeys(page.Items), tt.want)
			}
		})
	}

	t.Run("EventFields", func(t *testing.T) {
		page, err := l.acme(t).AuditEvents(ctx, l.id(t, "Gamma Labs"), AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 {
			t.Fatalf("got %d events, want 1", len(page.Items))
		}
		got := page.Items[0]
		if got.ID == "" || got.At.Before(auditNow.Add(-time.Hour)) || got.At.After(auditNow.Add(-time.Minute)) || got.ActorID != l.user(t, "admin@beta.example").ID ||
			got.AccountID != l.id(t, "Gamma Labs") || got.ObjectType != "account" || got.ObjectID != got.AccountID ||
			got.IP != testIP || got.ActingAsID != "" || got.Summary == "" {
			t.Errorf("event = %+v", got)
		}
	})

	t.Run("OutOfReach", func(t *testing.T) {
		for _, c := range []struct{ host, email, account string }{
			{"acme.localhost", "admin@acme.example", "Nimbus Cloud"},
			{"portal.localhost", "admin@acme.example", "Nimbus Cloud"},
			{"acme.localhost", "admin@acme.example", "Orbit IT"},
			{"beta.localhost", "admin@beta.example", "Acme Hosting"},
			{"acme.localhost", "owner@bluebakery.example", "Acme Hosting"},
			{"acme.localhost", "owner@bluebakery.example", "Cobalt Law"},
		} {
			_, err := l.scope(t, c.host, c.email).AuditEvents(ctx, l.id(t, c.account), AuditFilter{})
			if tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
				t.Errorf("%s on %s reads %s: error = %v, want not found", c.email, c.host, c.account, err)
			}
		}
	})
}

func TestAuditEventsFilter(t *testing.T) {
	ctx := context.Background()
	l := newAuditLog(t)
	acme := l.id(t, "Acme Hosting")
	tests := []struct {
		name string
		f    AuditFilter
		want []string
	}{
		{"ActionFamily", AuditFilter{Action: "login"}, []string{
			"Beta Resale login admin@beta.example",
			"Acme Hosting login.failed intruder@evil.example",
			"Acme Hosting login admin@acme.example",
		}},
		{"ActionExact", AuditFilter{Action: "login.failed"}, []string{
			"Acme Hosting login.failed intruder@evil.example",
		}},
		// a prefix that is not a whole family matches nothing
		{"ActionPartialWord", AuditFilter{Action: "log"}, nil},
		{"ActorSubstring", AuditFilter{Actor: "BETA.example"}, []string{
			"Beta Resale login admin@beta.example",
			"Beta Resale account.update admin@beta.example",
			"Gamma Labs account.update admin@beta.example",
		}},
		{"ObjectType", AuditFilter{ObjectType: "session"}, []string{
			"Beta Resale login admin@beta.example",
			"Acme Hosting login.failed intruder@evil.example",
			"Acme Hosting login admin@acme.example",
		}},
		{"Combined", AuditFilter{Action: "account", Actor: "acme"}, []string{
			"Blue Bakery account.update admin@acme.example",
		}},
		// the window: the default leaves out the month-old change, an
		// explicit start takes it in; To is inclusive
		{"From", AuditFilter{From: auditNow.Add(-40 * 24 * time.Hour), Action: "account", Actor: "acme"}, []string{
			"Blue Bakery account.update admin@acme.example",
			"Blue Bakery account.update admin@acme.example",
		}},
		{"ToInclusive", AuditFilter{From: auditNow.Add(-40 * 24 * time.Hour), To: auditNow.Add(-31 * 24 * time.Hour)}, []string{
			"Blue Bakery account.update admin@acme.example",
		}},
		{"ToAlone", AuditFilter{To: auditNow.Add(-2 * time.Hour)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := l.acme(t).AuditEvents(ctx, acme, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := auditKeys(page.Items); !slices.Equal(got, tt.want) {
				t.Errorf("events =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestAuditEventsWindow(t *testing.T) {
	ctx := context.Background()
	l := newAuditLog(t)
	acme := l.id(t, "Acme Hosting")
	t.Run("Default", func(t *testing.T) {
		page, err := l.acme(t).AuditEvents(ctx, acme, AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if !page.To.Equal(auditNow) || !page.From.Equal(auditNow.Add(-30*24*time.Hour)) {
			t.Errorf("window = %s – %s, want the 30 days before %s", page.From, page.To, auditNow)
		}
	})
	for _, tt := range []struct {
		name string
		f    AuditFilter
	}{
		{"FromAfterTo", AuditFilter{From: auditNow.Add(-time.Hour), To: auditNow.Add(-2 * time.Hour)}},
		{"OverAYear", AuditFilter{From: auditNow.AddDate(-1, 0, -2), To: auditNow}},
		{"FromOverAYearAgo", AuditFilter{From: auditNow.AddDate(-2, 0, 0)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := l.acme(t).AuditEvents(ctx, acme, tt.f)
			e := wantKind(t, err, tenantry.EINVALID)
			if e.Fields["from"] == "" {
				t.Errorf("fields = %v, want one on from", e.Fields)
			}
		})
	}
	t.Run("AYear", func(t *testing.T) {
		// a whole calendar year, ends included, is allowed
		from := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := l.acme(t).AuditEvents(ctx, acme, AuditFilter{From: from, To: from.AddDate(1, 0, 0).Add(-time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAuditEventsPaging(t *testing.T) {
	ctx := context.Background()
	l := newAuditLog(t)
	provider := l.id(t, "Nimbus Cloud")
	// five events in one millisecond: pages must break ties by id
	l.now = auditNow.Add(-30 * time.Second)
	for range 5 {
		if err := l.db.RecordLogin(ctx, l.tenant(t, "portal.localhost"), "", "guess@evil.example", "login.failed",
			"test", testIP); err != nil {
			t.Fatal(err)
		}
	}
	l.now = auditNow
	all, err := l.provider(t).AuditEvents(ctx, provider, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []tenantry.AuditEvent
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		page, err := l.provider(t).AuditEvents(ctx, provider, AuditFilter{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != all.Total {
			t.Errorf("page total = %d, want %d", page.Total, all.Total)
		}
		if len(page.Items) > 2 {
			t.Fatalf("page of %d, want at most 2", len(page.Items))
		}
		got = append(got, page.Items...)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(all.Items) != 17 {
		t.Fatalf("unpaged list has %d events, want 17", len(all.Items))
	}
	ids := func(evs []tenantry.AuditEvent) []string {
		out := make([]string, len(evs))
		for i, e := range evs {
			out[i] = e.ID
		}
		return out
	}
	if !slices.Equal(ids(got), ids(all.Items)) {
		t.Errorf("paged ids %v\nwant      %v", ids(got), ids(all.Items))
	}
	for i := 1; i < len(got); i++ {
		if got[i].At.After(got[i-1].At) {
			t.Errorf("event %d is newer than event %d", i, i-1)
		}
	}
	t.Run("BadCursor", func(t *testing.T) {
		for _, c := range []string{"!!", "bm9jb2xvbg", "MTIzOg"} {
			_, err := l.provider(t).AuditEvents(ctx, provider, AuditFilter{Cursor: c})
			if e := wantKind(t, err, tenantry.EINVALID); e.Fields["cursor"] == "" {
				t.Errorf("cursor %q: fields = %v", c, e.Fields)
			}
		}
	})
}

// TestAuditEventsRoles checks that reading the log takes audit.view: a
// Viewer has it, Ops does not.
func TestAuditEventsRoles(t *testing.T) {
	ctx := context.Background()
	l := newAuditLog(t)
	l.addMember(t, "Acme Hosting", "viewer@acme.example", tenantry.RoleViewer)
	l.addMember(t, "Acme Hosting", "ops@acme.example", tenantry.RoleOps)
	acme := l.id(t, "Acme Hosting")

	page, err := l.scope(t, "acme.localhost", "viewer@acme.example").AuditEvents(ctx, acme, AuditFilter{})
	if err != nil {
		t.Fatalf("Viewer: %v", err)
	}
	if page.Total != 7 {
		t.Errorf("Viewer reads %d events, want 7", page.Total)
	}
	_, err = l.scope(t, "acme.localhost", "ops@acme.example").AuditEvents(ctx, acme, AuditFilter{})
	wantKind(t, err, tenantry.EFORBIDDEN)
}

// On a reseller's domain, events made from above the reseller (the
// provider's staff) are listed without naming them: the provider behind
// the brand never shows there.
func TestAuditHidesTheVendorChain(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	// the demo's own events are the system scope's (system:demo): a change
	// by the provider's staff is made here, to be hidden and named
	if _, err := f.provider(t).UpdateAccount(ctx, f.id(t, "Acme Hosting"),
		tenantry.AccountUpdate{ContactEmail: ptr("billing@acme.example")}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct{ host, email, account string }{
		{"acme.localhost", "admin@acme.example", "Acme Hosting"},
		{"acme.localhost", "owner@bluebakery.example", "Blue Bakery"},
	} {
		page, err := f.scope(t, v.host, v.email).AuditEvents(ctx, f.id(t, v.account), AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 {
			t.Fatalf("%s sees no events", v.email)
		}
		for _, e := range page.Items {
			if strings.Contains(e.ActorEmail+e.Summary, "nimbus") || strings.Contains(e.ActorEmail+e.Summary, "Nimbus") {
				t.Errorf("%s sees %q / %q", v.email, e.ActorEmail, e.Summary)
			}
		}
	}
	// the provider's own domain shows who did what
	page, err := f.provider(t).AuditEvents(ctx, f.id(t, "Acme Hosting"), AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, e := range page.Items {
		named = named || e.ActorEmail == "admin@nimbus.example"
	}
	if !named {
		t.Error("the platform's log hides its own staff")
	}
}
