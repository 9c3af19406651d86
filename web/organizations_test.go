package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

type orgAccount struct {
	ID             string
	Name           string
	OrganizationID *string `json:"organization_id"`
	IsOrganization bool    `json:"is_organization"`
}

func TestOrganizationAPI(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	tok := b.token("admin@acme.example")
	create := func(body map[string]any) *response {
		body["kind"] = "customer"
		return b.api(http.MethodPost, "/api/v1/accounts", tok, body)
	}

	r := create(map[string]any{"name": "Contoso Group", "is_organization": true})
	if r.Code != http.StatusCreated {
		t.Fatalf("create anchor: %d %s", r.Code, r.body)
	}
	var anchor orgAccount
	decode(t, r, &anchor)
	if !anchor.IsOrganization || anchor.OrganizationID != nil {
		t.Fatalf("anchor = %+v", anchor)
	}
	if !strings.Contains(r.body, `"organization_id":null`) {
		t.Errorf("organization_id is not null: %s", r.body)
	}

	r = create(map[string]any{"name": "Contoso Sales", "organization_id": anchor.ID})
	if r.Code != http.StatusCreated {
		t.Fatalf("create member: %d %s", r.Code, r.body)
	}
	var member orgAccount
	decode(t, r, &member)
	if member.OrganizationID == nil || *member.OrganizationID != anchor.ID || member.IsOrganization {
		t.Fatalf("member = %+v", member)
	}
	r = b.api(http.MethodGet, "/api/v1/accounts/"+member.ID, tok, nil)
	var got orgAccount
	decode(t, r, &got)
	if r.Code != http.StatusOK || got.OrganizationID == nil || *got.OrganizationID != anchor.ID {
		t.Errorf("GET member: %d %s", r.Code, r.body)
	}
	r = b.api(http.MethodGet, "/api/v1/accounts/"+anchor.ID, tok, nil)
	if !strings.Contains(r.body, `"is_organization":true`) {
		t.Errorf("GET anchor: %s", r.body)
	}
	// an anchor is never invoiced: no plan through the API, no plan form on its page
	retail := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Retail")
	if r := b.api(http.MethodPut, "/api/v1/accounts/"+anchor.ID+"/plan", tok, map[string]string{"plan_id": retail}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("a plan for the anchor = %d %s, want 422", r.Code, r.body)
	}
	b.login("admin@acme.example")
	page := b.get("/reseller/accounts/" + anchor.ID).body
	if _, ok := byTestID(page, "plan-anchor-note"); !ok {
		t.Error("the anchor's page does not say it takes no plan")
	}
	if _, ok := byTestID(page, "plan-assign-submit"); ok {
		t.Error("the anchor's page offers a plan")
	}

	// a foreign or missing anchor: the same 422 on organization_id
	orbit := f.browser("orbit.localhost")
	otok := orbit.token("admin@orbit.example")
	var foreign, missing apiErr
	r = orbit.api(http.MethodPost, "/api/v1/accounts", otok, map[string]any{"kind": "customer", "name": "X", "organization_id": anchor.ID})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("foreign anchor: %d %s", r.Code, r.body)
	}
	decode(t, r, &foreign)
	r = orbit.api(http.MethodPost, "/api/v1/accounts", otok, map[string]any{"kind": "customer", "name": "X",
		"organization_id": "acc_doesnotexist234567abcdef"})
	decode(t, r, &missing)
	if foreign.Error.Fields["organization_id"] != "Choose an active organization of yours." ||
		foreign.Error.Fields["organization_id"] != missing.Error.Fields["organization_id"] {
		t.Errorf("foreign %+v, missing %+v", foreign, missing)
	}

	// PATCH: set once, same again is fine, change or clear is 409
	plain := create(map[string]any{"name": "Contoso Legal"})
	var legal orgAccount
	decode(t, plain, &legal)
	other := create(map[string]any{"name": "Fabrikam", "is_organization": true})
	var fab orgAccount
	decode(t, other, &fab)
	patch := func(id, body string) *response {
		return b.api(http.MethodPatch, "/api/v1/accounts/"+id, tok, body)
	}
	if r := patch(legal.ID, `{"organization_id":"`+anchor.ID+`"}`); r.Code != http.StatusOK || !strings.Contains(r.body, anchor.ID) {
		t.Fatalf("PATCH set: %d %s", r.Code, r.body)
	}
	if r := patch(legal.ID, `{"organization_id":"`+anchor.ID+`"}`); r.Code != http.StatusOK {
		t.Errorf("PATCH same: %d %s", r.Code, r.body)
	}
	for _, body := range []string{`{"organization_id":"` + fab.ID + `"}`, `{"organization_id":""}`, `{"organization_id":null}`} {
		r := patch(legal.ID, body)
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusConflict || e.Error.Code != "organization_permanent" {
			t.Errorf("PATCH %s: %d %s, want 409 organization_permanent", body, r.Code, r.body)
		}
	}
	// a body without organization_id leaves it alone
	if r := patch(legal.ID, `{"name":"Contoso Legal Dept"}`); r.Code != http.StatusOK || !strings.Contains(r.body, anchor.ID) {
		t.Errorf("PATCH name: %d %s", r.Code, r.body)
	}
	// unmarking an anchor with members is 409; without, 200
	if r := patch(anchor.ID, `{"is_organization":false}`); r.Code != http.StatusConflict {
		t.Errorf("unmark with members: %d %s", r.Code, r.body)
	}
	if r := patch(fab.ID, `{"is_organization":false}`); r.Code != http.StatusOK || !strings.Contains(r.body, `"is_organization":false`) {
		t.Errorf("unmark: %d %s", r.Code, r.body)
	}
	// marking a member is 422
	if r := patch(member.ID, `{"is_organization":true}`); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("mark a member: %d %s", r.Code, r.body)
	}
	// no infrastructure on an anchor
	r = b.api(http.MethodPost, "/api/v1/accounts/"+anchor.ID+"/infrastructures", tok, map[string]any{"name": "prod"})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "organization_anchor") {
		t.Errorf("infrastructure on an anchor: %d %s", r.Code, r.body)
	}
	// the list filters
	r = b.api(http.MethodGet, "/api/v1/accounts?is_organization=true", tok, nil)
	var list struct{ Items []orgAccount }
	decode(t, r, &list)
	if len(list.Items) != 1 || list.Items[0].ID != anchor.ID {
		t.Errorf("is_organization=true: %s", r.body)
	}
	r = b.api(http.MethodGet, "/api/v1/accounts?organization_id="+anchor.ID, tok, nil)
	decode(t, r, &list)
	if len(list.Items) != 2 {
		t.Errorf("organization_id=: %s", r.body)
	}
	if r := b.api(http.MethodGet, "/api/v1/accounts?is_organization=maybe", tok, nil); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("is_organization=maybe: %d", r.Code)
	}
	// a customer's own staff cannot mark it
	cust := f.browser("acme.localhost")
	ctok := cust.token("owner@bluebakery.example")
	if r := cust.api(http.MethodPatch, "/api/v1/accounts/"+f.accountID("Blue Bakery"), ctok, `{"is_organization":true}`); r.Code != http.StatusForbidden {
		t.Errorf("customer marks itself: %d %s", r.Code, r.body)
	}
}

