package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Helpers of the scenario tests: they replay documented scenarios step by
// step, as a person would, and check at each step who sees and does what.

// scenarioText is the trimmed visible text of the element with a testid.
func scenarioText(t *testing.T, tab context.Context, id string) string {
	t.Helper()
	return strings.TrimSpace(read(t, tab, "reading "+id, chromedp.Text(testid(id))))
}

// scenarioAt is the tab's URL.
func scenarioAt(t *testing.T, tab context.Context) string {
	t.Helper()
	return read(t, tab, "reading the location", chromedp.Location())
}

// present reports whether an element with the testid is on the page now
// (no waiting: the page has loaded when this is asked).
func present(t *testing.T, tab context.Context, id string) bool {
	t.Helper()
	return read(t, tab, "looking for "+id, chromedp.Evaluate[bool](
		fmt.Sprintf(`document.querySelector('[data-testid=%q]') !== null`, id)))
}

// pageText is the visible text of the whole page.
func pageText(t *testing.T, tab context.Context) string {
	t.Helper()
	return read(t, tab, "reading the page", chromedp.Evaluate[string](`document.body.innerText`))
}

// clickTo clicks what leads to another page (a link, a submit button) and
// waits until that page has replaced the one clicked on, so that the next
// wait or read cannot see the old page.
func clickTo[S chromedp.Selectable](sel S) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.left = "yes"`)(ctx, t); err != nil {
			return err
		}
		if _, err := chromedp.Click(sel)(ctx, t); err != nil {
			return err
		}
		for {
			// fails while the new page's document is not there yet
			fresh, err := chromedp.Evaluate[bool](`document.readyState !== "loading" && document.documentElement.dataset.left !== "yes"`)(ctx, t)
			if err == nil && fresh {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("no new page after the click: %w", ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
}

// acceptDialogs says OK to every confirm() of the tab, as a person who
// means the destructive action they clicked would.
func acceptDialogs(t *testing.T, tab context.Context) {
	t.Helper()
	err := chromedp.Listen(tab, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			// fn must not run a command itself: answer from another goroutine
			go func() {
				_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	})
	if err != nil {
		t.Fatalf("listening for dialogs: %v", err)
	}
}

// cssOf is the CSS selector of a testid, or sel itself when it is a CSS
// selector already (it has brackets or spaces).
func cssOf(sel string) string {
	if strings.ContainsAny(sel, "[ ") {
		return sel
	}
	return fmt.Sprintf("[data-testid=%q]", sel)
}

// options are the labels of a select's options, in order; sel is a testid
// or a CSS selector.
func options(t *testing.T, tab context.Context, sel string) []string {
	t.Helper()
	return read(t, tab, "reading the options of "+sel, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelector(%q).options).map(o => o.textContent.trim())`, cssOf(sel))))
}

