package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The MetalCloud reseller scenarios ("Setting up users and permissions in
// reseller scenarios"), replayed in real Chromium on the platform domain:
// who sees and does what at every step, as the people of the scenario
// would find out by clicking through their panels.

// delegPW is the password of every person these tests create.
const delegPW = "Quartz-Lantern-Fjord-42"

// delegAPI sends a JSON request to the API on portal.localhost and decodes
// the answer into out (when not nil); it returns the status.
func delegAPI(t *testing.T, port, method, path, token string, body, out any) int {
	t.Helper()
	code, b := apiCall(t, port, "portal.localhost", method, "/api/v1"+path, token, body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal([]byte(b), out); err != nil {
			t.Fatalf("%s %s = %d: decoding %q: %v", method, path, code, b, err)
		}
	}
	return code
}

// delegToken signs in through the API on portal.localhost.
func delegToken(t *testing.T, port, email, pw string) string {
	t.Helper()
	return apiToken(t, port, "portal.localhost", email, pw)
}

// delegMe returns the user id and the tenant account id of a token's user.
func delegMe(t *testing.T, port, token string) (userID, tenantID string) {
	t.Helper()
	var me struct {
		User   struct{ ID string }
		Tenant struct {
			AccountID string `json:"account_id"`
		}
	}
	if code := delegAPI(t, port, http.MethodGet, "/me", token, nil, &me); code != http.StatusOK {
		t.Fatalf("GET /me = %d", code)
	}
	return me.User.ID, me.Tenant.AccountID
}

// delegCustomer creates a direct customer of the provider whose owner
// signs in with delegPW, and returns its id: setup that the scenarios take
// for granted.
func delegCustomer(t *testing.T, port, token, providerID, name, owner string) string {
	t.Helper()
	var out struct{ ID string }
	code := delegAPI(t, port, http.MethodPost, "/accounts", token, map[string]any{
		"parent_id": providerID, "kind": "customer", "name": name, "contact_email": owner,
		"owner": map[string]string{"email": owner, "name": name + " staff", "password": delegPW},
	}, &out)
	if code != http.StatusCreated || out.ID == "" {
		t.Fatalf("creating %s = %d, want 201 with an id", name, code)
	}
	return out.ID
}

// delegText reads an element's trimmed text.
func delegText(t *testing.T, tab context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(read(t, tab, "reading "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// delegStatus opens url as a person typing it would and returns the
// status of the page that answers.
func delegStatus(t *testing.T, tab context.Context, url string) int {
	t.Helper()
	resp := read(t, tab, "opening "+url, chromedp.NavigateResponse(url))
	if resp == nil {
		t.Fatalf("opening %s: no response", url)
	}
	return int(resp.Status)
}

// delegPost posts an empty form, with the page's CSRF token and the tab's
// cookies, to path from the page open in the tab, and returns the status:
// what a hand-made form would get for a button the page does not show.
func delegPost(t *testing.T, tab context.Context, path string) int {
	t.Helper()
	return read(t, tab, "posting to "+path, chromedp.Evaluate[int](`(async () => {
		const csrf = document.querySelector('input[name="_csrf"]').value;
		const r = await fetch(`+delegJS(path)+`, {method: 'POST', redirect: 'manual',
			body: new URLSearchParams({_csrf: csrf})});
		return r.status;
	})()`, chromedp.EvalAwaitPromise))
}

// delegJS quotes s for a script.
func delegJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// delegAcceptConfirms makes the page's "are you sure?" questions answer
// yes, as the person clicking would.
func delegAcceptConfirms() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { window.confirm = () => true; })()`)
}

// delegStale marks the page open in the tab, so that delegFresh waits for
// the page that replaces it (a form's answer may show the same elements
// as the page it was posted from, such as a flash).
func delegStale() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { document.body.dataset.delegStale = "1"; })()`)
}

// delegFresh selects an element by data-testid on a page not marked by
// delegStale.
func delegFresh(id string) chromedp.CSS {
	return chromedp.CSS(`body:not([data-deleg-stale]) [data-testid="` + id + `"]`)
}

// delegRow is one row of the all-in-one infrastructure list.
type delegRow struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Account   string `json:"account"`
	Delegated bool   `json:"delegated"`
}

// delegReached reads the rows of /infrastructures, open in the tab.
func delegReached(t *testing.T, tab context.Context) []delegRow {
	t.Helper()
	return read(t, tab, "reading the infrastructure list", chromedp.Evaluate[[]delegRow](`
		[...document.querySelectorAll('[data-testid^="reached-row-"]')].map(r => ({
			id: r.dataset.testid.slice("reached-row-".length),
			name: r.querySelector('[data-testid="infra-name"]').textContent.trim(),
			account: r.querySelector('[data-testid="infra-account"]').textContent.trim(),
			delegated: !!r.querySelector('[data-testid="infra-delegated"]'),
		}))`))
}