func TestOrganizationPanel(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")

	// the form offers no organization yet, and the toggle
	r := b.get("/reseller/accounts/new")
	if _, ok := byTestID(r.body, "no-organizations"); !ok || !strings.Contains(r.body, `data-testid="input-is_organization"`) {
		t.Fatalf("new form: %s", excerpt(r.body))
	}
	r = b.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"}, "name": {"Contoso Group"},
		"owner.name": {"Ann"}, "owner.email": {"ann@contoso.example"}, "is_organization": {"true"}})
	if r.Code != http.StatusCreated {
		t.Fatalf("create anchor: %d %s", r.Code, excerpt(r.body))
	}
	anchorID := f.accountID("Contoso Group")

	// an inactive anchor is not offered
	r = b.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"}, "name": {"Sleepy Group"},
		"owner.name": {"Sam"}, "owner.email": {"sam@sleepy.example"}, "is_organization": {"true"}})
	if r.Code != http.StatusCreated {
		t.Fatalf("create sleepy: %d", r.Code)
	}
	sleepyID := f.accountID("Sleepy Group")
	susp := tenantry.StatusSuspended
	if _, err := f.scope("acme.localhost", "admin@acme.example").UpdateAccount(t.Context(), sleepyID,
		tenantry.AccountUpdate{Status: &susp, SuspendReason: new(string)}); err != nil {
		t.Fatal(err)
	}
	r = b.get("/reseller/accounts/new")
	if !strings.Contains(r.body, `value="`+anchorID+`"`) || strings.Contains(r.body, `value="`+sleepyID+`"`) {
		t.Errorf("dropdown should offer Contoso Group only: %s", excerpt(r.body))
	}
	// a foreign or inactive id posted anyway is refused on the field
	r = b.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"}, "name": {"Sneaky"},
		"owner.name": {"Sid"}, "owner.email": {"sid@sneaky.example"}, "organization_id": {sleepyID}})
	if msg, _ := byTestID(r.body, "error-organization_id"); r.Code != http.StatusUnprocessableEntity || msg != "Choose an active organization of yours." {
		t.Errorf("inactive anchor posted: %d %q", r.Code, msg)
	}
	r = b.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"}, "name": {"Contoso Sales"},
		"owner.name": {"Bo"}, "owner.email": {"bo@contoso.example"}, "organization_id": {anchorID}})
	if r.Code != http.StatusCreated {
		t.Fatalf("create member: %d %s", r.Code, excerpt(r.body))
	}
	salesID := f.accountID("Contoso Sales")

	// the list: the column and the filter
	r = b.get("/reseller/accounts")
	if !strings.Contains(r.body, "<th>Organization anchor</th>") {
		t.Errorf("no Organization anchor column")
	}
	rowOf := func(body, id string) string {
		i := strings.Index(body, `data-testid="account-row-`+id+`"`)
		if i < 0 {
			return ""
		}
		j := strings.Index(body[i:], "</tr>")
		return body[i : i+j]
	}
	if v, _ := byTestID(rowOf(r.body, anchorID), "account-parent-org"); v != "Yes" {
		t.Errorf("anchor row says %q, want Yes", v)
	}
	if v, _ := byTestID(rowOf(r.body, salesID), "account-parent-org"); v != "No" {
		t.Errorf("member row says %q, want No", v)
	}
	r = b.get("/reseller/accounts?organization=yes")
	if rowOf(r.body, anchorID) == "" || rowOf(r.body, salesID) != "" || rowOf(r.body, f.accountID("Blue Bakery")) != "" {
		t.Errorf("organization=yes lists the wrong accounts: %s", excerpt(r.body))
	}
	r = b.get("/reseller/accounts?organization=no")
	if rowOf(r.body, anchorID) != "" || rowOf(r.body, salesID) == "" {
		t.Errorf("organization=no lists the wrong accounts")
	}

	// the member's page: read-only organization, no dropdown
	r = b.get("/reseller/accounts/" + salesID)
	if v, _ := byTestID(r.body, "organization-readonly"); v != "Contoso Group" {
		t.Errorf("read-only organization = %q", v)
	}
	if strings.Contains(r.body, `data-testid="organization-form"`) || strings.Contains(r.body, `data-testid="mark-organization"`) {
		t.Errorf("member page offers a change")
	}
	// a posted change anyway: 409 with the message
	r = b.submit("/reseller/accounts/"+salesID, "/reseller/accounts/"+salesID, url.Values{"section": {"organization"},
		"organization_id": {f.accountID("Blue Bakery")}})
	if r.Code != http.StatusConflict || !strings.Contains(r.body, "permanent") {
		t.Errorf("change posted: %d %s", r.Code, excerpt(r.body))
	}

	// a plain customer's page: dropdown of active anchors and the toggle
	bakery := f.accountID("Blue Bakery")
	r = b.get("/reseller/accounts/" + bakery)
	if !strings.Contains(r.body, `data-testid="organization-form"`) || !strings.Contains(r.body, `value="`+anchorID+`"`) ||
		strings.Contains(r.body, `value="`+sleepyID+`"`) || !strings.Contains(r.body, `data-testid="mark-organization"`) {
		t.Errorf("plain customer page: %s", excerpt(r.body))
	}
	r = b.submit("/reseller/accounts/"+bakery, "/reseller/accounts/"+bakery, url.Values{"section": {"organization"},
		"organization_id": {anchorID}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("set organization: %d %s", r.Code, excerpt(r.body))
	}
	if v, _ := byTestID(b.get("/reseller/accounts/"+bakery).body, "organization-readonly"); v != "Contoso Group" {
		t.Errorf("after setting, read-only organization = %q", v)
	}
	// marking Cobalt Law, then unmarking it
	cobalt := f.accountID("Cobalt Law")
	r = b.submit("/reseller/accounts/"+cobalt, "/reseller/accounts/"+cobalt, url.Values{"section": {"organization"}, "is_organization": {"true"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("mark: %d %s", r.Code, excerpt(r.body))
	}
	r = b.get("/reseller/accounts/" + cobalt)
	if v, _ := byTestID(r.body, "account-parent-org"); v != "Yes" || !strings.Contains(r.body, `data-testid="unmark-organization"`) {
		t.Errorf("marked page: %q", v)
	}
	// the anchor with members lists them and offers no unmarking
	r = b.get("/reseller/accounts/" + anchorID)
	if !strings.Contains(r.body, `data-testid="organization-members"`) || strings.Contains(r.body, `data-testid="unmark-organization"`) {
		t.Errorf("anchor page: %s", excerpt(r.body))
	}
}

// Cross-customer users: one person on two customers of one organization
// is offered both in the chooser.
func TestOrganizationCrossCustomerChooser(t *testing.T) {
	f := newFixture(t)
	b := f.browser("acme.localhost")
	tok := b.token("admin@acme.example")
	post := func(body string) string {
		r := b.api(http.MethodPost, "/api/v1/accounts", tok, body)
		if r.Code != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", body, r.Code, r.body)
		}
		var a orgAccount
		decode(t, r, &a)
		return a.ID
	}
	anchor := post(`{"kind":"customer","name":"Contoso Group","is_organization":true}`)
	sales := post(`{"kind":"customer","name":"Contoso Sales","organization_id":"` + anchor + `",
		"owner":{"email":"pat@contoso.example","name":"Pat","password":"` + "correct-horse-battery-staple-9" + `"}}`)
	legal := post(`{"kind":"customer","name":"Contoso Legal","organization_id":"` + anchor + `"}`)
	// Pat, Owner of Contoso Sales, is invited to Contoso Legal too, and
	// accepts
	r := b.api(http.MethodPost, "/api/v1/accounts/"+legal+"/members", tok, map[string]any{"email": "pat@contoso.example", "role": string(tenantry.RoleViewer)})
	if r.Code/100 != 2 {
		t.Fatalf("invite: %d %s", r.Code, r.body)
	}
	f.acceptInvitation("pat@contoso.example", "correct-horse-battery-staple-9")
	pat := f.browser("acme.localhost")
	r = pat.submit("/login", "/login", url.Values{"email": {"pat@contoso.example"}, "password": {"correct-horse-battery-staple-9"}})
	if r.Code != http.StatusSeeOther || r.location() != "/choose" {
		t.Fatalf("login: %d to %q, want the chooser", r.Code, r.location())
	}
	r = pat.get("/choose")
	for _, id := range []string{sales, legal} {
		if !strings.Contains(r.body, id) {
			t.Errorf("the chooser does not offer %s: %s", id, excerpt(r.body))
		}
	}
	if strings.Contains(r.body, anchor) {
		t.Errorf("the chooser offers the anchor, which Pat is not staff of")
	}
	for _, id := range []string{sales, legal} {
		r = pat.submit("/choose", "/choose", url.Values{"account_id": {id}})
		if r.Code != http.StatusSeeOther {
			t.Errorf("choose %s: %d", id, r.Code)
		}
	}
}