// chooseOption picks the option of a select whose label is label, as a
// person picks it from the list; it fails when there is none.
func chooseOption(sel, label string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => {
		const s = document.querySelector(%q);
		const o = s && Array.from(s.options).find(o => o.textContent.trim() === %q);
		if (!o) { throw new Error(%q); }
		s.value = o.value;
		s.dispatchEvent(new Event('change', {bubbles: true}));
	})()`, cssOf(sel), label, "no option "+label+" in "+sel)
	return chromedp.Evaluate[chromedp.Void](js)
}

// accountIDIn is the account id at the end of a /<panel>/accounts/<id> URL.
func accountIDIn(t *testing.T, loc string) string {
	t.Helper()
	i := strings.LastIndex(loc, "/accounts/")
	if i < 0 {
		t.Fatalf("%s is no account page", loc)
	}
	return strings.SplitN(loc[i+len("/accounts/"):], "?", 2)[0]
}

// apiCall sends a JSON request to the API on host:port (as the browser
// would address it) and returns the status and the body.
func apiCall(t *testing.T, port, host, method, path, token string, body any) (int, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, "http://127.0.0.1:"+port+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host + ":" + port
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("%s http://%s%s: %v", method, req.Host, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// apiToken signs in through POST /api/v1/auth/token on host.
func apiToken(t *testing.T, port, host, email, pw string) string {
	t.Helper()
	code, body := apiCall(t, port, host, http.MethodPost, "/api/v1/auth/token", "",
		map[string]string{"email": email, "password": pw, "name": "scenario test"})
	var out struct{ Token string }
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &out) != nil || out.Token == "" {
		t.Fatalf("POST /api/v1/auth/token as %s on %s = %d %s", email, host, code, body)
	}
	return out.Token
}

// errorCode is the "code" of an API error body.
func errorCode(body string) string {
	var e struct{ Error struct{ Code string } }
	_ = json.Unmarshal([]byte(body), &e)
	return e.Error.Code
}

// TestBrowserUmbrellaCustomerOrganization replays the Configuration Flow
// and the rules of "Customer Organization" in the Umbrella MSP document,
// with Acme's admin in the reseller panel on acme.localhost: an active
// anchor (Parent Organization = Yes) is the only kind the new-customer form
// offers; the billable customer chosen under it keeps it for good; the
// anchor holds no infrastructures; the My Org / Customer switch of Users
// and Roles manages a customer's people, who see only their own; and a
// user granted on two customers of the organization reaches both.
func TestBrowserUmbrellaCustomerOrganization(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	start := time.Now()
	port := startServer(t)
	acme := "http://acme.localhost:" + port
	browser := newBrowser(t)
	admin := browser
	acceptDialogs(t, admin)

	const (
		anchor     = "Northwind Holdings"
		retail     = "Northwind Retail"
		logistics  = "Northwind Logistics"
		retailOwn  = "owner@northwind-retail.example"
		ownerPW    = "Harbour-Lights-Retail-42"
		customRole = "Retail Reporting"
		buyer      = "buyer@northwind-retail.example"
	)
	var anchorID, retailID, logisticsID string
	// the invite form's role, not a member's
	const inviteRole = `[data-testid=invite-form] [data-testid=input-role]`
	ok := true

	// createCustomer fills the new-account form reached from the
	// navigation and opens the new account's page; org is the
	// organization to choose, "" for none.
	createCustomer := func(t *testing.T, name, owner, org string, isOrg bool) string {
		t.Helper()
		do(t, admin, "opening the new-account form",
			clickTo(testid("nav-new-account")), chromedp.WaitVisible(testid("account-form")))
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(testid("input-name"), name),
			chromedp.SendKeys(testid("input-owner.name"), "Owner of "+name),
			chromedp.SendKeys(testid("input-owner.email"), owner),
			chromedp.SendKeys(testid("input-owner.password"), ownerPW),
		}
		if org != "" {
			steps = append(steps, chooseOption("input-organization_id", org))
		}
		if isOrg {
			steps = append(steps, chromedp.Click(testid("input-is_organization")))
		}
		steps = append(steps, clickTo(testid("account-submit")), chromedp.WaitVisible(testid("account-created")),
			clickTo(testid("open-account")), chromedp.WaitVisible(testid("account-title")))
		do(t, admin, "creating "+name, steps...)
		if got := scenarioText(t, admin, "account-title"); got != name {
			t.Fatalf("the new account's page is for %q, want %q", got, name)
		}
		return accountIDIn(t, scenarioAt(t, admin))
	}
	// orgChoices are the organizations the new-account form offers.
	orgChoices := func(t *testing.T) []string {
		t.Helper()
		do(t, admin, "opening the new-account form",
			clickTo(testid("nav-new-account")), chromedp.WaitVisible(testid("account-form-organization")))
		if !present(t, admin, "input-organization_id") {
			return nil
		}
		return options(t, admin, "input-organization_id")
	}
	has := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}

	ok = ok && t.Run("1_CreateTheOrganizationCustomer", func(t *testing.T) {
		do(t, admin, "signing in as admin@acme.example",
			chromedp.Navigate(acme+"/login"), login("admin@acme.example", "tenantry-demo"), chromedp.WaitVisible(testid("nav")))
		if got := orgChoices(t); len(got) != 0 {
			t.Errorf("before any anchor exists the form offers organizations %q", got)
		}
		anchorID = createCustomer(t, anchor, "it@northwind.example", "", true)
		if got := scenarioText(t, admin, "account-parent-org"); got != "Yes" {
			t.Errorf("%s's page reads Organization anchor = %q, want Yes", anchor, got)
		}
		if got := scenarioText(t, admin, "account-status"); !strings.EqualFold(got, "active") {
			t.Fatalf("%s is %q right after creation, want active", anchor, got)
		}

		// an anchor that is not active is not selectable
		do(t, admin, "suspending "+anchor,
			chromedp.SendKeys(testid("input-suspend_reason"), "Contract under review"),
			clickTo(testid("suspend")), chromedp.WaitVisible(testid("reactivate")))
		if got := orgChoices(t); has(got, anchor) {
			t.Errorf("the new-customer form offers the suspended anchor: %q", got)
		}
		do(t, admin, "reactivating "+anchor,
			chromedp.Navigate(acme+"/reseller/accounts/"+anchorID), chromedp.WaitVisible(testid("reactivate")),
			clickTo(testid("reactivate")), chromedp.WaitVisible(testid("suspend")))
		if got := orgChoices(t); !has(got, anchor) {
			t.Errorf("the new-customer form does not offer the active anchor: %q", got)
		}
	})
	if !ok {
		return
	}

	t.Run("2_CustomerListShowsParentOrganizationYes", func(t *testing.T) {
		do(t, admin, "opening the customer list",
			clickTo(testid("nav-accounts")), chromedp.WaitVisible(testid("accounts-table")))
		row := "account-row-" + anchorID
		if got := strings.TrimSpace(read(t, admin, "reading the anchor's row",
			chromedp.Text(chromedp.CSS(fmt.Sprintf("[data-testid=%q] [data-testid=account-parent-org]", row))))); got != "Yes" {
			t.Errorf("the list reads Organization anchor = %q for %s, want Yes", got, anchor)
		}
		if got := strings.TrimSpace(read(t, admin, "reading Blue Bakery's row",
			chromedp.Text(chromedp.Search(`//tr[.//a[normalize-space()="Blue Bakery"]]/td[@data-testid="account-parent-org"]`)))); got != "No" {
			t.Errorf("the list reads Organization anchor = %q for Blue Bakery, want No", got)
		}
		do(t, admin, "filtering Organization anchor: Yes",
			chooseOption("input-organization", "Organization anchor: Yes"),
			clickTo(chromedp.CSS(`[data-testid=account-search] button[type=submit]`)),
			chromedp.WaitVisible(testid("accounts-table")))
		if got := scenarioText(t, admin, "accounts-table"); !strings.Contains(got, anchor) || strings.Contains(got, "Blue Bakery") {
			t.Errorf("Organization anchor: Yes lists:\n%s\nwant %s and no Blue Bakery", got, anchor)
		}
	})

	ok = ok && t.Run("3_CreateTheBillableCustomerUnderIt", func(t *testing.T) {
		retailID = createCustomer(t, retail, retailOwn, anchor, false)
		if got := scenarioText(t, admin, "account-organization"); got != anchor {
			t.Errorf("%s's organization reads %q, want %s", retail, got, anchor)
		}
		if got := scenarioText(t, admin, "account-parent-org"); got != "No" {
			t.Errorf("%s reads Organization anchor = %q, want No", retail, got)
		}
		// permanent: shown read-only, with no form to change it
		if got := scenarioText(t, admin, "organization-readonly"); got != anchor {
			t.Errorf("the organization section reads %q, want %s read-only", got, anchor)
		}
		for _, id := range []string{"organization-form", "organization-save", "input-organization_id", "mark-organization"} {
			if present(t, admin, id) {
				t.Errorf("%s's page offers %s: the organization must be read-only once set", retail, id)
			}
		}
		do(t, admin, "opening the anchor's page",
			chromedp.Navigate(acme+"/reseller/accounts/"+anchorID), chromedp.WaitVisible(testid("organization-members")))
		if got := scenarioText(t, admin, "organization-members"); !strings.Contains(got, retail) {
			t.Errorf("the anchor lists its customers as %q, want %s", got, retail)
		}
		if present(t, admin, "unmark-organization") {
			t.Errorf("an anchor with customers offers to unmark it")
		}
	})
	if !ok {
		return
	}

	t.Run("4_AnchorHoldsNoInfrastructuresAndOrganizationIsPermanent", func(t *testing.T) {
		token := apiToken(t, port, "acme.localhost", "admin@acme.example", "tenantry-demo")
		code, body := apiCall(t, port, "acme.localhost", http.MethodPost, "/api/v1/accounts/"+anchorID+"/infrastructures", token,
			map[string]string{"name": "web-prod"})
		if code != http.StatusUnprocessableEntity || errorCode(body) != "organization_anchor" {
			t.Errorf("an infrastructure on the anchor: %d %s, want 422 organization_anchor", code, body)
		}
		code, body = apiCall(t, port, "acme.localhost", http.MethodPost, "/api/v1/accounts/"+retailID+"/infrastructures", token,
			map[string]string{"name": "web-prod"})
		if code != http.StatusCreated {
			t.Errorf("an infrastructure on the billable customer: %d %s, want 201", code, body)
		}

		// a second anchor to try to move to
		code, body = apiCall(t, port, "acme.localhost", http.MethodPost, "/api/v1/accounts", token, map[string]any{
			"parent_id": retailParent(t, port, token, retailID), "kind": "customer",
			"name": "Southwind Holdings", "is_organization": true})
		var other struct{ ID string }
		if code != http.StatusCreated || json.Unmarshal([]byte(body), &other) != nil {
			t.Fatalf("creating a second anchor: %d %s", code, body)
		}
		for _, to := range []any{other.ID, nil} {
			code, body = apiCall(t, port, "acme.localhost", http.MethodPatch, "/api/v1/accounts/"+retailID, token,
				map[string]any{"organization_id": to})
			if code != http.StatusConflict {
				t.Errorf("PATCH organization_id %v on %s: %d %s, want 409", to, retail, code, body)
			}
		}
		code, body = apiCall(t, port, "acme.localhost", http.MethodGet, "/api/v1/accounts/"+retailID, token, nil)
		if !strings.Contains(body, `"organization_id":"`+anchorID+`"`) {
			t.Errorf("after the refused changes %s reads %d %s, want organization_id %s", retail, code, body, anchorID)
		}

		// the anchor's own Owner, in its panel, cannot create one either
		tab := newIncognito(t, browser)
		do(t, tab, "signing in as the anchor's Owner",
			chromedp.Navigate(acme+"/login"), login("it@northwind.example", ownerPW), chromedp.WaitVisible(testid("account-title")),
			clickTo(testid("nav-infrastructures")), chromedp.WaitVisible(testid("nav")))
		// read-only for infrastructures, as the document has it
		if present(t, tab, "infra-form") {
			t.Error("the anchor's Infrastructures page offers the create form")
		}
		if !present(t, tab, "infra-anchor-note") {
			t.Error("the anchor's Infrastructures page does not say why it holds none")
		}
	})

	ok = ok && t.Run("5_SwitchToTheCustomerOnRolesAndUsers", func(t *testing.T) {
		// Roles: switch right, find the customer, add a role to it
		do(t, admin, "opening Roles", clickTo(testid("nav-roles")), chromedp.WaitVisible(testid("org-switch")))
		if got := scenarioText(t, admin, "role-form"); got == "" {
			t.Fatal("no role form on My Org")
		}
		do(t, admin, "searching the switch for Northwind",
			chromedp.SendKeys(testid("input-switch-q"), "Northwind"),
			clickTo(testid("switch-submit")), chromedp.WaitVisible(testid("org-switch")))
		opts := options(t, admin, "input-switch-account")
		if !has(opts, retail) || has(opts, "Blue Bakery") {
			t.Errorf("searching Northwind offers %q, want %s and no Blue Bakery", opts, retail)
		}
		do(t, admin, "switching Roles to "+retail,
			chooseOption("input-switch-account", retail),
			clickTo(testid("switch-submit")), chromedp.WaitVisible(testid("role-form")))
		if got := read(t, admin, "reading the heading", chromedp.Text(chromedp.CSS("h1"))); got != "Roles of "+retail {
			t.Fatalf("after switching: %q, want Roles of %s", got, retail)
		}
		do(t, admin, "adding a custom role to "+retail,
			chromedp.SendKeys(testid("input-name"), customRole),
			chromedp.Click(testid("perm-account.view")),
			chromedp.Click(testid("perm-infra.view")),
			chromedp.Click(testid("perm-reports.view")),
			clickTo(testid("role-submit")), chromedp.WaitVisible(testid("roles-table")))
		if got := read(t, admin, "reading the heading", chromedp.Text(chromedp.CSS("h1"))); got != "Roles of "+retail {
			t.Errorf("after saving the role the page is %q, want still Roles of %s", got, retail)
		}
		if got := scenarioText(t, admin, "roles-table"); !strings.Contains(got, customRole) {
			t.Errorf("%s's roles: %q, want %s", retail, got, customRole)
		}
		do(t, admin, "switching Roles back to My Org",
			chooseOption("input-switch-account", "My organization (Acme Hosting)"),
			clickTo(testid("switch-submit")), chromedp.WaitVisible(testid("role-form")))
		if strings.Contains(pageText(t, admin), customRole) {
			t.Errorf("Acme's own roles list %s's role %s", retail, customRole)
		}

		// Users: switch right and invite a user with that role
		do(t, admin, "opening Users", clickTo(testid("nav-users")), chromedp.WaitVisible(testid("org-switch")))
		if got := scenarioText(t, admin, "users-table"); !strings.Contains(got, "admin@acme.example") || strings.Contains(got, retailOwn) {
			t.Errorf("My Org users: %q, want Acme's and not %s", got, retailOwn)
		}
		do(t, admin, "switching Users to "+retail,
			chromedp.SendKeys(testid("input-switch-q"), "Retail"),
			clickTo(testid("switch-submit")), chromedp.WaitVisible(testid("org-switch")),
			chooseOption("input-switch-account", retail),
			clickTo(testid("switch-submit")), chromedp.WaitVisible(testid("invite-form")))
		if got := scenarioText(t, admin, "users-table"); !strings.Contains(got, retailOwn) || strings.Contains(got, "admin@acme.example") {
			t.Errorf("%s's users: %q, want its Owner and no Acme staff", retail, got)
		}
		if roles := options(t, admin, inviteRole); !has(roles, customRole) {
			t.Fatalf("the invite form offers roles %q, want %s", roles, customRole)
		}
		do(t, admin, "inviting "+buyer+" to "+retail,
			chromedp.SendKeys(testid("input-email"), buyer),
			chooseOption(inviteRole, customRole),
			clickTo(testid("invite-submit")), chromedp.WaitVisible(testid("invitations-table")))
		if got := read(t, admin, "reading the heading", chromedp.Text(chromedp.CSS("h1"))); got != "Users of "+retail {
			t.Errorf("after inviting the page is %q, want still Users of %s", got, retail)
		}
		if got := scenarioText(t, admin, "invitations-table"); !strings.Contains(got, buyer) || !strings.Contains(got, customRole) {
			t.Errorf("%s's pending invitations: %q, want %s as %s", retail, got, buyer, customRole)
		}
	})
	if !ok {
		return
	}

	owner := newIncognito(t, browser)
	t.Run("6_CustomerOwnerSeesOnlyTheirOwn", func(t *testing.T) {
		others := []string{"admin@acme.example", "Acme Hosting (", "Blue Bakery", "owner@bluebakery.example", anchor, "it@northwind.example"}
		do(t, owner, "signing in as "+retailOwn,
			chromedp.Navigate(acme+"/login"), login(retailOwn, ownerPW), chromedp.WaitVisible(testid("account-title")))
		if got := scenarioText(t, owner, "account-title"); got != retail {
			t.Fatalf("%s lands in %q, want %s", retailOwn, got, retail)
		}
		do(t, owner, "opening Users", clickTo(testid("nav-users")), chromedp.WaitVisible(testid("users-table")))
		if present(t, owner, "org-switch") {
			t.Error("a customer's Owner gets the My Org / Customer switch")
		}
		users := pageText(t, owner)
		if !strings.Contains(users, retailOwn) || !strings.Contains(users, buyer) {
			t.Errorf("%s's Users page lacks its Owner or the pending %s:\n%s", retail, buyer, users)
		}
		for _, o := range others {
			if strings.Contains(users, o) {
				t.Errorf("%s's Users page shows %q", retail, o)
			}
		}
		do(t, owner, "opening Roles", clickTo(testid("nav-roles")), chromedp.WaitVisible(testid("roles-table")))
		if present(t, owner, "org-switch") {
			t.Error("a customer's Owner gets the switch on Roles")
		}
		roles := pageText(t, owner)
		if !strings.Contains(roles, customRole) {
			t.Errorf("%s's Roles page lacks %s", retail, customRole)
		}
		for _, o := range others {
			if strings.Contains(roles, o) {
				t.Errorf("%s's Roles page shows %q", retail, o)
			}
		}
		if present(t, owner, "switch-account") {
			t.Error("with one account the Owner is offered Switch account")
		}
	})

	t.Run("7_CrossCustomerUser", func(t *testing.T) {
		logisticsID = createCustomer(t, logistics, "owner@northwind-logistics.example", anchor, false)
		if got := scenarioText(t, admin, "organization-readonly"); got != anchor {
			t.Errorf("%s's organization reads %q, want %s", logistics, got, anchor)
		}
		do(t, admin, "granting "+retailOwn+" on "+logistics+" through the switch",
			clickTo(testid("nav-users")), chromedp.WaitVisible(testid("org-switch")),
			chooseOption("input-switch-account", logistics),
			clickTo(testid("switch-submit")), chromedp.WaitVisible(testid("invite-form")),
			chromedp.SendKeys(testid("input-email"), retailOwn),
			chooseOption(inviteRole, "Admin"),
			clickTo(testid("invite-submit")), chromedp.WaitVisible(testid("flash")))
		if got := scenarioText(t, admin, "flash"); got != "Invitation sent to "+retailOwn+"." {
			t.Errorf("inviting %s (who has a user) says %q, want the invitation sent, as for anyone", retailOwn, got)
		}
		// the role comes with the invitee's consent: they follow the link
		scenarioAcceptInvitation(t, browser, port, owner, retailOwn)
		do(t, admin, "opening "+logistics+"'s users again", chromedp.Reload(), chromedp.WaitVisible(testid("users-table")))
		if got := scenarioText(t, admin, "users-table"); !strings.Contains(got, retailOwn) {
			t.Errorf("%s's users: %q, want %s", logistics, got, retailOwn)
		}

		do(t, owner, "opening the chooser",
			chromedp.Navigate(acme+"/choose"), chromedp.WaitVisible(testid("chooser")))
		chooser := scenarioText(t, owner, "chooser")
		for _, want := range []string{retail, logistics} {
			if !strings.Contains(chooser, want) {
				t.Errorf("the chooser lists %q, want %s", chooser, want)
			}
		}
		if strings.Contains(chooser, anchor) || strings.Contains(chooser, "Blue Bakery") {
			t.Errorf("the chooser lists %q: more than the user's two customers", chooser)
		}
		do(t, owner, "opening "+logistics,
			clickTo(testid("choose-"+logisticsID)), chromedp.WaitVisible(testid("account-title")))
		if got := scenarioText(t, owner, "account-title"); got != logistics {
			t.Errorf("choosing %s opens %q", logistics, got)
		}
		do(t, owner, "switching back to "+retail,
			clickTo(testid("switch-account")), chromedp.WaitVisible(testid("chooser")),
			clickTo(testid("choose-"+retailID)), chromedp.WaitVisible(testid("account-title")))
		if got := scenarioText(t, owner, "account-title"); got != retail {
			t.Errorf("choosing %s opens %q", retail, got)
		}
	})

	if d := time.Since(start); d > 20*time.Second {
		t.Logf("the umbrella scenario took %s; keep it under 20s", d.Round(time.Millisecond))
	}
}