// delegNames are the names of the rows, delegated ones or the others, in
// byte order.
func delegNames(rows []delegRow, delegated bool) []string {
	var out []string
	for _, r := range rows {
		if r.Delegated == delegated {
			out = append(out, r.Name)
		}
	}
	slices.Sort(out)
	return out
}

// delegMailLinks opens the provider's Outgoing mail on portal (the tab is
// signed in as the provider's admin), finds the messages to one address,
// newest first, and returns the invitation link of each.
func delegMailLinks(t *testing.T, tab context.Context, portal, to string) []string {
	t.Helper()
	do(t, tab, "opening the outgoing mail to "+to,
		chromedp.Navigate(portal+"/provider/outbox?q="+to), chromedp.WaitVisible(testid("outbox-table")))
	pages := read(t, tab, "listing the mail to "+to, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[data-testid="outbox-subject"]')].map(a => a.href)`))
	var links []string
	for _, p := range pages {
		do(t, tab, "opening a mail to "+to, chromedp.Navigate(p), chromedp.WaitVisible(testid("outbox-links")))
		if got := delegText(t, tab, `[data-testid="outbox-to"]`); got != to {
			t.Fatalf("the outbox searched for %s lists a mail to %s", to, got)
		}
		for _, l := range read(t, tab, "reading the mail's links", chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="outbox-link"]')].map(a => a.textContent.trim())`)) {
			if strings.Contains(l, "/invitations/") {
				links = append(links, l)
			}
		}
	}
	return links
}

// delegAcceptNew follows an invitation link as a person with no user yet:
// a name, a password twice, and the accept button.
func delegAcceptNew(t *testing.T, tab context.Context, link, name string) {
	t.Helper()
	do(t, tab, "accepting the invitation "+link,
		chromedp.Navigate(link), chromedp.WaitVisible(testid("invitation-form")),
		chromedp.SendKeys(testid("input-name"), name),
		chromedp.SendKeys(testid("input-password"), delegPW),
		chromedp.SendKeys(testid("input-confirm"), delegPW),
		chromedp.Click(testid("invitation-accept")), chromedp.WaitVisible(testid("nav")))
}

// delegResellerOps makes ops@acme.example a new member of Acme Hosting
// with role Ops, as Acme's admin invites them (through the API) and they
// follow the link from the outbox, which leads to Acme's own domain; then
// they sign in on the platform domain, as reseller staff may. It returns
// the signed-in tab and the user's id.
func delegResellerOps(t *testing.T, port, portal string, browser, provider context.Context) (context.Context, string) {
	t.Helper()
	acmeAdmin := delegToken(t, port, "admin@acme.example", "tenantry-demo")
	var accounts struct{ Items []struct{ ID, Name string } }
	if code := delegAPI(t, port, http.MethodGet, "/accounts?kind=reseller&q=Acme", acmeAdmin, nil, &accounts); code != http.StatusOK || len(accounts.Items) != 1 {
		t.Fatalf("finding Acme = %d, %+v", code, accounts.Items)
	}
	if code := delegAPI(t, port, http.MethodPost, "/accounts/"+accounts.Items[0].ID+"/members", acmeAdmin,
		map[string]string{"email": "ops@acme.example", "role": "Ops"}, nil); code != http.StatusCreated {
		t.Fatalf("inviting ops@acme.example to Acme = %d, want 201", code)
	}
	links := delegMailLinks(t, provider, portal, "ops@acme.example")
	if len(links) != 1 {
		t.Fatalf("invitation links to ops@acme.example: %q, want one", links)
	}
	acme := strings.Replace(portal, "portal.localhost", "acme.localhost", 1)
	if !strings.HasPrefix(links[0], acme+"/invitations/") {
		t.Fatalf("the invitation to Acme is %s, want a link on %s", links[0], acme)
	}
	tab := newIncognito(t, browser)
	delegAcceptNew(t, tab, links[0], "Olga Ops")
	if got := scenarioAt(t, tab); got != acme+"/reseller" {
		t.Fatalf("Acme's new Ops member landed at %s, want %s/reseller", got, acme)
	}
	do(t, tab, "signing in as Acme's ops on the platform domain",
		chromedp.Navigate(portal+"/login"), login("ops@acme.example", delegPW), chromedp.WaitVisible(testid("nav")))
	if got := scenarioAt(t, tab); got != portal+"/reseller" {
		t.Fatalf("Acme's ops signed in on the platform domain lands at %s, want %s/reseller", got, portal)
	}
	id, _ := delegMe(t, port, delegToken(t, port, "ops@acme.example", delegPW))
	return tab, id
}

