package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ensureChecked ticks a checkbox by clicking it, as a person would, unless
// it is ticked already; it fails the test when the box stays unticked.
func ensureChecked(t *testing.T, tab context.Context, id string) {
	t.Helper()
	checked := func() bool {
		return read(t, tab, "reading "+id, chromedp.Evaluate[bool](
			`document.querySelector('[data-testid="`+id+`"]').checked`))
	}
	if !checked() {
		do(t, tab, "ticking "+id, chromedp.Click(testid(id)))
	}
	if !checked() {
		t.Fatalf("%s is still unticked after a click", id)
	}
}

// TestBrowserSignupApprovalReachesTheReseller drives a sign-up on a
// reseller's domain whose settings ask for approval: the visitor's
// confirmed sign-up must reach the reseller's admin (a mail in its
// Outgoing mail, a pending list on its dashboard) and the admin's
// approval must clear it.
func TestBrowserSignupApprovalReachesTheReseller(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	start := time.Now()
	port := startServer(t)
	acme := "http://acme.localhost:" + port
	browser := newBrowser(t)
	admin := browser
	text := func(t *testing.T, tab context.Context, id string) string {
		t.Helper()
		return strings.TrimSpace(read(t, tab, "reading "+id, chromedp.Text(testid(id))))
	}
	const (
		company = "Quokka Quilts"
		email   = "quinn@quokka.example"
		pw      = "quokka-quilts-2024"
	)

	do(t, admin, "signing in as admin@acme.example",
		chromedp.Navigate(acme+"/login"), login("admin@acme.example", "tenantry-demo"),
		chromedp.WaitVisible(testid("nav")))
	do(t, admin, "opening acme's settings",
		chromedp.Navigate(acme+"/reseller/settings"), chromedp.WaitVisible(testid("settings-form")))
	ensureChecked(t, admin, "input-signup_enabled")
	ensureChecked(t, admin, "input-signup_requires_approval")
	do(t, admin, "saving the settings",
		clickTo(testid("settings-save")), chromedp.WaitVisible(testid("flash")))
	do(t, admin, "reloading the settings",
		chromedp.Navigate(acme+"/reseller/settings"), chromedp.WaitVisible(testid("settings-form")))
	if !read(t, admin, "reading the approval setting", chromedp.Evaluate[bool](
		`document.querySelector('[data-testid="input-signup_requires_approval"]').checked`)) {
		t.Fatal("sign-ups need approval is not kept after saving")
	}

	visitor := newIncognito(t, browser)
	do(t, visitor, "signing up on acme.localhost/signup",
		chromedp.Navigate(acme+"/signup"), chromedp.WaitVisible(testid("signup-form")),
		chromedp.SendKeys(testid("input-company"), company),
		chromedp.SendKeys(testid("input-name"), "Quinn Quokka"),
		chromedp.SendKeys(testid("input-email"), email),
		chromedp.SendKeys(testid("input-password"), pw),
		chromedp.Click(testid("input-accept_terms")),
		clickTo(testid("signup-submit")), chromedp.WaitVisible(testid("signup-sent")))
	if got := text(t, visitor, "signup-email"); got != email {
		t.Errorf("the check-your-email page names %q, want %q", got, email)
	}

	// the verification link, from acme's own Outgoing mail
	do(t, admin, "opening acme's outgoing mail to "+email,
		chromedp.Navigate(acme+"/reseller/outbox?q="+email), chromedp.WaitVisible(testid("outbox-table")))
	if got := text(t, admin, "outbox-to"); got != email {
		t.Fatalf("acme's newest mail found for %s is to %q", email, got)
	}
	do(t, admin, "opening the verification mail",
		clickTo(testid("outbox-subject")), chromedp.WaitVisible(testid("outbox-links")))
	links := read(t, admin, "reading the mail's links", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[data-testid="outbox-link"]')].map(a => a.textContent.trim())`))
	var verifyURL string
	for _, l := range links {
		if strings.HasPrefix(l, acme+"/verify/") {
			verifyURL = l
		}
	}
	if verifyURL == "" {
		t.Fatalf("the verification mail has no link to %s/verify/: %q", acme, links)
	}

	do(t, visitor, "confirming the email address",
		chromedp.Navigate(verifyURL), chromedp.WaitVisible(testid("verify-submit")),
		clickTo(testid("verify-submit")), chromedp.WaitVisible(testid("verified-awaiting")))
	if n := read(t, visitor, "looking for a sign-in button", chromedp.Evaluate[int](
		`document.querySelectorAll('[data-testid="verified-signin"]').length`)); n != 0 {
		t.Error("a sign-up awaiting approval is offered to sign in")
	}

	do(t, admin, "opening acme's dashboard",
		chromedp.Navigate(acme+"/reseller"), chromedp.WaitVisible(testid("pending-signups")))
	if got := text(t, admin, "pending-count"); got != "1" {
		t.Errorf("pending-count = %q, want 1", got)
	}
	if got := text(t, admin, "pending-signup"); !strings.Contains(got, company) {
		t.Errorf("the pending sign-up reads %q, want it to name %q", got, company)
	}

	do(t, admin, "opening acme's outgoing mail",
		chromedp.Navigate(acme+"/reseller/outbox"), chromedp.WaitVisible(testid("outbox-table")))
	subjects := read(t, admin, "reading the subjects", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[data-testid="outbox-subject"]')].map(a => a.textContent.trim())`))
	found := false
	for _, s := range subjects {
		if strings.Contains(s, "awaiting approval") && strings.Contains(s, company) {
			found = true
		}
	}
	if !found {
		t.Errorf("acme's outgoing mail has no awaiting-approval mail for %s: %q", company, subjects)
	}

	do(t, admin, "approving the sign-up",
		chromedp.Navigate(acme+"/reseller"), chromedp.WaitVisible(testid("pending-approve")),
		clickTo(testid("pending-approve")), chromedp.WaitVisible(testid("flash")))
	if got := text(t, admin, "flash"); !strings.Contains(got, company) {
		t.Errorf("the approval's flash reads %q, want it to name %q", got, company)
	}
	if n := read(t, admin, "looking for the pending list", chromedp.Evaluate[int](
		`document.querySelectorAll('[data-testid="pending-signups"]').length`)); n != 0 {
		t.Error("the pending sign-ups are still listed after the approval")
	}

	do(t, visitor, "signing in once approved",
		chromedp.Navigate(acme+"/login"), login(email, pw), chromedp.WaitVisible(testid("account-title")))
	if got := read(t, visitor, "reading the location", chromedp.Location()); got != acme+"/app" {
		t.Errorf("the approved sign-up landed at %s, want %s/app", got, acme)
	}
	t.Logf("took %s", time.Since(start).Round(time.Millisecond))
}

// TestBrowserResellerOnboardingChecklist creates a reseller as the
// provider and follows its onboarding checklist: four steps to do, the
// domain step's link leads to the service page, and setting the end user
// panel URL there marks that step done.
func TestBrowserResellerOnboardingChecklist(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	start := time.Now()
	port := startServer(t)
	portal := "http://portal.localhost:" + port
	tab := newBrowser(t)
	const name = "Newres Hosting"

	do(t, tab, "signing in as the provider's admin",
		chromedp.Navigate(portal+"/login"), login("admin@nimbus.example", "tenantry-demo"),
		chromedp.WaitVisible(testid("nav")))
	do(t, tab, "creating the reseller "+name,
		chromedp.Navigate(portal+"/provider/accounts/new"), chromedp.WaitVisible(testid("account-form")),
		chooseOption("input-kind", "Reseller"),
		chromedp.SendKeys(testid("input-name"), name),
		chromedp.SendKeys(testid("input-owner.name"), "Nell Newres"),
		chromedp.SendKeys(testid("input-owner.email"), "nell@newres.example"),
		// no plan yet: the checklist's plan step stays to do
		chooseOption("input-plan_id", "No plan yet"),
		clickTo(testid("account-submit")), chromedp.WaitVisible(testid("account-created")),
		clickTo(testid("open-account")), chromedp.WaitVisible(testid("account-title")))
	if got := scenarioText(t, tab, "account-title"); got != name {
		t.Fatalf("the new account's page is for %q, want %q", got, name)
	}
	accountPage := scenarioAt(t, tab)
	id := accountIDIn(t, accountPage)

	states := func(t *testing.T) map[string]string {
		t.Helper()
		do(t, tab, "waiting for the checklist", chromedp.WaitVisible(testid("onboarding")))
		got := map[string]string{}
		for _, k := range []string{"plan", "domain", "branding", "signup"} {
			got[k] = scenarioText(t, tab, "onboarding-"+k+"-state")
		}
		return got
	}
	n := read(t, tab, "counting the checklist's steps", chromedp.Evaluate[int](
		`document.querySelectorAll('[data-testid="onboarding"] li').length`))
	if n != 4 {
		t.Fatalf("the checklist has %d steps, want 4", n)
	}
	for k, s := range states(t) {
		if s != "To do" {
			t.Errorf("a new reseller's %s step is %q, want To do", k, s)
		}
	}

	do(t, tab, "following the domain step",
		clickTo(testid("onboarding-domain-link")), chromedp.WaitVisible(testid("domain-form")))
	if got, want := scenarioAt(t, tab), portal+"/provider/accounts/"+id+"/service"; got != want {
		t.Errorf("the domain step leads to %s, want %s", got, want)
	}
	do(t, tab, "setting the end user panel URL",
		chromedp.SendKeys(`[data-testid=domain-form] [data-testid=input-fqdn]`, "newres.localhost"),
		clickTo(testid("domain-save")), chromedp.WaitVisible(testid("panel-url")))
	if got := scenarioText(t, tab, "panel-url"); !strings.Contains(got, "newres.localhost") {
		t.Errorf("the service page's panel URL reads %q, want newres.localhost", got)
	}

	do(t, tab, "going back to the account page",
		chromedp.Navigate(accountPage), chromedp.WaitVisible(testid("account-title")))
	got := states(t)
	if got["domain"] != "Done" {
		t.Errorf("after setting the URL the domain step is %q, want Done", got["domain"])
	}
	for _, k := range []string{"plan", "branding", "signup"} {
		if got[k] != "To do" {
			t.Errorf("after setting the URL the %s step is %q, want still To do", k, got[k])
		}
	}
	t.Logf("took %s", time.Since(start).Round(time.Millisecond))
}
