package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRefusedFormReload: a refused form (Orbit's URL set to a
// domain another reseller has) shows its error at the form's own page;
// reloading that page shows the form again, clean, instead of a 404 at a
// post-only address.
func TestBrowserRefusedFormReload(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	port := startServer(t)
	portal := "http://portal.localhost:" + port
	tab := newIncognito(t, newBrowser(t))
	do(t, tab, "signing in as the provider's admin",
		chromedp.Navigate(portal+"/login"), login("admin@nimbus.example", "tenantry-demo"), chromedp.WaitVisible(testid("nav")))
	do(t, tab, "opening the accounts", chromedp.Navigate(portal+"/provider/accounts"), chromedp.WaitVisible(testid("nav")))
	orbit := read(t, tab, "finding Orbit IT", chromedp.Evaluate[string](
		`[...document.querySelectorAll("a")].find(a => a.textContent.trim() === "Orbit IT").getAttribute("href")`))
	service := portal + orbit + "/service"
	// the alias form below has a field of the same name
	domainInput := chromedp.CSS(`[data-testid="domain-form"] [data-testid="input-fqdn"]`)
	do(t, tab, "setting Orbit's URL to Acme's domain",
		chromedp.Navigate(service), chromedp.WaitVisible(testid("domain-form")),
		chromedp.SetValue(domainInput, "acme.localhost"),
		clickTo(testid("domain-save")), chromedp.WaitVisible(testid("error-fqdn")))
	if got := scenarioAt(t, tab); got != service {
		t.Errorf("the refused form is shown at %s, want %s", got, service)
	}
	if got := read(t, tab, "reading the typed domain", chromedp.Value(domainInput)); got != "acme.localhost" {
		t.Errorf("typed domain after the refusal = %q, want acme.localhost", got)
	}
	do(t, tab, "reloading", chromedp.Reload(), chromedp.WaitVisible(testid("service-title")))
	if present(t, tab, "error-title") || present(t, tab, "error-fqdn") {
		t.Errorf("after reloading: %q", pageText(t, tab))
	}
	if got := scenarioAt(t, tab); got != service {
		t.Errorf("after reloading: at %s, want %s", got, service)
	}
	if strings.Contains(pageText(t, tab), "Page not found") {
		t.Errorf("reloading the refused form's page gives a 404")
	}
}
