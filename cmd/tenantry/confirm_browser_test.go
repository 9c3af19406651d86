package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// confirmNewInfra signs Cobalt Law's owner in on acme and creates an
// infrastructure, leaving the tab on its page; it returns that page's URL.
func confirmNewInfra(t *testing.T, tab context.Context, acme, name string) string {
	t.Helper()
	do(t, tab, "signing in as Cobalt Law's owner",
		chromedp.Navigate(acme+"/login"),
		login("owner@cobaltlaw.example", "tenantry-demo"),
		chromedp.WaitVisible(testid("nav")))
	do(t, tab, "creating "+name,
		chromedp.Navigate(acme+"/app/infrastructures"),
		chromedp.WaitVisible(testid("infra-form")),
		chromedp.SendKeys(testid("input-name"), name),
		clickTo(testid("infra-submit")),
		chromedp.WaitVisible(testid("infra-delete")))
	return scenarioAt(t, tab)
}

// TestBrowserConfirmWithoutScript: with JavaScript off, Delete
// infrastructure leads to a confirmation page in the customer's panel;
// Cancel goes back with the infrastructure still there, and Confirm
// deletes it: two clicks.
func TestBrowserConfirmWithoutScript(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	port := startServer(t)
	acme := "http://acme.localhost:" + port
	tab := newIncognito(t, newBrowser(t))
	if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turning JavaScript off: %v", err)
	}
	infra := confirmNewInfra(t, tab, acme, "nojs-box")

	do(t, tab, "deleting it without JavaScript", clickTo(testid("infra-delete")), chromedp.WaitVisible(testid("confirm-page")))
	if got, want := scenarioText(t, tab, "confirm-question"), "Delete the infrastructure nojs-box? This cannot be undone."; got != want {
		t.Errorf("question = %q, want %q", got, want)
	}
	if !present(t, tab, "nav") || scenarioText(t, tab, "current-account") != "Cobalt Law" {
		t.Errorf("the confirmation page is not in Cobalt Law's panel")
	}
	do(t, tab, "cancelling", clickTo(testid("confirm-cancel")), chromedp.WaitVisible(testid("infra-delete")))
	if got := scenarioAt(t, tab); got != infra {
		t.Errorf("cancel led to %s, want %s", got, infra)
	}

	do(t, tab, "deleting it again and confirming",
		clickTo(testid("infra-delete")), chromedp.WaitVisible(testid("confirm-page")),
		clickTo(testid("confirm-submit")), chromedp.WaitVisible(testid("flash")))
	if got, want := scenarioAt(t, tab), acme+"/app/infrastructures"; got != want {
		t.Errorf("after confirming: at %s, want %s", got, want)
	}
	if !strings.Contains(scenarioText(t, tab, "flash"), "deleted") {
		t.Errorf("flash = %q, want the deletion said", scenarioText(t, tab, "flash"))
	}
	do(t, tab, "opening the deleted infrastructure", chromedp.Navigate(infra), chromedp.WaitVisible(testid("error-title")))
}

// TestBrowserConfirmWithScript: with JavaScript on, the question is a
// dialog; OK deletes at once, with no confirmation page on the way.
func TestBrowserConfirmWithScript(t *testing.T) {
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
	infra := confirmNewInfra(t, tab, acme, "js-box")
	do(t, tab, "deleting it with JavaScript", clickTo(testid("infra-delete")), chromedp.WaitVisible(testid("flash")))
	if got, want := asked.Load().(string), "Delete the infrastructure js-box? This cannot be undone."; got != want {
		t.Errorf("dialog asked %q, want %q", got, want)
	}
	if got, want := scenarioAt(t, tab), acme+"/app/infrastructures"; got != want {
		t.Errorf("after OK: at %s, want %s (no confirmation page on the way)", got, want)
	}
	if !strings.Contains(scenarioText(t, tab, "flash"), "deleted") {
		t.Errorf("flash = %q, want the deletion said", scenarioText(t, tab, "flash"))
	}
	do(t, tab, "opening the deleted infrastructure", chromedp.Navigate(infra), chromedp.WaitVisible(testid("error-title")))
}