// delegAcceptSignedIn follows the newest invitation mailed to email (read
// from the provider's outbox) in tab, signed in as that person on the
// link's domain: one click joins. An existing user is never granted at
// once, so each delegation to them goes through this.
func delegAcceptSignedIn(t *testing.T, tab, provider context.Context, portal, email string) {
	t.Helper()
	links := delegMailLinks(t, provider, portal, email)
	if len(links) == 0 {
		t.Fatalf("no invitation mailed to %s", email)
	}
	do(t, tab, "accepting the invitation "+links[0],
		chromedp.Navigate(links[0]), chromedp.WaitVisible(testid("invitation-accept")),
		delegStale(), chromedp.Click(testid("invitation-accept")),
		// the panel, or the chooser when the user now has several accounts
		chromedp.WaitVisible(chromedp.CSS(`body:not([data-deleg-stale]) :is([data-testid="nav"], [data-testid="chooser"])`)))
}

// delegCreate creates an infrastructure from the end-user panel's
// Infrastructures page, reached through the navigation, and returns its id.
func delegCreate(t *testing.T, tab context.Context, portal, name string) string {
	t.Helper()
	do(t, tab, "creating "+name,
		chromedp.Click(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-form")),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="infra-form"] [data-testid="input-name"]`), name),
		chromedp.Click(testid("infra-submit")), chromedp.WaitVisible(testid("infra-title")))
	id, ok := strings.CutPrefix(scenarioAt(t, tab), portal+"/app/infrastructures/")
	if !ok || id == "" {
		t.Fatalf("after creating %s: at %s, want its page under /app/infrastructures", name, scenarioAt(t, tab))
	}
	if got := delegText(t, tab, `[data-testid="infra-title"]`); got != name {
		t.Errorf("the new infrastructure's page is titled %q, want %q", got, name)
	}
	return id
}

// delegAdd adds a delegate by email on the infrastructure page open in
// the tab, and returns the flash it answers with.
func delegAdd(t *testing.T, tab context.Context, email string) string {
	t.Helper()
	do(t, tab, "adding "+email+" as a delegate",
		chromedp.WaitVisible(testid("delegate-form")),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="delegate-form"] [data-testid="input-email"]`), email),
		delegStale(), chromedp.Click(testid("delegate-submit")), chromedp.WaitVisible(delegFresh("flash")))
	return delegText(t, tab, `[data-testid="flash"]`)
}

// TestBrowserMetalCloudReferral replays "referral scenario when end-users
// own the infrastructures": Company 1 and Company 2, direct customers of
// the provider, each create infrastructures and make the reseller's ops
// (a new Ops member of Acme Hosting) a delegate of some of them. The ops
// sees, from its reseller panel's Infrastructures, exactly those beside
// what its own role reaches; renames one (audited in Company 1's log);
// cannot delete one nor see anything else of Company 1; loses one on the
// very next request when Company 1 removes it; and the two companies never
// see each other's.
func TestBrowserMetalCloudReferral(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	start := time.Now()
	port := startServer(t)
	portal := "http://portal.localhost:" + port
	browser := newBrowser(t)

	admin := delegToken(t, port, "admin@nimbus.example", "tenantry-demo")
	_, providerID := delegMe(t, port, admin)
	company1 := delegCustomer(t, port, admin, providerID, "Company 1", "ops@company1.example")
	delegCustomer(t, port, admin, providerID, "Company 2", "ops@company2.example")

	provider := browser
	do(t, provider, "signing in as the provider's admin",
		chromedp.Navigate(portal+"/login"), login("admin@nimbus.example", "tenantry-demo"), chromedp.WaitVisible(testid("nav")))
	ops, opsID := delegResellerOps(t, port, portal, browser, provider)

	// each step builds on the one before: stop at the first that fails
	ok := true
	c1 := newIncognito(t, browser)
	var infra1, infra2, infra3 string
	ok = ok && t.Run("Company1CreatesAndDelegates", func(t *testing.T) {
		do(t, c1, "signing in as Company 1's ops",
			chromedp.Navigate(portal+"/login"), login("ops@company1.example", delegPW), chromedp.WaitVisible(testid("account-title")))
		if got := delegText(t, c1, `[data-testid="account-title"]`); got != "Company 1" {
			t.Fatalf("Company 1's ops signed in to %q", got)
		}
		infra1 = delegCreate(t, c1, portal, "client1 infra 1")
		infra2 = delegCreate(t, c1, portal, "client1 infra 2")
		infra3 = delegCreate(t, c1, portal, "client1 infra 3")
		for _, id := range []string{infra1, infra2} {
			do(t, c1, "opening "+id+" from the list",
				chromedp.Click(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-row-"+id)),
				chromedp.Click(chromedp.CSS(`[data-testid="infra-row-`+id+`"] [data-testid="infra-name"]`)),
				chromedp.WaitVisible(testid("delegate-form")))
			if got := delegAdd(t, c1, "ops@acme.example"); !strings.HasPrefix(got, "ops@acme.example is invited") {
				t.Errorf("adding Acme's ops (who has a user) says %q, want an invitation, as for anyone", got)
			}
			delegAcceptSignedIn(t, ops, provider, portal, "ops@acme.example")
			do(t, c1, "opening "+id+" again", chromedp.Navigate(portal+"/infrastructures/"+id),
				chromedp.WaitVisible(testid("delegate-form")))
			if got := delegText(t, c1, `[data-testid="delegate-`+opsID+`"] [data-testid="delegate-email"]`); got != "ops@acme.example" {
				t.Errorf("the Delegates section lists %q, want ops@acme.example", got)
			}
		}
	})

	c2 := newIncognito(t, browser)
	var infraC2 string
	ok = ok && t.Run("Company2CreatesAndDelegates", func(t *testing.T) {
		do(t, c2, "signing in as Company 2's ops",
			chromedp.Navigate(portal+"/login"), login("ops@company2.example", delegPW), chromedp.WaitVisible(testid("account-title")))
		infraC2 = delegCreate(t, c2, portal, "client2 infra 1")
		if got := delegAdd(t, c2, "ops@acme.example"); !strings.HasPrefix(got, "ops@acme.example is invited") {
			t.Errorf("adding Acme's ops says %q", got)
		}
		delegAcceptSignedIn(t, ops, provider, portal, "ops@acme.example")
	})

	var own []string
	ok = ok && t.Run("ResellerOpsSeesExactlyItsDelegations", func(t *testing.T) {
		do(t, ops, "opening Infrastructures from the reseller panel",
			chromedp.Navigate(portal+"/reseller"), chromedp.WaitVisible(testid("nav")),
			chromedp.Click(testid("nav-infrastructures")), chromedp.WaitVisible(testid("reached-table")))
		if got := scenarioAt(t, ops); got != portal+"/infrastructures" {
			t.Errorf("the navigation led to %s, want %s/infrastructures", got, portal)
		}
		rows := delegReached(t, ops)
		want := []string{"client1 infra 1", "client1 infra 2", "client2 infra 1"}
		if got := delegNames(rows, true); !slices.Equal(got, want) {
			t.Errorf("delegated rows: %q, want %q", got, want)
		}
		wantAccount := map[string]string{infra1: "Company 1", infra2: "Company 1", infraC2: "Company 2"}
		for _, r := range rows {
			switch {
			case r.ID == infra3:
				t.Errorf("the list shows Company 1's undelegated infrastructure: %+v", r)
			case r.Delegated && wantAccount[r.ID] != r.Account:
				t.Errorf("delegated row %+v: want account %q", r, wantAccount[r.ID])
			case !r.Delegated && (r.Account == "Company 1" || r.Account == "Company 2"):
				t.Errorf("row %+v: a company's infrastructure reached by a role", r)
			}
		}
		// what the Ops role on Acme reaches by itself: its customers'
		own = delegNames(rows, false)
		if !slices.Contains(own, "web-prod") {
			t.Errorf("rows reached by the role: %q, want Blue Bakery's web-prod among them", own)
		}
		if got, want := delegText(t, ops, `[data-testid="infra-total"]`), strconv.Itoa(len(own)+3)+" infrastructures"; got != want {
			t.Errorf("the total reads %q, want %q", got, want)
		}

		if code := delegStatus(t, ops, portal+"/infrastructures/"+infra3); code != http.StatusNotFound {
			t.Errorf("GET /infrastructures/<client1 infra 3> = %d, want 404", code)
		}
	})

	const renamed = "client1 infra 1 (managed by Acme)"
	ok = ok && t.Run("ResellerOpsManagesButCannotDelete", func(t *testing.T) {
		do(t, ops, "opening client1 infra 1 from the list",
			chromedp.Navigate(portal+"/infrastructures"), chromedp.WaitVisible(testid("reached-row-"+infra1)),
			chromedp.Click(chromedp.CSS(`[data-testid="reached-row-`+infra1+`"] [data-testid="infra-name"]`)),
			chromedp.WaitVisible(testid("infra-edit")))
		if got := delegText(t, ops, `[data-testid="infra-account"]`); got != "Company 1" {
			t.Errorf("the page names the account %q, want Company 1", got)
		}
		if got := delegText(t, ops, `[data-testid="infra-delegated"]`); got != "delegate" {
			t.Errorf("the page's access badge reads %q, want delegate", got)
		}
		for _, absent := range []string{"infra-delete-form", "delegate-form", "delegates-table", "delegates-empty"} {
			if n := read(t, ops, "looking for "+absent, chromedp.Evaluate[int](
				`document.querySelectorAll('[data-testid="`+absent+`"]').length`)); n != 0 {
				t.Errorf("a delegate's page shows %s", absent)
			}
		}
		if code := delegPost(t, ops, "/infrastructures/"+infra1+"/delete"); code != http.StatusForbidden {
			t.Errorf("POST /infrastructures/<id>/delete as a delegate = %d, want 403", code)
		}
		do(t, ops, "renaming it",
			chromedp.SetValue(chromedp.CSS(`[data-testid="infra-edit"] [data-testid="input-name"]`), renamed),
			delegStale(), chromedp.Click(testid("infra-save")), chromedp.WaitVisible(delegFresh("flash")))
		if got := delegText(t, ops, `[data-testid="infra-title"]`); got != renamed {
			t.Errorf("after renaming, the title reads %q", got)
		}
		if code := delegStatus(t, ops, portal+"/infrastructures/"+infra1); code != http.StatusOK {
			t.Errorf("the renamed infrastructure's page = %d", code)
		}
	})

	ok = ok && t.Run("ResellerOpsSeesNothingElseOfCompany1", func(t *testing.T) {
		for _, path := range []string{"/app", "/app/infrastructures", "/app/users", "/app/cost-centers", "/app/audit",
			"/app/infrastructures/" + infra1, "/reseller/accounts/" + company1,
			"/reseller/users?account=" + company1, "/reseller/cost-centers?account=" + company1} {
			if code := delegStatus(t, ops, portal+path); code != http.StatusNotFound {
				t.Errorf("GET %s as the reseller's ops = %d, want 404", path, code)
			}
		}
		token := delegToken(t, port, "ops@acme.example", delegPW)
		for _, path := range []string{"/accounts/" + company1, "/accounts/" + company1 + "/infrastructures",
			"/accounts/" + company1 + "/members", "/infrastructures/" + infra3} {
			if code := delegAPI(t, port, http.MethodGet, path, token, nil, nil); code != http.StatusNotFound {
				t.Errorf("API GET %s as the reseller's ops = %d, want 404", path, code)
			}
		}
		if code := delegAPI(t, port, http.MethodDelete, "/infrastructures/"+infra2, token, nil, nil); code != http.StatusForbidden {
			t.Errorf("API DELETE a delegated infrastructure = %d, want 403", code)
		}
	})

	ok = ok && t.Run("Company1SeesTheRenameAndWho", func(t *testing.T) {
		do(t, c1, "opening Company 1's infrastructures",
			chromedp.Click(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-row-"+infra1)))
		if got := delegText(t, c1, `[data-testid="infra-row-`+infra1+`"] [data-testid="infra-name"]`); got != renamed {
			t.Errorf("Company 1's list names it %q, want %q", got, renamed)
		}
		do(t, c1, "opening the audit log",
			chromedp.Click(testid("nav-audit")), chromedp.WaitVisible(testid("audit-table")))
		type event struct{ Actor, Action, Summary string }
		events := read(t, c1, "reading the audit log", chromedp.Evaluate[[]event](`
			[...document.querySelectorAll('[data-testid^="audit-row-"]')].map(r => ({
				Actor: r.querySelector('[data-testid="audit-actor"]').textContent.trim(),
				Action: r.querySelector('[data-testid="audit-action"]').title,
				Summary: r.querySelector('[data-testid="audit-summary"]').textContent.trim(),
			}))`))
		found := false
		for _, e := range events {
			found = found || (e.Action == "infrastructure.update" && e.Actor == "ops@acme.example" && strings.Contains(e.Summary, renamed))
		}
		if !found {
			t.Errorf("Company 1's audit log has no infrastructure.update by ops@acme.example naming %q: %+v", renamed, events)
		}
	})

	ok = ok && t.Run("Company1RemovesADelegation", func(t *testing.T) {
		do(t, c1, "opening client1 infra 2",
			chromedp.Click(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-row-"+infra2)),
			chromedp.Click(chromedp.CSS(`[data-testid="infra-row-`+infra2+`"] [data-testid="infra-name"]`)),
			chromedp.WaitVisible(testid("delegate-"+opsID)))
		do(t, c1, "removing Acme's ops",
			delegAcceptConfirms(),
			chromedp.Click(chromedp.CSS(`[data-testid="delegate-`+opsID+`"] [data-testid="delegate-remove"]`)),
			chromedp.WaitVisible(delegFresh("flash")), chromedp.WaitVisible(testid("delegates-empty")))

		if code := delegStatus(t, ops, portal+"/infrastructures/"+infra2); code != http.StatusNotFound {
			t.Errorf("the very next request for client1 infra 2 = %d, want 404", code)
		}
		do(t, ops, "opening the list again", chromedp.Navigate(portal+"/infrastructures"), chromedp.WaitVisible(testid("reached-table")))
		rows := delegReached(t, ops)
		if got, want := delegNames(rows, true), []string{renamed, "client2 infra 1"}; !slices.Equal(got, want) {
			t.Errorf("delegated rows after the removal: %q, want %q", got, want)
		}
		if got := delegNames(rows, false); !slices.Equal(got, own) {
			t.Errorf("rows by role changed: %q, want %q", got, own)
		}
	})

	if !ok {
		return
	}
	t.Run("CompaniesNeverSeeEachOther", func(t *testing.T) {
		do(t, c1, "opening every infrastructure Company 1's ops reaches",
			chromedp.Navigate(portal+"/infrastructures"), chromedp.WaitVisible(testid("reached-table")))
		rows := delegReached(t, c1)
		if got, want := delegNames(rows, false), []string{renamed, "client1 infra 2", "client1 infra 3"}; !slices.Equal(got, want) {
			t.Errorf("Company 1's ops reaches %q, want %q", got, want)
		}
		if got := delegNames(rows, true); len(got) != 0 {
			t.Errorf("Company 1's ops has delegations: %q", got)
		}
		for _, path := range []string{"/infrastructures/" + infraC2, "/app/infrastructures/" + infraC2} {
			if code := delegStatus(t, c1, portal+path); code != http.StatusNotFound {
				t.Errorf("GET %s (Company 2's) as Company 1's ops = %d, want 404", path, code)
			}
		}
		do(t, c2, "opening Company 2's infrastructures",
			chromedp.Click(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-table")))
		if got := delegText(t, c2, `[data-testid="infra-table"]`); strings.Contains(got, "client1") {
			t.Errorf("Company 2's list shows Company 1's: %q", got)
		}
	})

	if d := time.Since(start); d > 25*time.Second {
		t.Logf("the referral scenario took %s; keep it under 25s", d.Round(time.Millisecond))
	}
}

// delegTexts reads the trimmed text of every element a CSS selector
// matches, in page order.
func delegTexts(t *testing.T, tab context.Context, sel string) []string {
	t.Helper()
	return read(t, tab, "reading "+sel, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(`+delegJS(sel)+`)].map(e => e.textContent.trim())`))
}

