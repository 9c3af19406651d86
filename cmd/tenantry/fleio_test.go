package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserFleioWorkflow replays, in real Chromium, the provider's and
// the reseller's workflow of the Fleio reseller documents on a platform
// fresh from `tenantry init`: the provider switches the reseller programme
// on, builds a catalogue and a wholesale plan, creates the reseller "Zen
// Cloud", gives it the plan and zen.localhost; Zen's admin signs in on its
// own domain, brands it, makes a retail plan and opens sign-up; a visitor
// signs up there, confirms through the mail the provider's Outgoing mail
// lists, signs in and sees Zen's name and colours and nothing of Nimbus;
// and the new customer sits under Zen, not under the provider.
func TestBrowserFleioWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	db := filepath.Join(t.TempDir(), "fleio.db")
	const ownerPW = "nimbus-owner-2026"
	if _, stderr, err := runCmd(t, env("TENANTRY_ADMIN_PASSWORD", ownerPW), "init", "--db", db,
		"--platform-domain", "portal.localhost", "--provider-name", "Nimbus Cloud", "--admin-email", "ops@nimbus.example"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	port := startServer(t, "--db", db, "--demo=false")
	portal := "http://portal.localhost:" + port
	zen := "http://zen.localhost:" + port
	browser := newBrowser(t)

	text := func(t *testing.T, tab context.Context, id string) string {
		t.Helper()
		return strings.TrimSpace(read(t, tab, "reading "+id, chromedp.Text(testid(id))))
	}
	noNimbus := func(t *testing.T, tab context.Context, where string) {
		t.Helper()
		if html := read(t, tab, "reading "+where, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, "Nimbus") {
			t.Errorf("%s names the provider", where)
		}
	}
	// selectIndex picks an option of a select by position, when its value
	// is an opaque id the test does not know.
	selectIndex := func(id string, i int) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('[data-testid="` + id +
			`"]'); s.selectedIndex = ` + string(rune('0'+i)) + `; })()`)
	}
	provider := browser
	// each step builds on the one before: stop at the first that fails
	ok := true

	ok = ok && t.Run("ProviderSetsUpTheReseller", func(t *testing.T) {
		tab := provider
		do(t, tab, "signing in as the provider's first admin",
			chromedp.Navigate(portal+"/login"), login("ops@nimbus.example", ownerPW), chromedp.WaitVisible(testid("nav")))

		do(t, tab, "opening the settings", chromedp.Click(testid("nav-settings")), chromedp.WaitVisible(testid("resellers-state")))
		if got := text(t, tab, "resellers-state"); !strings.Contains(got, "off") {
			t.Fatalf("after init the reseller programme reads %q, want off", got)
		}
		do(t, tab, "turning the reseller programme on",
			chromedp.Click(testid("toggle-resellers")), chromedp.WaitVisible(testid("flash")))
		if got := text(t, tab, "resellers-state"); !strings.Contains(got, "on") {
			t.Fatalf("the reseller programme reads %q, want on", got)
		}

		do(t, tab, "adding two metrics to the catalogue",
			chromedp.Click(testid("nav-metrics")), chromedp.WaitVisible(testid("metric-form")),
			chromedp.SendKeys(testid("input-key"), "instance.small"),
			chromedp.SendKeys(testid("input-name"), "Small instance"),
			chromedp.Click(testid("metric-add")), chromedp.WaitVisible(testid("metric-instance.small")),
			chromedp.SendKeys(testid("input-key"), "storage.block"),
			chromedp.SendKeys(testid("input-name"), "Block storage"),
			chromedp.SetValue(testid("input-unit"), "GB-hour"),
			chromedp.Click(testid("metric-add")), chromedp.WaitVisible(testid("metric-storage.block")))

		do(t, tab, "creating the wholesale plan",
			chromedp.Click(testid("nav-plans")), chromedp.WaitVisible(testid("new-plan")),
			chromedp.Click(testid("new-plan")), chromedp.WaitVisible(testid("plan-form")),
			chromedp.SendKeys(testid("input-name"), "Zen Wholesale"),
			chromedp.SetValue(testid("input-audience"), "resellers"),
			chromedp.SendKeys(testid("input-prices.instance.small"), "0.012"),
			chromedp.SendKeys(testid("input-prices.storage.block"), "0.0001"),
			chromedp.Click(testid("plan-save")), chromedp.WaitVisible(testid("flash")))

		do(t, tab, "creating the reseller client Zen Cloud",
			chromedp.Click(testid("nav-new-account")), chromedp.WaitVisible(testid("account-form")),
			chromedp.SetValue(testid("input-kind"), "reseller"),
			chromedp.SendKeys(testid("input-name"), "Zen Cloud"),
			chromedp.SendKeys(testid("input-contact_email"), "hello@zen.example"),
			chromedp.SendKeys(testid("input-owner.name"), "Zed Zen"),
			chromedp.SendKeys(testid("input-owner.email"), "admin@zen.example"),
			chromedp.SendKeys(testid("input-owner.password"), "still-water-garden-7"),
			chromedp.Click(testid("account-submit")), chromedp.WaitVisible(testid("account-created")),
			chromedp.Click(testid("open-account")), chromedp.WaitVisible(testid("open-service")),
			chromedp.Click(testid("open-service")), chromedp.WaitVisible(testid("plan-assign")))

		do(t, tab, "giving Zen the wholesale plan", chromedp.Click(testid("plan-assign-submit")), chromedp.WaitVisible(testid("current-plan")))
		if got := text(t, tab, "current-plan"); got != "Zen Wholesale" {
			t.Errorf("Zen's wholesale plan reads %q", got)
		}
		do(t, tab, "setting the end user panel URL",
			chromedp.SendKeys(testid("input-fqdn"), "zen.localhost"),
			chromedp.Click(testid("domain-save")), chromedp.WaitVisible(testid("panel-url")))
		if got := text(t, tab, "panel-url"); got != zen+"/" {
			t.Errorf("end user panel URL reads %q, want %s/", got, zen)
		}
	})

	zenAdmin := newIncognito(t, browser)
	ok = ok && t.Run("ResellerConfiguresItsFrontend", func(t *testing.T) {
		tab := zenAdmin
		do(t, tab, "signing in at zen.localhost/reseller",
			chromedp.Navigate(zen+"/reseller"), login("admin@zen.example", "still-water-garden-7"), chromedp.WaitVisible(testid("nav")))
		if got := read(t, tab, "location", chromedp.Location()); got != zen+"/reseller" {
			t.Errorf("after signing in: at %s, want %s/reseller", got, zen)
		}
		if got := text(t, tab, "brand"); got != "Zen Cloud" {
			t.Errorf("brand = %q, want Zen Cloud", got)
		}
		noNimbus(t, tab, "Zen's dashboard")

		do(t, tab, "branding Zen",
			chromedp.Click(testid("nav-branding")), chromedp.WaitVisible(testid("branding-form")),
			chromedp.SetValue(testid("input-primary_color"), "#0b6e4f"),
			chromedp.SetValue(testid("input-accent_color"), "#f59e0b"),
			chromedp.SendKeys(testid("input-footer_text"), "Zen Cloud, calm computing"),
			chromedp.Click(testid("branding-submit")), chromedp.WaitVisible(testid("flash")))

		do(t, tab, "creating a retail plan",
			chromedp.Click(testid("nav-plans")), chromedp.WaitVisible(testid("new-plan")),
			chromedp.Click(testid("new-plan")), chromedp.WaitVisible(testid("plan-form")),
			chromedp.SendKeys(testid("input-name"), "Zen Basic"),
			chromedp.SendKeys(testid("input-prices.instance.small"), "0.020"),
			chromedp.SendKeys(testid("input-prices.storage.block"), "0.00018"),
			chromedp.Click(testid("plan-save")), chromedp.WaitVisible(testid("flash")))
		if got := text(t, tab, "wholesale-note"); !strings.Contains(got, "Zen Wholesale") {
			t.Errorf("the editor does not show what Zen pays: %q", got)
		}
		noNimbus(t, tab, "Zen's plan editor")

		do(t, tab, "opening sign-up with the retail plan as default",
			chromedp.Click(testid("nav-settings")), chromedp.WaitVisible(testid("settings-form")),
			chromedp.Click(testid("input-signup_enabled")),
			selectIndex("input-default_plan_id", 1),
			chromedp.Click(testid("settings-save")), chromedp.WaitVisible(testid("flash")))
	})

	visitor := newIncognito(t, browser)
	ok = ok && t.Run("VisitorSignsUp", func(t *testing.T) {
		tab := visitor
		do(t, tab, "signing up at zen.localhost/signup",
			chromedp.Navigate(zen+"/signup"), chromedp.WaitVisible(testid("signup-form")))
		if got := text(t, tab, "brand"); got != "Zen Cloud" {
			t.Errorf("sign-up brand = %q", got)
		}
		noNimbus(t, tab, "Zen's sign-up page")
		do(t, tab, "filling the sign-up form",
			chromedp.SendKeys(testid("input-company"), "Calm Co"),
			chromedp.SendKeys(testid("input-name"), "Cal Calm"),
			chromedp.SendKeys(testid("input-email"), "cal@calm.example"),
			chromedp.SendKeys(testid("input-password"), "calm-and-collected-9"),
			chromedp.Click(testid("input-accept_terms")),
			chromedp.Click(testid("signup-submit")), chromedp.WaitVisible(testid("signup-sent")))
		noNimbus(t, tab, "the check-your-email page")
	})

	var verifyURL string
	ok = ok && t.Run("MailShownInTheOutbox", func(t *testing.T) {
		tab := provider
		do(t, tab, "opening the outgoing mail",
			chromedp.Navigate(portal+"/provider/outbox"), chromedp.WaitVisible(testid("outbox-table")))
		if got := text(t, tab, "outbox-to"); got != "cal@calm.example" {
			t.Fatalf("newest mail is to %q", got)
		}
		if got := text(t, tab, "outbox-brand"); got != "Zen Cloud" {
			t.Errorf("the mail's brand is %q, want Zen Cloud", got)
		}
		do(t, tab, "opening the mail", chromedp.Click(testid("outbox-subject")), chromedp.WaitVisible(testid("outbox-links")))
		verifyURL = text(t, tab, "outbox-link")
		if !strings.HasPrefix(verifyURL, zen+"/verify/") {
			t.Fatalf("verification link = %q, want one on %s", verifyURL, zen)
		}
	})

	ok = ok && t.Run("CustomerConfirmsAndSignsIn", func(t *testing.T) {
		tab := visitor
		do(t, tab, "confirming the email",
			chromedp.Navigate(verifyURL), chromedp.WaitVisible(testid("verify-submit")),
			chromedp.Click(testid("verify-submit")), chromedp.WaitVisible(testid("verified-active")))
		do(t, tab, "signing in",
			chromedp.Navigate(zen+"/login"), login("cal@calm.example", "calm-and-collected-9"),
			chromedp.WaitVisible(testid("account-title")))
		if got := read(t, tab, "location", chromedp.Location()); got != zen+"/app" {
			t.Errorf("landed at %s, want %s/app", got, zen)
		}
		if got := text(t, tab, "account-title"); got != "Calm Co" {
			t.Errorf("account = %q", got)
		}
		if got := text(t, tab, "brand"); got != "Zen Cloud" {
			t.Errorf("brand = %q", got)
		}
		bg := read(t, tab, "reading the sidebar's colour",
			chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.sidebar')).backgroundColor`))
		if bg != "rgb(11, 110, 79)" {
			t.Errorf("sidebar colour = %s, want Zen's #0b6e4f", bg)
		}
		noNimbus(t, tab, "the customer's panel")
	})

	if !ok {
		return
	}
	t.Run("CustomerSitsUnderZen", func(t *testing.T) {
		do(t, zenAdmin, "opening Zen's customers",
			chromedp.Navigate(zen+"/reseller/accounts"), chromedp.WaitVisible(testid("accounts-table")))
		if got := text(t, zenAdmin, "accounts-table"); !strings.Contains(got, "Calm Co") || !strings.Contains(got, "Zen Basic") {
			t.Errorf("Zen's customers: %q, want Calm Co on Zen Basic", got)
		}
		do(t, provider, "finding Calm Co in the provider's tree",
			chromedp.Navigate(portal+"/provider/accounts?q=Calm"), chromedp.WaitVisible(testid("account-name")),
			chromedp.Click(testid("account-name")), chromedp.WaitVisible(testid("account-vendor")))
		if got := text(t, provider, "account-vendor"); got != "Zen Cloud" {
			t.Errorf("Calm Co's sales vendor = %q, want Zen Cloud", got)
		}
	})
}
