package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

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
