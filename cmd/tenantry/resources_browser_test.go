package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// resRow selects an element inside a resource's row.
func resRow(name, id string) chromedp.CSS {
	return chromedp.CSS(`[data-testid="resource-` + name + `"] [data-testid="` + id + `"]`)
}

// resAmount reads the number a quantity such as "0.000556 hours" starts
// with, failing the test when it is not a number.
func resAmount(t *testing.T, what, text string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(strings.Fields(text + " x")[0], 64)
	if err != nil {
		t.Fatalf("%s reads %q: not a quantity", what, text)
	}
	return f
}

// resAdd fills the add-resource form on the infrastructure page open in
// the tab and returns the flash it answers with.
func resAdd(t *testing.T, tab context.Context, typ, name, metric, size string, start bool) string {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(testid("resource-form")),
		chromedp.SetValue(testid("input-res-type"), typ),
		chromedp.SendKeys(testid("input-res-name"), name),
		chromedp.SetValue(testid("input-res-metric"), metric),
	}
	if size != "" {
		steps = append(steps, chromedp.SendKeys(testid("input-res-size_gb"), size))
	}
	if start {
		steps = append(steps, chromedp.Click(testid("input-res-start")))
	}
	steps = append(steps, delegStale(), chromedp.Click(testid("resource-add")), chromedp.WaitVisible(delegFresh("flash")))
	do(t, tab, "adding "+name, steps...)
	return delegText(t, tab, `[data-testid="flash"]`)
}

// resClick presses a row's button and returns the flash it answers with.
func resClick(t *testing.T, tab context.Context, name, button string) string {
	t.Helper()
	do(t, tab, button+" "+name, delegStale(), chromedp.Click(resRow(name, button)), chromedp.WaitVisible(delegFresh("flash")))
	return delegText(t, tab, `[data-testid="flash"]`)
}

