package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserStep bounds every single step of a browser test.
const browserStep = 10 * time.Second

// chromiumPath finds Debian's chromium. Outside -short mode a missing
// browser fails the test: a silent skip would let the browser tests stop
// running without anyone noticing.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	t.Fatal("chromium not found on PATH or at /usr/bin/chromium: install it (apt-get install chromium, or make browser-deps), " +
		"or run the tests with -short (make test-short) to leave the browser tests out")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile that talks to
// loopback only, and returns the context of its first tab. The browser is
// closed at cleanup, before the server (registered earlier) stops.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// nothing leaves the machine: no proxy, and every name but
		// localhost, *.localhost and 127.0.0.1 fails to resolve
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE *.localhost, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
	)
	// the browser's whole life is bounded too
	life, cancelLife := context.WithTimeout(context.Background(), 60*time.Second)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(life, opts...)
	logf := testLogf(t)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(logf))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelLife()
	})
	// The first Do starts the browser; it must not get a step's timeout,
	// whose end would close the browser.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// newIncognito opens a tab in a fresh browser context: no cookies shared
// with any other tab.
func newIncognito(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a fresh browser context: %v", err)
	}
	return ctx
}

// testLogf logs chromedp's complaints through t until the test ends, and
// drops those that arrive later (t.Logf would panic then).
func testLogf(t *testing.T) func(string, ...any) {
	var mu sync.Mutex
	done := false
	t.Cleanup(func() {
		mu.Lock()
		done = true
		mu.Unlock()
	})
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			t.Logf("chromedp: "+format, args...)
		}
	}
}

// do runs steps on a tab, in order, within browserStep.
func do(t *testing.T, tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, browserStep)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s (at %s): %v", what, location(tab), err)
	}
}

// read runs one action that returns a value on a tab, within browserStep.
func read[T any](t *testing.T, tab context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, browserStep)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s (at %s): %v", what, location(tab), err)
	}
	return v
}

// location is the tab's URL, for error messages.
func location(tab context.Context) string {
	ctx, cancel := context.WithTimeout(tab, time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "an unknown page"
	}
	return loc
}

// testid selects the element with a data-testid.
func testid(id string) chromedp.CSS { return chromedp.CSS(fmt.Sprintf("[data-testid=%q]", id)) }

// login fills and submits the sign-in form on the current page.
func login(email, pw string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(testid("login-form")),
		chromedp.SendKeys(testid("input-email"), email),
		chromedp.SendKeys(testid("input-password"), pw),
		chromedp.Click(testid("login-submit")),
	)
}

