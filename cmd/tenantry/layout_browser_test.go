package main

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core's browser build (testdata/README.md says which
// version and under which licence), injected into each page checked.
//
//go:embed testdata/axe.min.js
var axeSource string

// axeViolation is one rule axe-core finds broken on a page.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// runAxe injects axe-core into the tab's page and returns the violations
// of every rule it runs by default.
func runAxe(t *testing.T, tab context.Context) []axeViolation {
	t.Helper()
	do(t, tab, "injecting axe-core", chromedp.Evaluate[chromedp.Void](axeSource+"\n;undefined"))
	return read(t, tab, "running axe-core", chromedp.Evaluate[[]axeViolation](`(async () => {
		const r = await axe.run(document);
		return r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
			targets: v.nodes.map(n => n.target.join(" "))}));
	})()`, chromedp.EvalAwaitPromise))
}

// overflow reports the page's width beyond the viewport's, in CSS pixels
// (0: nothing sticks out sideways).
func overflow(t *testing.T, tab context.Context) int {
	t.Helper()
	return read(t, tab, "measuring the page's width", chromedp.Evaluate[int](
		`document.documentElement.scrollWidth - window.innerWidth`))
}

// checkPage asserts, at the tab's current viewport, that the page open in
// it does not overflow sideways and that axe-core finds nothing.
func checkPage(t *testing.T, tab context.Context, width int) {
	t.Helper()
	where := fmt.Sprintf("%s at %d px", location(tab), width)
	if over := overflow(t, tab); over > 0 {
		widest := read(t, tab, "finding what sticks out", chromedp.Evaluate[string](`(() => {
			let w = null, max = window.innerWidth;
			for (const el of document.body.querySelectorAll("*")) {
				const r = el.getBoundingClientRect();
				if (r.right > max && !(el.parentElement && el.parentElement.closest(".table-wrap"))) { max = r.right; w = el; }
			}
			return w ? w.outerHTML.slice(0, 200) : "";
		})()`))
		t.Errorf("%s: the page is %d px wider than the screen; the widest element: %s", where, over, widest)
	}
	if vs := runAxe(t, tab); len(vs) > 0 {
		var b strings.Builder
		for _, v := range vs {
			fmt.Fprintf(&b, "\n  %s (%s): %s: %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
		}
		t.Errorf("%s: axe-core finds %d violations:%s", where, len(vs), b.String())
	}
}

// panelPages lists the pages a signed-in user reaches from the open
// panel page: every navigation item, the profile, and for each item the
// first detail page linked from a table on it (an account, a plan, an
// infrastructure, a message).
func panelPages(t *testing.T, tab context.Context, origin string) []string {
	t.Helper()
	nav := read(t, tab, "reading the navigation", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[data-testid="nav"] a')].map(a => a.getAttribute("href"))`))
	if len(nav) == 0 {
		t.Fatalf("no navigation at %s", location(tab))
	}
	pages := append([]string{}, nav...)
	pages = append(pages, "/profile")
	for _, href := range nav {
		do(t, tab, "opening "+href, chromedp.Navigate(origin+href), chromedp.WaitReady(testid("nav")))
		details := read(t, tab, "finding a detail page on "+href, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('main table a[href^="/"]')].map(a => a.getAttribute("href"))`))
		for _, d := range details {
			if u, err := url.Parse(d); err == nil && u.RawQuery == "" && !strings.HasSuffix(u.Path, "/new") {
				pages = append(pages, d)
				break
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range pages {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// TestBrowserLayoutPhoneAndDesktop signs in to each panel with its demo
// login and opens every page its navigation reaches, and a detail page
// below each, at a phone's 390 px and a desktop's 1366 px: no page is
// wider than the screen (tables scroll inside their wrapper), axe-core
// finds no violation, and on the phone the navigation starts closed with
// Sign out on the first screen.
func TestBrowserLayoutPhoneAndDesktop(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	port := startServer(t)
	for _, tc := range []struct {
		name, host, email, home string
		// pages that must be among those visited
		want []string
	}{
		{"Provider", "portal.localhost", "admin@nimbus.example", "/provider",
			[]string{"/provider/accounts/", "/provider/plans/", "/provider/audit", "/provider/outbox/"}},
		{"Reseller", "acme.localhost", "admin@acme.example", "/reseller",
			[]string{"/reseller/accounts/", "/reseller/plans/", "/reseller/audit", "/reseller/branding", "/reseller/api-keys"}},
		{"Customer", "acme.localhost", "owner@bluebakery.example", "/app",
			[]string{"/app/infrastructures", "/app/audit", "/app/users", "/app/api-keys"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// a browser per panel: each has its own time bound
			tab := newBrowser(t)
			origin := "http://" + tc.host + ":" + port
			do(t, tab, "setting the phone's viewport", chromedp.EmulateViewport(390, 844))
			if tc.name == "Provider" {
				// the demo starts with no mail: a reset request puts a
				// message in the outbox, so its detail page is checked too
				do(t, tab, "asking for a password reset",
					chromedp.Navigate(origin+"/forgot-password"),
					chromedp.WaitVisible(testid("forgot-form")),
					chromedp.SendKeys(testid("input-email"), tc.email),
					chromedp.Click(testid("forgot-submit")),
					chromedp.WaitVisible(testid("forgot-sent")))
			}
			do(t, tab, "signing in as "+tc.email,
				chromedp.Navigate(origin+"/login"),
				login(tc.email, "tenantry-demo"),
				chromedp.WaitReady(testid("nav")))
			if got := location(tab); got != origin+tc.home {
				t.Fatalf("after signing in: at %s, want %s", got, origin+tc.home)
			}

			// the phone's first screen: the menu closed, Sign out on it
			state := read(t, tab, "reading the first screen", chromedp.Evaluate[map[string]any](`(() => {
				const out = document.querySelector('[data-testid="logout"]').getBoundingClientRect();
				return {navVisible: document.querySelector('[data-testid="nav"]').checkVisibility(),
					toggleVisible: document.querySelector('[data-testid="nav-toggle"]').checkVisibility(),
					logoutBottom: out.bottom, logoutRight: out.right, height: window.innerHeight, width: window.innerWidth};
			})()`))
			if state["navVisible"] != false || state["toggleVisible"] != true {
				t.Errorf("at 390 px: navigation visible %v, its Menu toggle visible %v; want a closed menu behind a visible toggle",
					state["navVisible"], state["toggleVisible"])
			}
			if b, r := state["logoutBottom"].(float64), state["logoutRight"].(float64); b > state["height"].(float64) || r > state["width"].(float64) {
				t.Errorf("at 390 px Sign out ends at (%v, %v), outside the first screen of %vx%v", r, b, state["width"], state["height"])
			}
			// the menu opens without script: a click on its summary
			do(t, tab, "opening the menu", chromedp.Click(testid("nav-toggle")), chromedp.WaitVisible(testid("nav")))

			pages := panelPages(t, tab, origin)
			if tc.name == "Customer" {
				pages = append(pages, withResources(t, tab, origin, pages)...)
			}
			for _, w := range tc.want {
				if !slicesContainsPrefix(pages, w) {
					t.Errorf("the pages visited %v include none under %s", pages, w)
				}
			}
			for _, width := range []int{390, 1366} {
				do(t, tab, "setting the viewport", chromedp.EmulateViewport(int64(width), 844))
				for _, p := range pages {
					do(t, tab, "opening "+p, chromedp.Navigate(origin+p), chromedp.WaitReady(chromedp.CSS("main#main")))
					checkPage(t, tab, width)
				}
			}
		})
	}
}

// withResources gives the first infrastructure among pages a running
// server and a volume through its page's form, so that the Resources
// table with its buttons is checked, and returns that infrastructure's
// usage page, which no navigation links to.
func withResources(t *testing.T, tab context.Context, origin string, pages []string) []string {
	t.Helper()
	for _, p := range pages {
		id, ok := strings.CutPrefix(p, "/app/infrastructures/")
		if !ok || id == "" || strings.Contains(id, "/") {
			continue
		}
		do(t, tab, "opening "+p, chromedp.Navigate(origin+p), chromedp.WaitReady(testid("resource-form")))
		resAdd(t, tab, "server", "layout-web", "instance.small", "", true)
		resAdd(t, tab, "volume", "layout-data", "storage.block", "50", true)
		return []string{"/infrastructures/" + id + "/usage"}
	}
	t.Fatalf("the pages visited %v include no infrastructure", pages)
	return nil
}

func slicesContainsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// TestBrowserKeyboardSkipLinkAndFocusRing checks, on Acme's dark-branded
// reseller panel, that the first Tab reaches "Skip to content", that
// activating it moves focus to the page's main content, and that the
// focus ring on a sidebar link stands out from the sidebar (3:1 at
// least, as WCAG 2.2 asks of focus indicators). The sign-in page, which
// has no navigation, starts with the skip link too.
func TestBrowserKeyboardSkipLinkAndFocusRing(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	port := startServer(t)
	acme := "http://acme.localhost:" + port
	tab := newBrowser(t)
	focused := func(t *testing.T) string {
		t.Helper()
		return read(t, tab, "reading the focused element", chromedp.Evaluate[string](
			`(document.activeElement.dataset.testid || "") + "#" + (document.activeElement.id || "")`))
	}
	do(t, tab, "opening acme's sign-in page",
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(acme+"/login"),
		chromedp.WaitVisible(testid("login-form")),
		chromedp.KeyEvent("\t"))
	if got := focused(t); got != "skip-link#" {
		t.Errorf("first Tab on the sign-in page focuses %q, want the skip link", got)
	}
	do(t, tab, "signing in as admin@acme.example",
		login("admin@acme.example", "tenantry-demo"),
		chromedp.WaitVisible(testid("nav")),
		chromedp.Navigate(acme+"/reseller/accounts"),
		chromedp.WaitVisible(testid("accounts-table")),
		chromedp.KeyEvent("\t"))
	if got := focused(t); got != "skip-link#" {
		t.Fatalf("first Tab on the reseller's account list focuses %q, want the skip link", got)
	}
	if text := strings.TrimSpace(read(t, tab, "reading the skip link", chromedp.Text(testid("skip-link")))); text != "Skip to content" {
		t.Errorf("the skip link says %q", text)
	}
	do(t, tab, "activating the skip link", chromedp.KeyEvent("\r"))
	if got := focused(t); got != "#main" {
		t.Errorf("after activating the skip link the focus is on %q, want main#main", got)
	}
	if got := location(tab); !strings.HasSuffix(got, "#main") {
		t.Errorf("after activating the skip link: at %s, want #main", got)
	}

	// from the top again: skip link, then the first sidebar link
	do(t, tab, "tabbing to the first sidebar link",
		chromedp.Navigate(acme+"/reseller/accounts"),
		chromedp.WaitVisible(testid("nav")),
		chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"))
	ring := read(t, tab, "reading the focus ring", chromedp.Evaluate[map[string]string](`(() => {
		const a = document.activeElement, s = getComputedStyle(a);
		return {inNav: String(!!a.closest('[data-testid="nav"]')), style: s.outlineStyle, width: s.outlineWidth,
			color: s.outlineColor, background: getComputedStyle(a.closest(".sidebar")).backgroundColor};
	})()`))
	if ring["inNav"] != "true" {
		t.Fatalf("the second Tab did not reach a sidebar link: %v", ring)
	}
	if ring["style"] == "none" || ring["width"] == "0px" {
		t.Fatalf("a focused sidebar link has no outline: %v", ring)
	}
	fg, err1 := parseRGB(ring["color"])
	bg, err2 := parseRGB(ring["background"])
	if err1 != nil || err2 != nil {
		t.Fatalf("reading the colours %v: %v, %v", ring, err1, err2)
	}
	if bg == [3]float64{255, 255, 255} {
		t.Fatalf("the sidebar is white (%v): not Acme's dark brand, so nothing is checked", ring)
	}
	if c := contrastRatio(fg, bg); c < 3 {
		t.Errorf("the focus ring %s on the sidebar %s has a contrast of %.2f:1, want 3:1 at least", ring["color"], ring["background"], c)
	}
}

// parseRGB reads a computed colour, "rgb(r, g, b)" or "rgba(r, g, b, a)".
func parseRGB(s string) ([3]float64, error) {
	var out [3]float64
	inner, ok := strings.CutSuffix(s, ")")
	if i := strings.Index(inner, "("); ok && i >= 0 {
		inner = inner[i+1:]
	} else {
		return out, fmt.Errorf("not an rgb() colour: %q", s)
	}
	parts := strings.Split(inner, ",")
	if len(parts) < 3 {
		return out, fmt.Errorf("not an rgb() colour: %q", s)
	}
	if len(parts) == 4 {
		if a, err := strconv.ParseFloat(strings.TrimSpace(parts[3]), 64); err != nil || a != 1 {
			return out, fmt.Errorf("a translucent colour: %q", s)
		}
	}
	for i := range 3 {
		v, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
		if err != nil {
			return out, fmt.Errorf("not an rgb() colour: %q", s)
		}
		out[i] = v
	}
	return out, nil
}

// contrastRatio is WCAG 2's contrast between two sRGB colours.
func contrastRatio(a, b [3]float64) float64 {
	lum := func(c [3]float64) float64 {
		var l [3]float64
		for i, v := range c {
			v /= 255
			if v <= 0.04045 {
				l[i] = v / 12.92
			} else {
				l[i] = math.Pow((v+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
	}
	x, y := lum(a), lum(b)
	return (math.Max(x, y) + 0.05) / (math.Min(x, y) + 0.05)
}