// retailParent is the parent id of an account, read through the API.
func retailParent(t *testing.T, port, token, id string) string {
	t.Helper()
	code, body := apiCall(t, port, "acme.localhost", http.MethodGet, "/api/v1/accounts/"+id, token, nil)
	var a struct {
		ParentID string `json:"parent_id"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &a) != nil || a.ParentID == "" {
		t.Fatalf("GET /api/v1/accounts/%s = %d %s", id, code, body)
	}
	return a.ParentID
}

// TestBrowserMetalCloudFullyManaged replays "Setting up users and
// permissions in a fully managed reseller scenario" of the MetalCloud
// document with account delegates. Acme's billing account is the customer
// "Acme Managed Services", whose Owner is finance@acme.example; the ops
// team has its own organization, "Acme Operations" (ops@acme.example).
// Finance adds ops as an account delegate with role Ops; ops creates and
// manages the infrastructures of the billing account but manages none of
// its people, roles or audit log; finance sees the delegate marked and
// what ops did; and ending the delegation, from either side, ends ops'
// access on the next request.
func TestBrowserMetalCloudFullyManaged(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: left out in -short mode (make test-short)")
	}
	start := time.Now()
	port := startServer(t)
	const host = "acme.localhost"
	acme := "http://" + host + ":" + port
	browser := newBrowser(t)

	const (
		billing  = "Acme Managed Services"
		opsOrg   = "Acme Operations"
		finance  = "finance@acme.example"
		ops      = "ops@acme.example"
		password = "Ledger-And-Rack-2026"
	)
	var billingID, opsOrgID string
	ok := true

	ok = ok && t.Run("ResellerCreatesTheAccounts", func(t *testing.T) {
		admin := browser
		do(t, admin, "signing in as admin@acme.example",
			chromedp.Navigate(acme+"/login"), login("admin@acme.example", "tenantry-demo"), chromedp.WaitVisible(testid("nav")))
		for _, c := range []struct{ name, owner string }{{billing, finance}, {opsOrg, ops}} {
			do(t, admin, "creating "+c.name,
				clickTo(testid("nav-new-account")), chromedp.WaitVisible(testid("account-form")),
				chromedp.SendKeys(testid("input-name"), c.name),
				chromedp.SendKeys(testid("input-contact_email"), c.owner),
				chromedp.SendKeys(testid("input-owner.name"), strings.Split(c.owner, "@")[0]),
				chromedp.SendKeys(testid("input-owner.email"), c.owner),
				chromedp.SendKeys(testid("input-owner.password"), password),
				clickTo(testid("account-submit")), chromedp.WaitVisible(testid("account-created")),
				clickTo(testid("open-account")), chromedp.WaitVisible(testid("account-title")))
			id := accountIDIn(t, scenarioAt(t, admin))
			if c.name == billing {
				billingID = id
			} else {
				opsOrgID = id
			}
		}
	})
	if !ok {
		return
	}

	fin := newIncognito(t, browser)
	acceptDialogs(t, fin)
	opsTab := newIncognito(t, browser)
	acceptDialogs(t, opsTab)
	// opsRow is the row of ops on finance's Users page.
	opsRow := func(t *testing.T) string {
		t.Helper()
		return read(t, fin, "reading the Users page", chromedp.Evaluate[string](fmt.Sprintf(
			`(() => { const r = Array.from(document.querySelectorAll('[data-testid=users-table] tbody tr')).find(r => r.innerText.includes(%q)); return r ? r.innerText : ""; })()`, ops)))
	}
	// delegate makes ops a delegate of the billing account, from finance's Users page.
	delegate := func(t *testing.T) {
		t.Helper()
		do(t, fin, "adding "+ops+" as a delegate with role Ops",
			clickTo(testid("nav-users")), chromedp.WaitVisible(testid("invite-form")),
			chromedp.SendKeys(testid("input-email"), ops),
			chooseOption(`[data-testid=invite-form] [data-testid=input-role]`, "Ops"),
			chromedp.Click(testid("input-delegate")),
			clickTo(testid("invite-submit")), chromedp.WaitVisible(testid("flash")))
		if got := scenarioText(t, fin, "flash"); got != "Invitation sent to "+ops+"." {
			t.Errorf("after adding the delegate: %q, want the invitation sent, as for anyone", got)
		}
		// the delegation comes with the invitee's consent
		scenarioAcceptInvitation(t, browser, port, newIncognito(t, browser), ops, password)
		do(t, fin, "opening Users again", clickTo(testid("nav-users")), chromedp.WaitVisible(testid("invite-form")))
	}

	ok = ok && t.Run("FinanceAddsOpsAsDelegate", func(t *testing.T) {
		do(t, fin, "signing in as "+finance,
			chromedp.Navigate(acme+"/login"), login(finance, password), chromedp.WaitVisible(testid("account-title")))
		if got := scenarioText(t, fin, "account-title"); got != billing {
			t.Fatalf("%s lands in %q, want %s", finance, got, billing)
		}
		delegate(t)
		row := opsRow(t)
		if row == "" {
			t.Fatalf("finance's Users page does not list %s:\n%s", ops, scenarioText(t, fin, "users-table"))
		}
		if !strings.Contains(row, "delegate") {
			t.Errorf("ops' row is not marked as a delegate: %q", row)
		}
		if got := read(t, fin, "reading ops' role", chromedp.Evaluate[string](fmt.Sprintf(
			`Array.from(document.querySelectorAll('[data-testid=users-table] tbody tr')).find(r => r.innerText.includes(%q)).querySelector('[data-testid=input-role]').value`, ops))); got != "Ops" {
			t.Errorf("ops' role on the billing account = %q, want Ops", got)
		}
		finRow := read(t, fin, "reading finance's row", chromedp.Evaluate[string](fmt.Sprintf(
			`Array.from(document.querySelectorAll('[data-testid=users-table] tbody tr')).find(r => r.innerText.includes(%q)).innerText`, finance)))
		if strings.Contains(finRow, "delegate") {
			t.Errorf("finance, a member, is marked as a delegate: %q", finRow)
		}
	})
	if !ok {
		return
	}

	ok = ok && t.Run("OpsManagesInfrastructures", func(t *testing.T) {
		do(t, opsTab, "signing in as "+ops,
			chromedp.Navigate(acme+"/login"), login(ops, password), chromedp.WaitVisible(testid("chooser")))
		chooser := scenarioText(t, opsTab, "chooser")
		if !strings.Contains(chooser, billing) || !strings.Contains(chooser, opsOrg) {
			t.Errorf("ops' chooser lists %q, want %s and %s", chooser, opsOrg, billing)
		}
		do(t, opsTab, "opening "+billing,
			clickTo(testid("choose-"+billingID)), chromedp.WaitVisible(testid("account-title")))
		if got := scenarioText(t, opsTab, "account-title"); got != billing {
			t.Fatalf("ops opened %q, want %s", got, billing)
		}
		do(t, opsTab, "creating client-a-web",
			clickTo(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-form")),
			chromedp.SendKeys(testid("input-name"), "client-a-web"),
			clickTo(testid("infra-submit")), chromedp.WaitVisible(testid("infra-title")))
		do(t, opsTab, "renaming it client-a-web-prod",
			chromedp.WaitVisible(testid("infra-edit")),
			chromedp.SetValue(chromedp.CSS(`[data-testid=infra-edit] [data-testid=input-name]`), "client-a-web-prod"),
			clickTo(testid("infra-save")), chromedp.WaitVisible(testid("infra-title")))
		if got := scenarioText(t, opsTab, "infra-title"); got != "client-a-web-prod" {
			t.Errorf("after renaming: %q", got)
		}
		do(t, opsTab, "creating client-b-db",
			clickTo(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-form")),
			chromedp.SendKeys(testid("input-name"), "client-b-db"),
			clickTo(testid("infra-submit")), chromedp.WaitVisible(testid("infra-title")),
			clickTo(testid("nav-infrastructures")), chromedp.WaitVisible(testid("infra-form")))
		list := pageText(t, opsTab)
		if !strings.Contains(list, "client-a-web-prod") || !strings.Contains(list, "client-b-db") {
			t.Errorf("ops' list of %s's infrastructures:\n%s", billing, list)
		}
		if !present(t, opsTab, "delegation-"+billingID) {
			do(t, opsTab, "opening the profile", clickTo(testid("profile-link")), chromedp.WaitVisible(testid("profile-delegations")))
			if !present(t, opsTab, "delegation-"+billingID) {
				t.Errorf("ops' profile does not list the delegation to %s: %q", billing, scenarioText(t, opsTab, "profile-delegations"))
			}
		}
	})
	if !ok {
		return
	}

	t.Run("OpsCannotManagePeopleRolesOrAudit", func(t *testing.T) {
		do(t, opsTab, "opening "+billing+" again",
			chromedp.Navigate(acme+"/app"), chromedp.WaitVisible(testid("account-title")))
		if got := scenarioText(t, opsTab, "account-title"); got != billing {
			t.Fatalf("ops is in %q, want %s", got, billing)
		}
		do(t, opsTab, "opening Users", clickTo(testid("nav-users")), chromedp.WaitVisible(testid("users-table")))
		for _, id := range []string{"invite-form", "input-role", "user-remove", "invitations-table", "invitations-empty"} {
			if present(t, opsTab, id) {
				t.Errorf("ops, an Ops delegate, is offered %s on the Users page", id)
			}
		}
		do(t, opsTab, "opening Roles", clickTo(testid("nav-roles")), chromedp.WaitVisible(testid("builtin-roles")))
		if present(t, opsTab, "role-form") || present(t, opsTab, "role-edit") {
			t.Error("ops is offered to manage roles")
		}
		// the menu no longer offers what the role cannot open; the page
		// itself still refuses
		if present(t, opsTab, "nav-audit") {
			t.Error("ops, an Ops delegate, is offered the audit log")
		}
		do(t, opsTab, "opening the audit log", chromedp.Navigate(acme+"/app/audit"), chromedp.WaitVisible(testid("error-title")))
		if got := scenarioText(t, opsTab, "error-title"); got == "" {
			t.Error("the audit log's refusal has no title")
		}

		// the API gives ops the same answers
		token := apiToken(t, port, host, ops, password)
		code, body := apiCall(t, port, host, http.MethodPost, "/api/v1/accounts/"+billingID+"/members", token,
			map[string]any{"email": "someone@acme.example", "role": "Viewer"})
		if code != http.StatusForbidden {
			t.Errorf("ops inviting someone to %s: %d %s, want 403", billing, code, body)
		}
		code, body = apiCall(t, port, host, http.MethodPost, "/api/v1/accounts/"+billingID+"/roles", token,
			map[string]any{"name": "Sneaky", "permissions": []string{"users.manage"}})
		if code != http.StatusForbidden {
			t.Errorf("ops creating a role on %s: %d %s, want 403", billing, code, body)
		}
		code, body = apiCall(t, port, host, http.MethodGet, "/api/v1/accounts/"+billingID+"/audit", token, nil)
		if code != http.StatusForbidden {
			t.Errorf("ops reading %s's audit log: %d %s, want 403", billing, code, body)
		}
		code, body = apiCall(t, port, host, http.MethodGet, "/api/v1/me", token, nil)
		if !strings.Contains(body, `"via":"delegate"`) {
			t.Errorf("GET /me for ops: %d %s, want a delegate grant", code, body)
		}
	})

	t.Run("FinanceSeesWhatOpsDid", func(t *testing.T) {
		do(t, fin, "opening the infrastructures",
			clickTo(testid("nav-infrastructures")), chromedp.WaitVisible(testid("nav")))
		list := pageText(t, fin)
		if !strings.Contains(list, "client-a-web-prod") || !strings.Contains(list, "client-b-db") {
			t.Errorf("finance's list of infrastructures:\n%s", list)
		}
		do(t, fin, "opening the audit log", clickTo(testid("nav-audit")), chromedp.WaitVisible(testid("nav")))
		if log := pageText(t, fin); !strings.Contains(log, ops) || !strings.Contains(log, "client-b-db") {
			t.Errorf("finance's audit log does not show ops creating client-b-db:\n%s", log)
		}
	})

	t.Run("FinanceRevokesTheDelegation", func(t *testing.T) {
		// ops has the create form open when the delegation ends
		do(t, opsTab, "opening the infrastructures",
			chromedp.Navigate(acme+"/app/infrastructures"), chromedp.WaitVisible(testid("infra-form")))
		do(t, fin, "removing ops from the Users page",
			clickTo(testid("nav-users")), chromedp.WaitVisible(testid("users-table")),
			clickTo(chromedp.Search(fmt.Sprintf(`//tr[contains(., %q)]//button[@data-testid="user-remove"]`, ops))),
			chromedp.WaitVisible(testid("users-table")))
		if row := opsRow(t); row != "" {
			t.Fatalf("ops is still listed after the removal: %q", row)
		}

		do(t, opsTab, "submitting the create form after the delegation ended",
			chromedp.SendKeys(testid("input-name"), "client-c-late"),
			clickTo(testid("infra-submit")))
		if got := scenarioAt(t, opsTab); got != acme+"/choose" {
			t.Errorf("the form submitted after the delegation ended led to %s, want the chooser", got)
		}
		after := pageText(t, opsTab)
		if strings.Contains(after, billing) {
			t.Errorf("after the delegation ended ops still sees %s:\n%s", billing, after)
		}
		token := apiToken(t, port, host, finance, password)
		_, body := apiCall(t, port, host, http.MethodGet, "/api/v1/accounts/"+billingID+"/infrastructures", token, nil)
		if strings.Contains(body, "client-c-late") {
			t.Errorf("ops created an infrastructure on %s after the delegation ended", billing)
		}
		opsToken := apiToken(t, port, host, ops, password)
		if code, body := apiCall(t, port, host, http.MethodGet, "/api/v1/accounts/"+opsOrgID+"/infrastructures", opsToken, nil); strings.Contains(body, "client-c-late") {
			t.Errorf("ops' form for %s created client-c-late in %s instead (%d)", billing, opsOrg, code)
		}
		if code, body := apiCall(t, port, host, http.MethodGet, "/api/v1/accounts/"+billingID+"/infrastructures", opsToken, nil); code != http.StatusNotFound {
			t.Errorf("ops listing %s's infrastructures after the removal: %d %s, want 404", billing, code, body)
		}
	})

	t.Run("OpsLeavesTheDelegation", func(t *testing.T) {
		delegate(t)
		if row := opsRow(t); !strings.Contains(row, "delegate") {
			t.Fatalf("ops is not a delegate again: %q", row)
		}
		do(t, opsTab, "opening "+billing+" from the chooser",
			chromedp.Navigate(acme+"/choose"), chromedp.WaitVisible(testid("choose-"+billingID)),
			clickTo(testid("choose-"+billingID)), chromedp.WaitVisible(testid("account-title")))
		do(t, opsTab, "leaving the delegation from the profile",
			clickTo(testid("profile-link")), chromedp.WaitVisible(testid("delegation-"+billingID)),
			clickTo(chromedp.CSS(fmt.Sprintf(`[data-testid=%q] [data-testid=delegation-leave]`, "delegation-"+billingID))),
			chromedp.WaitVisible(testid("delegations-empty")))
		do(t, opsTab, "opening the panel again", chromedp.Navigate(acme+"/app/infrastructures"), chromedp.WaitVisible(chromedp.CSS("body")))
		if got := pageText(t, opsTab); strings.Contains(got, billing) || strings.Contains(got, "client-b-db") {
			t.Errorf("after leaving, ops still sees %s:\n%s", billing, got)
		}
		do(t, fin, "reloading the Users page", chromedp.Reload(), chromedp.WaitVisible(testid("users-table")))
		if row := opsRow(t); row != "" {
			t.Errorf("finance still lists ops after ops left: %q", row)
		}
	})

	if d := time.Since(start); d > 20*time.Second {
		t.Logf("the fully managed scenario took %s; keep it under 20s", d.Round(time.Millisecond))
	}
}

