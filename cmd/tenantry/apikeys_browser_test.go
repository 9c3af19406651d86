package main

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserAPIKeys: a customer's Owner, on a phone, makes an API key
// for a usage integration from the panel, copies the secret shown once,
// which then opens the API; the list never shows it again; revoking asks
// first, and the key stops working. The page passes the layout checks
// with a key listed.
func TestBrowserAPIKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	port := startServer(t)
	acme := "http://acme.localhost:" + port
	tab := newIncognito(t, newBrowser(t))
	var asked atomic.Value
	asked.Store("")
	if err := chromedp.Listen(tab, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			asked.Store(d.Message)
			go func() {
				_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	}); err != nil {
		t.Fatalf("listening for dialogs: %v", err)
	}
	// what the key opens, asked as an integration would
	status := func(secret string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/api/v1/me", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "acme.localhost:" + port
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	do(t, tab, "setting the phone's viewport", chromedp.EmulateViewport(390, 844))
	do(t, tab, "signing in as Blue Bakery's owner",
		chromedp.Navigate(acme+"/login"),
		login("owner@bluebakery.example", "tenantry-demo"),
		chromedp.WaitReady(testid("nav")))
	do(t, tab, "opening API keys", chromedp.Navigate(acme+"/app/api-keys"), chromedp.WaitVisible(testid("api-keys-empty")))
	do(t, tab, "making a key that reads and posts usage",
		chromedp.SendKeys(testid("input-name"), "metering agent"),
		chromedp.Click(testid("scope-usage-write")),
		clickTo(testid("api-key-submit")),
		chromedp.WaitVisible(testid("new-api-key-secret")))
	secret := scenarioText(t, tab, "new-api-key-secret")
	if !strings.HasPrefix(secret, "tak_") || !strings.Contains(scenarioText(t, tab, "new-api-key"), "will not be shown again") {
		t.Fatalf("secret %q, note %q", secret, scenarioText(t, tab, "new-api-key"))
	}
	if got := scenarioText(t, tab, "api-key-scopes"); got != "usage:write, read" {
		t.Errorf("scopes listed = %q", got)
	}
	checkPage(t, tab, 390)
	if got := status(secret); got != http.StatusOK {
		t.Errorf("GET /api/v1/me with the new key = %d, want 200", got)
	}

	do(t, tab, "opening the list again", chromedp.Navigate(acme+"/app/api-keys"), chromedp.WaitVisible(testid("api-keys-table")))
	if strings.Contains(pageText(t, tab), secret) || present(t, tab, "new-api-key-secret") {
		t.Errorf("the list shows the secret again")
	}
	if got := scenarioText(t, tab, "api-key-used"); got == "never" {
		t.Errorf("last used = %q after a call", got)
	}
	do(t, tab, "setting the desktop's viewport", chromedp.EmulateViewport(1366, 900))
	checkPage(t, tab, 1366)

	do(t, tab, "revoking it", clickTo(testid("api-key-revoke")), chromedp.WaitVisible(testid("flash")))
	if got, want := asked.Load().(string), "Revoke the API key metering agent? Programs using it stop working at once."; got != want {
		t.Errorf("dialog asked %q, want %q", got, want)
	}
	if got := scenarioText(t, tab, "api-key-status"); !strings.HasPrefix(got, "revoked") {
		t.Errorf("status = %q, want revoked", got)
	}
	if present(t, tab, "api-key-revoke") {
		t.Errorf("a revoked key can be revoked again")
	}
	if got := status(secret); got != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me with the revoked key = %d, want 401", got)
	}
}