// TestBrowserResellerJourney drives a real Chromium through a reseller's
// day on its own domain: sign in, create a customer whose owner gets an
// invitation link, find it in the list; the owner accepts it, choosing a
// password, and signs in to the customer panel; and the reseller's admin cannot sign in on
// another reseller's domain, and cannot tell why.
func TestBrowserResellerJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	start := time.Now()
	port := startServer(t)
	acme := "http://acme.localhost:" + port
	orbit := "http://orbit.localhost:" + port
	browser := newBrowser(t)

	// noNimbus fails the test when the tab's page names the provider: a
	// reseller's customers must never learn who sits above it.
	noNimbus := func(t *testing.T, tab context.Context, where string) {
		t.Helper()
		if html := read(t, tab, "reading "+where, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, "Nimbus") {
			t.Errorf("%s names the provider %q", where, "Nimbus")
		}
	}
	text := func(t *testing.T, tab context.Context, id string) string {
		t.Helper()
		return strings.TrimSpace(read(t, tab, "reading "+id, chromedp.Text(testid(id))))
	}
	at := func(t *testing.T, tab context.Context) string {
		t.Helper()
		return read(t, tab, "reading the location", chromedp.Location())
	}

	var ownerURL string
	t.Run("ResellerCreatesCustomer", func(t *testing.T) {
		tab := browser
		do(t, tab, "opening the sign-in page on acme",
			chromedp.Navigate(acme+"/login"),
			chromedp.WaitVisible(testid("login-form")))
		if got, want := text(t, tab, "brand"), "Acme Hosting"; got != want {
			t.Errorf("brand on acme's sign-in page: got %q, want %q", got, want)
		}
		noNimbus(t, tab, "acme's sign-in page")

		do(t, tab, "signing in as admin@acme.example",
			login("admin@acme.example", "tenantry-demo"),
			chromedp.WaitVisible(testid("nav")))
		if got, want := at(t, tab), acme+"/reseller"; got != want {
			t.Errorf("after signing in: at %s, want %s", got, want)
		}
		if got, want := text(t, tab, "brand"), "Acme Hosting"; got != want {
			t.Errorf("brand on the reseller dashboard: got %q, want %q", got, want)
		}
		noNimbus(t, tab, "acme's reseller dashboard")

		png := read(t, tab, "taking a screenshot of the dashboard", chromedp.CaptureScreenshot())
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("the screenshot is not a PNG (%d bytes)", len(png))
		}
		if err := os.WriteFile(filepath.Join(t.TempDir(), "reseller-dashboard.png"), png, 0o600); err != nil {
			t.Error(err)
		}

		do(t, tab, "opening the new-account form from the navigation",
			chromedp.Click(testid("nav-new-account")),
			chromedp.WaitVisible(testid("account-form")))
		if got, want := at(t, tab), acme+"/reseller/accounts/new"; got != want {
			t.Errorf("the new-account link led to %s, want %s", got, want)
		}
		noNimbus(t, tab, "acme's new-account form")

		do(t, tab, "creating Zeta Dental with no owner password",
			chromedp.SendKeys(testid("input-name"), "Zeta Dental"),
			chromedp.SendKeys(testid("input-owner.name"), "Zoe Zeta"),
			chromedp.SendKeys(testid("input-owner.email"), "zeta@example.test"),
			chromedp.Click(testid("account-submit")),
			chromedp.WaitVisible(testid("account-created")))
		// without a password the owner is invited, whatever the address:
		// the link shown is the invitation's
		ownerURL = text(t, tab, "set-password-url")
		if prefix := acme + "/invitations/"; !strings.HasPrefix(ownerURL, prefix) || len(ownerURL) == len(prefix) {
			t.Errorf("owner link: got %q, want %s<token>", ownerURL, prefix)
		}
		noNimbus(t, tab, "acme's account-created page")

		do(t, tab, "opening the account list from the navigation",
			chromedp.Click(testid("nav-accounts")),
			chromedp.WaitVisible(testid("accounts-table")))
		if table := text(t, tab, "accounts-table"); !strings.Contains(table, "Zeta Dental") {
			t.Errorf("the account list does not show Zeta Dental:\n%s", table)
		}
		noNimbus(t, tab, "acme's account list")
	})
	if ownerURL == "" {
		t.Fatal("no owner invitation link to go on with")
	}

	t.Run("OwnerAcceptsInvitationAndSignsIn", func(t *testing.T) {
		tab := newIncognito(t, browser)
		const pw = "Molar-Crown-Bridge-77"
		do(t, tab, "opening the owner invitation link",
			chromedp.Navigate(ownerURL),
			chromedp.WaitVisible(testid("invitation-summary")))
		if got, want := text(t, tab, "invitation-summary"), "You are invited as Owner, for zeta@example.test."; got != want {
			t.Errorf("the invitation page says %q, want %q", got, want)
		}
		noNimbus(t, tab, "the invitation page")

		do(t, tab, "accepting as a new person with a name and password",
			chromedp.SendKeys(testid("input-name"), "Zoe Zeta"),
			chromedp.SendKeys(testid("input-password"), pw),
			chromedp.SendKeys(testid("input-confirm"), pw),
			chromedp.Click(testid("invitation-accept")),
			chromedp.WaitVisible(testid("account-title")))
		if got, want := at(t, tab), acme+"/app"; got != want {
			t.Errorf("after accepting: at %s, want %s", got, want)
		}
		if got, want := text(t, tab, "account-title"), "Zeta Dental"; got != want {
			t.Errorf("customer panel title after accepting: got %q, want %q", got, want)
		}

		// the password chosen signs in afterwards, in a fresh session
		tab = newIncognito(t, browser)
		do(t, tab, "opening the sign-in page on acme",
			chromedp.Navigate(acme+"/login"),
			chromedp.WaitVisible(testid("login-form")))
		do(t, tab, "signing in as zeta@example.test",
			login("zeta@example.test", pw),
			chromedp.WaitVisible(testid("account-title")))
		if got, want := at(t, tab), acme+"/app"; got != want {
			t.Errorf("after signing in: at %s, want %s", got, want)
		}
		if got, want := text(t, tab, "account-title"), "Zeta Dental"; got != want {
			t.Errorf("customer panel title: got %q, want %q", got, want)
		}
		if got, want := text(t, tab, "brand"), "Acme Hosting"; got != want {
			t.Errorf("brand in the customer panel: got %q, want %q", got, want)
		}
		noNimbus(t, tab, "Zeta Dental's customer panel")
	})

	t.Run("ForeignAdminRefusedLikeWrongPassword", func(t *testing.T) {
		tab := newIncognito(t, browser)
		do(t, tab, "opening the sign-in page on orbit",
			chromedp.Navigate(orbit+"/login"),
			chromedp.WaitVisible(testid("login-form")))
		if got, want := text(t, tab, "brand"), "Orbit IT"; got != want {
			t.Errorf("brand on orbit's sign-in page: got %q, want %q", got, want)
		}
		do(t, tab, "signing in as admin@acme.example on orbit",
			login("admin@acme.example", "tenantry-demo"),
			chromedp.WaitVisible(testid("login-error")))
		foreign := text(t, tab, "login-error")
		if got, want := at(t, tab), orbit+"/login"; got != want {
			t.Errorf("after the refused sign-in: at %s, want %s", got, want)
		}

		// a fresh page, so that the error waited for is the new one
		do(t, tab, "signing in on orbit with a wrong password",
			chromedp.Navigate(orbit+"/login"),
			login("admin@orbit.example", "not-the-password-1"),
			chromedp.WaitVisible(testid("login-error")))
		wrong := text(t, tab, "login-error")
		if foreign == "" || foreign != wrong {
			t.Errorf("a foreign reseller's admin is told %q, a wrong password %q: want the same non-empty text", foreign, wrong)
		}

		do(t, tab, "opening orbit's reseller panel",
			chromedp.Navigate(orbit+"/reseller"),
			chromedp.WaitVisible(testid("login-form")))
		if got := at(t, tab); !strings.HasPrefix(got, orbit+"/login") {
			t.Errorf("GET %s/reseller after the refused sign-ins: at %s, want the sign-in page", orbit, got)
		}
	})

	if d := time.Since(start); d > 20*time.Second {
		t.Logf("the browser journey took %s; keep it under 20s", d.Round(time.Millisecond))
	}
}