// TestBrowserOpsResourcesAndUsage: Blue Bakery's new Ops user creates an
// infrastructure with two servers and a volume, starts and stops them,
// resizes one, and reads the month's usage on the infrastructure's page
// and its usage page; then the reseller, Acme's admin, finds that usage
// in its list of all infrastructures.
func TestBrowserOpsResourcesAndUsage(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	port := startServer(t)
	portal := "http://portal.localhost:" + port
	acme := "http://acme.localhost:" + port
	browser := newBrowser(t)

	// Blue Bakery's owner invites an Ops member, who accepts from the mail
	owner := apiToken(t, port, "acme.localhost", "owner@bluebakery.example", "tenantry-demo")
	code, body := apiCall(t, port, "acme.localhost", http.MethodGet, "/api/v1/accounts?q=Blue%20Bakery", owner, nil)
	var found struct{ Items []struct{ ID, Name string } }
	if code != http.StatusOK || json.Unmarshal([]byte(body), &found) != nil || len(found.Items) != 1 {
		t.Fatalf("finding Blue Bakery = %d %s", code, body)
	}
	bakery := found.Items[0].ID
	if code, body := apiCall(t, port, "acme.localhost", http.MethodPost, "/api/v1/accounts/"+bakery+"/members", owner,
		map[string]string{"email": "ops@bluebakery.example", "role": "Ops"}); code != http.StatusCreated {
		t.Fatalf("inviting Blue Bakery's ops = %d %s", code, body)
	}
	provider := browser
	do(t, provider, "signing in as the provider's admin",
		chromedp.Navigate(portal+"/login"), login("admin@nimbus.example", "tenantry-demo"), chromedp.WaitVisible(testid("nav")))
	links := delegMailLinks(t, provider, portal, "ops@bluebakery.example")
	if len(links) != 1 || !strings.HasPrefix(links[0], acme+"/invitations/") {
		t.Fatalf("invitation links to ops@bluebakery.example: %q, want one on %s", links, acme)
	}
	ops := newIncognito(t, browser)
	delegAcceptNew(t, ops, links[0], "Oskar Ops")

	ok := true
	var infra string
	ok = ok && t.Run("OpsBuilds", func(t *testing.T) {
		infra = delegCreate(t, ops, acme, "bakery-shop")
		if !present(t, ops, "resources-empty") {
			t.Error("the new infrastructure's page does not say it has no resources")
		}
		for _, c := range []struct {
			typ, name, metric, size string
			start                   bool
			flash                   string
		}{
			{"server", "web-1", "instance.small", "", true, "Server web-1 created and started."},
			{"server", "web-2", "instance.small", "", false, "Server web-2 created."},
			{"volume", "data", "storage.block", "20", true, "Volume data created and started."},
		} {
			if got := resAdd(t, ops, c.typ, c.name, c.metric, c.size, c.start); got != c.flash {
				t.Errorf("adding %s says %q, want %q", c.name, got, c.flash)
			}
		}
		if got := resClick(t, ops, "web-2", "resource-start"); got != "Server web-2 started." {
			t.Errorf("starting web-2 says %q", got)
		}
		if got := delegText(t, ops, `[data-testid="resource-web-2"] [data-testid="resource-state"]`); got != "running" {
			t.Errorf("web-2 is %q after Start", got)
		}
		// usage is exact to the second: two seconds are enough to show
		time.Sleep(2100 * time.Millisecond)
		if got := resClick(t, ops, "web-1", "resource-stop"); got != "Server web-1 stopped." {
			t.Errorf("stopping web-1 says %q", got)
		}
		do(t, ops, "choosing instance.medium for web-2", chromedp.SetValue(resRow("web-2", "resize-metric"), "instance.medium"))
		if got := resClick(t, ops, "web-2", "resource-resize"); got != "Server web-2 resized to instance.medium." {
			t.Errorf("resizing web-2 says %q", got)
		}
		time.Sleep(1100 * time.Millisecond)
		for _, name := range []string{"web-2", "data"} {
			resClick(t, ops, name, "resource-stop")
			if got := delegText(t, ops, `[data-testid="resource-`+name+`"] [data-testid="resource-state"]`); got != "stopped" {
				t.Errorf("%s is %q after Stop", name, got)
			}
		}
		if got := delegText(t, ops, `[data-testid="resource-web-2"] [data-testid="resource-metric"]`); got != "instance.medium" {
			t.Errorf("web-2's flavor after the resize = %q", got)
		}
	})
	ok = ok && t.Run("OpsReadsUsage", func(t *testing.T) {
		for _, c := range []struct{ sel, what string }{
			{`[data-testid="resource-web-1"] [data-testid="resource-used-instance.small"]`, "web-1's use this month"},
			{`[data-testid="resource-data"] [data-testid="resource-used-storage.block"]`, "data's use this month"},
			{`[data-testid="usage-month-instance.small"] strong`, "this month's instance.small"},
			{`[data-testid="usage-month-instance.medium"] strong`, "this month's instance.medium"},
		} {
			if got := delegText(t, ops, c.sel); resAmount(t, c.what, got) <= 0 {
				t.Errorf("%s = %q, want more than nothing", c.what, got)
			}
		}
		do(t, ops, "opening the usage page", chromedp.Click(testid("open-usage")), chromedp.WaitVisible(testid("usage-totals")))
		if got := delegText(t, ops, `[data-testid="usage-total-instance.small"] strong`); resAmount(t, "the usage page's instance.small", got) <= 0 {
			t.Errorf("the usage page's instance.small total = %q", got)
		}
		rows := read(t, ops, "reading the usage records", chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="usage-row"] [data-testid="usage-source"]')].map(e => e.textContent.trim())`))
		// web-1 once, web-2 before and after its resize, data once
		if len(rows) != 4 {
			t.Errorf("usage records = %q, want 4 lifecycle records", rows)
		}
		for _, s := range rows {
			if s != "lifecycle" {
				t.Errorf("a record's source is %q, want lifecycle", s)
			}
		}
	})
	_ = ok && t.Run("ResellerSeesIt", func(t *testing.T) {
		reseller := newIncognito(t, browser)
		do(t, reseller, "signing in as Acme's admin",
			chromedp.Navigate(acme+"/login"), login("admin@acme.example", "tenantry-demo"), chromedp.WaitVisible(testid("nav")),
			chromedp.Navigate(acme+"/infrastructures?q=bakery-shop"), chromedp.WaitVisible(testid("reached-row-"+infra)))
		row := `[data-testid="reached-row-` + infra + `"]`
		if got := delegText(t, reseller, row+` [data-testid="infra-account"]`); got != "Blue Bakery" {
			t.Errorf("bakery-shop's account = %q", got)
		}
		for _, m := range []string{"instance.small", "instance.medium", "storage.block"} {
			if got := delegText(t, reseller, row+` [data-testid="infra-month-`+m+`"]`); resAmount(t, "Acme's "+m, got) <= 0 {
				t.Errorf("Acme's list: %s this month = %q", m, got)
			}
		}
	})
}