// scenarioAcceptInvitation reads the newest invitation mailed to email in
// the provider's outbox (a tab of its own, on the platform domain) and
// accepts it in tab: signed in there as email already, or signing in with
// the password given (pw, when the tab is not signed in yet). An
// existing user is never granted at once.
func scenarioAcceptInvitation(t *testing.T, browser context.Context, port string, tab context.Context, email string, pw ...string) {
	t.Helper()
	portal := "http://portal.localhost:" + port
	provider := newIncognito(t, browser)
	do(t, provider, "signing in as the provider's admin",
		chromedp.Navigate(portal+"/login"), login("admin@nimbus.example", "tenantry-demo"), chromedp.WaitVisible(testid("nav")))
	links := delegMailLinks(t, provider, portal, email)
	if len(links) == 0 {
		t.Fatalf("no invitation mailed to %s", email)
	}
	if len(pw) > 0 {
		u, err := url.Parse(links[0])
		if err != nil {
			t.Fatal(err)
		}
		do(t, tab, "signing in as "+email+" to accept",
			chromedp.Navigate(u.Scheme+"://"+u.Host+"/login"), login(email, pw[0]), chromedp.WaitVisible(testid("nav")))
	}
	do(t, tab, "accepting the invitation "+links[0],
		chromedp.Navigate(links[0]), chromedp.WaitVisible(testid("invitation-accept")),
		delegStale(), chromedp.Click(testid("invitation-accept")),
		// the panel, or the chooser when the user now has several accounts
		chromedp.WaitVisible(chromedp.CSS(`body:not([data-deleg-stale]) :is([data-testid="nav"], [data-testid="chooser"])`)))
}