// TestBrowserMetalCloudManagedWithAccess replays "reseller scenario when
// end-users have access to infrastructures": a billing person (finance)
// owns a customer account and makes the reseller's ops (a new Ops member
// of Acme) an account delegate with role Ops from its Users page; the ops
// creates each client's infrastructures in that account from its
// all-in-one Infrastructures list and invites ops@company1 (no user yet)
// on the two of company 1 and ops@company2 on the one of company 2; each
// follows the links the outbox shows, sets a password, lands on
// /infrastructures and sees exactly its own, and nothing else; a link
// works once; and finance still sees every infrastructure and its
// delegates.
func TestBrowserMetalCloudManagedWithAccess(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	start := time.Now()
	port := startServer(t)
	portal := "http://portal.localhost:" + port
	browser := newBrowser(t)

	const billing = "Acme Managed Clients"
	admin := delegToken(t, port, "admin@nimbus.example", "tenantry-demo")
	_, providerID := delegMe(t, port, admin)
	billingID := delegCustomer(t, port, admin, providerID, billing, "finance@acme.example")

	provider := browser
	do(t, provider, "signing in as the provider's admin",
		chromedp.Navigate(portal+"/login"), login("admin@nimbus.example", "tenantry-demo"), chromedp.WaitVisible(testid("nav")))
	ops, opsID := delegResellerOps(t, port, portal, browser, provider)

	ok := true
	finance := newIncognito(t, browser)
	ok = ok && t.Run("FinanceMakesOpsAnAccountDelegate", func(t *testing.T) {
		do(t, finance, "signing in as finance",
			chromedp.Navigate(portal+"/login"), login("finance@acme.example", delegPW), chromedp.WaitVisible(testid("account-title")))
		if got := delegText(t, finance, `[data-testid="account-title"]`); got != billing {
			t.Fatalf("finance signed in to %q, want %q", got, billing)
		}
		do(t, finance, "inviting Acme's ops as a delegate with role Ops",
			chromedp.Click(testid("nav-users")), chromedp.WaitVisible(testid("invite-form")),
			chromedp.SendKeys(chromedp.CSS(`[data-testid="invite-form"] [data-testid="input-email"]`), "ops@acme.example"),
			chromedp.SetValue(chromedp.CSS(`[data-testid="invite-form"] [data-testid="input-role"]`), "Ops"),
			chromedp.Click(testid("input-delegate")),
			chromedp.Click(testid("invite-submit")), chromedp.WaitVisible(testid("flash")))
		if got := delegText(t, finance, `[data-testid="flash"]`); got != "Invitation sent to ops@acme.example." {
			t.Errorf("inviting Acme's ops (who has a user) says %q, want the invitation sent, as for anyone", got)
		}
		delegAcceptSignedIn(t, ops, provider, portal, "ops@acme.example")
		do(t, finance, "opening the Users page again",
			chromedp.Click(testid("nav-users")), chromedp.WaitVisible(testid("user-"+opsID)))
		row := `[data-testid="user-` + opsID + `"]`
		if got := delegText(t, finance, row+` [data-testid="delegate-badge"]`); got != "delegate" {
			t.Errorf("the Users page marks Acme's ops %q, want delegate", got)
		}
		role := read(t, finance, "reading the delegate's role", chromedp.Evaluate[string](
			`(() => { const r = document.querySelector(`+delegJS(row)+`);
				const s = r.querySelector('[data-testid="input-role"]'); return s ? s.value : r.querySelector('[data-testid="user-role"]').textContent.trim(); })()`))
		if role != "Ops" {
			t.Errorf("Acme's ops has role %q on %s, want Ops", role, billing)
		}
	})

	infras := map[string]string{} // name → id
	names := []string{"company1 infra 1", "company1 infra 2", "company2 infra 1"}
	ok = ok && t.Run("OpsCreatesTheClientsInfrastructures", func(t *testing.T) {
		for _, name := range names {
			do(t, ops, "creating "+name+" from the all-in-one list",
				chromedp.Navigate(portal+"/reseller"), chromedp.WaitVisible(testid("nav")),
				chromedp.Click(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-form")),
				chromedp.SetValue(chromedp.CSS(`[data-testid="infra-form"] [data-testid="input-account_id"]`), billingID),
				chromedp.SendKeys(chromedp.CSS(`[data-testid="infra-form"] [data-testid="input-name"]`), name),
				chromedp.Click(testid("infra-submit")), chromedp.WaitVisible(testid("infra-title")))
			id, found := strings.CutPrefix(scenarioAt(t, ops), portal+"/infrastructures/")
			if !found || id == "" {
				t.Fatalf("after creating %s: at %s", name, scenarioAt(t, ops))
			}
			infras[name] = id
			if got := delegText(t, ops, `[data-testid="infra-account"]`); got != billing {
				t.Errorf("%s belongs to %q, want %q", name, got, billing)
			}
		}
	})

	ok = ok && t.Run("OpsInvitesTheClients", func(t *testing.T) {
		for _, inv := range []struct{ infra, email string }{
			{"company1 infra 1", "ops@company1.example"},
			{"company1 infra 2", "ops@company1.example"},
			{"company2 infra 1", "ops@company2.example"},
		} {
			do(t, ops, "opening "+inv.infra, chromedp.Navigate(portal+"/infrastructures/"+infras[inv.infra]),
				chromedp.WaitVisible(testid("delegate-form")))
			if got := delegAdd(t, ops, inv.email); !strings.HasPrefix(got, inv.email+" is invited") {
				t.Errorf("inviting %s to %s says %q", inv.email, inv.infra, got)
			}
			if got := delegTexts(t, ops, `[data-testid^="delegate-invitation-"] [data-testid="delegate-email"]`); !slices.Equal(got, []string{inv.email}) {
				t.Errorf("open invitations on %s: %q, want %s", inv.infra, got, inv.email)
			}
		}
	})

	// each client's ops: who, which infrastructures they must see
	clients := []struct {
		email, name string
		want        []string
	}{
		{"ops@company1.example", "Cora Company1", []string{"company1 infra 1", "company1 infra 2"}},
		{"ops@company2.example", "Cole Company2", []string{"company2 infra 1"}},
	}
	for _, c := range clients {
		ok = ok && t.Run("ClientFollowsTheLinks/"+c.email, func(t *testing.T) {
			links := delegMailLinks(t, provider, portal, c.email)
			if len(links) != len(c.want) {
				t.Fatalf("invitation links to %s: %q, want %d", c.email, links, len(c.want))
			}
			slices.Reverse(links) // oldest first: the order they were sent in
			tab := newIncognito(t, browser)
			for i, link := range links {
				if !strings.HasPrefix(link, portal+"/invitations/") {
					t.Fatalf("invitation link %s, want one on %s", link, portal)
				}
				if i == 0 {
					delegAcceptNew(t, tab, link, c.name)
				} else {
					// signed in by the first: one click joins
					do(t, tab, "accepting the next invitation",
						chromedp.Navigate(link), chromedp.WaitVisible(testid("invitation-accept")),
						delegStale(), chromedp.Click(testid("invitation-accept")), chromedp.WaitVisible(delegFresh("nav")))
				}
				if got := scenarioAt(t, tab); got != portal+"/infrastructures" {
					t.Errorf("after accepting: at %s, want %s/infrastructures", got, portal)
				}
				rows := delegReached(t, tab)
				if got, want := delegNames(rows, true), c.want[:i+1]; !slices.Equal(got, want) || len(rows) != len(want) {
					t.Errorf("after %d link(s) %s reaches %+v, want exactly %q, delegated", i+1, c.email, rows, want)
				}
			}
			if got := delegTexts(t, tab, `[data-testid="nav"] a`); !slices.Equal(got, []string{"Infrastructures"}) {
				t.Errorf("%s's navigation: %q, want Infrastructures only", c.email, got)
			}
			for _, link := range links {
				if code := delegStatus(t, tab, link); code != http.StatusNotFound {
					t.Errorf("a used invitation link = %d, want 404", code)
				}
				if got := delegText(t, tab, "body"); !strings.Contains(got, "already used") {
					t.Errorf("a used invitation link says %q", got)
				}
			}
			stranger := newIncognito(t, browser)
			if code := delegStatus(t, stranger, links[0]); code != http.StatusNotFound {
				t.Errorf("a used invitation link, signed out = %d, want 404", code)
			}
			paths := []string{"/app", "/app/users", "/app/infrastructures", "/reseller", "/provider"}
			for name, id := range infras {
				if !slices.Contains(c.want, name) {
					paths = append(paths, "/infrastructures/"+id)
				}
			}
			for _, path := range paths {
				if code := delegStatus(t, tab, portal+path); code != http.StatusNotFound {
					t.Errorf("GET %s as %s = %d, want 404", path, c.email, code)
				}
			}
			do(t, tab, "signing out and in again",
				chromedp.Navigate(portal+"/infrastructures"), chromedp.WaitVisible(testid("logout")),
				chromedp.Click(testid("logout")), chromedp.WaitVisible(testid("login-form")),
				login(c.email, delegPW), chromedp.WaitVisible(testid("nav")))
			if got := scenarioAt(t, tab); got != portal+"/infrastructures" {
				t.Errorf("%s, with delegations only, lands at %s after signing in, want %s/infrastructures", c.email, got, portal)
			}
		})
	}

	if !ok {
		return
	}
	t.Run("FinanceSeesEverythingAndTheDelegates", func(t *testing.T) {
		do(t, finance, "opening the infrastructures",
			chromedp.Click(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-table")))
		got := delegTexts(t, finance, `[data-testid="infra-table"] [data-testid="infra-name"]`)
		slices.Sort(got)
		if !slices.Equal(got, names) {
			t.Errorf("finance's infrastructures: %q, want %q", got, names)
		}
		for _, name := range names {
			want := "ops@company1.example"
			if strings.HasPrefix(name, "company2") {
				want = "ops@company2.example"
			}
			do(t, finance, "opening "+name+" from the list",
				chromedp.Click(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-row-"+infras[name])),
				chromedp.Click(chromedp.CSS(`[data-testid="infra-row-`+infras[name]+`"] [data-testid="infra-name"]`)),
				chromedp.WaitVisible(testid("delegates-table")))
			if got := delegTexts(t, finance, `[data-testid="delegates-table"] [data-testid="delegate-email"]`); !slices.Equal(got, []string{want}) {
				t.Errorf("%s's delegates as finance sees them: %q, want %s (and no open invitation)", name, got, want)
			}
		}
	})

	if d := time.Since(start); d > 25*time.Second {
		t.Logf("the managed-with-access scenario took %s; keep it under 25s", d.Round(time.Millisecond))
	}
}
