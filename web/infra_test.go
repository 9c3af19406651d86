package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

// Cobalt Law, a customer of Acme, has no demo infrastructures: these
// tests start it from nothing.
const (
	cobaltOwner = "owner@cobaltlaw.example"
	acmeHost    = "acme.localhost"
)

type infraBody struct {
	ID           string
	AccountID    string  `json:"account_id"`
	Name         string  `json:"name"`
	CostCenterID *string `json:"cost_center_id"`
	Status       string
	CreatedAt    string `json:"created_at"`
}

type costCenterBody struct {
	ID        string
	AccountID string `json:"account_id"`
	Name      string
	CreatedAt string `json:"created_at"`
}

// keysOf returns the sorted keys of a JSON object.
func keysOf(t *testing.T, r *response) string {
	t.Helper()
	var m map[string]any
	decode(t, r, &m)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ",")
}

func TestInfraAPI(t *testing.T) {
	f := newFixture(t)
	b := f.browser(acmeHost)
	token := b.token(cobaltOwner)
	cobalt := f.accountID("Cobalt Law")
	base := "/api/v1/accounts/" + cobalt

	// cost centers
	r := b.api(http.MethodPost, base+"/cost-centers", token, map[string]string{"name": "Operations"})
	if r.Code != http.StatusCreated {
		t.Fatalf("create cost center = %d %s", r.Code, r.body)
	}
	if got := keysOf(t, r); got != "account_id,created_at,id,name" {
		t.Errorf("cost center keys = %s", got)
	}
	var ops costCenterBody
	decode(t, r, &ops)
	if !strings.HasPrefix(ops.ID, "cc_") || ops.AccountID != cobalt || ops.Name != "Operations" {
		t.Errorf("cost center = %+v", ops)
	}
	if r := b.api(http.MethodPost, base+"/cost-centers", token, map[string]string{"name": "operations"}); r.Code != http.StatusConflict {
		t.Errorf("duplicate cost center = %d, want 409", r.Code)
	}

	// create
	r = b.api(http.MethodPost, base+"/infrastructures", token, map[string]any{"name": "api-prod", "cost_center_id": ops.ID})
	if r.Code != http.StatusCreated {
		t.Fatalf("create = %d %s", r.Code, r.body)
	}
	if got := keysOf(t, r); got != "account_id,cost_center_id,created_at,id,name,status" {
		t.Errorf("infrastructure keys = %s", got)
	}
	var prod infraBody
	decode(t, r, &prod)
	if !strings.HasPrefix(prod.ID, "inf_") || prod.AccountID != cobalt || prod.Name != "api-prod" || prod.CostCenterID == nil ||
		*prod.CostCenterID != ops.ID || prod.Status != "active" || prod.CreatedAt == "" {
		t.Errorf("created = %+v", prod)
	}
	r = b.api(http.MethodPost, base+"/infrastructures", token, map[string]any{"name": "api-dev", "cost_center_id": nil})
	if r.Code != http.StatusCreated {
		t.Fatalf("create without cost center = %d %s", r.Code, r.body)
	}
	var dev infraBody
	decode(t, r, &dev)
	if dev.CostCenterID != nil || !strings.Contains(r.body, `"cost_center_id":null`) {
		t.Errorf("created without cost center = %s", r.body)
	}

	t.Run("Refused", func(t *testing.T) {
		// Blue Bakery's cost center is refused exactly like one that does
		// not exist
		acme := f.browser(acmeHost)
		acmeToken := acme.token("admin@acme.example")
		r := acme.api(http.MethodPost, "/api/v1/accounts/"+f.accountID("Blue Bakery")+"/cost-centers", acmeToken, map[string]string{"name": "Bakery ops"})
		var bakeryCC costCenterBody
		decode(t, r, &bakeryCC)
		var foreign, absent apiErr
		rf := b.api(http.MethodPost, base+"/infrastructures", token, map[string]any{"name": "x", "cost_center_id": bakeryCC.ID})
		decode(t, rf, &foreign)
		ra := b.api(http.MethodPost, base+"/infrastructures", token, map[string]any{"name": "x", "cost_center_id": "cc_nope"})
		decode(t, ra, &absent)
		if rf.Code != http.StatusUnprocessableEntity || foreign.Error.Fields["cost_center_id"] == "" || rf.body != ra.body {
			t.Errorf("foreign cost center = %d %s; absent = %d %s", rf.Code, rf.body, ra.Code, ra.body)
		}
		for _, c := range []struct {
			name, body string
			status     int
			field      string
		}{
			{"EmptyName", `{"name":""}`, http.StatusUnprocessableEntity, "name"},
			{"LongName", `{"name":"` + strings.Repeat("x", 101) + `"}`, http.StatusUnprocessableEntity, "name"},
			{"UnknownField", `{"name":"x","size":3}`, http.StatusUnprocessableEntity, "size"},
			{"WrongType", `{"name":3}`, http.StatusUnprocessableEntity, "name"},
			{"Duplicate", `{"name":"API-PROD"}`, http.StatusConflict, "name"},
			{"Malformed", `{"name":`, http.StatusBadRequest, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := b.api(http.MethodPost, base+"/infrastructures", token, c.body)
				var e apiErr
				decode(t, r, &e)
				if r.Code != c.status || (c.field != "" && e.Error.Fields[c.field] == "") {
					t.Errorf("= %d %s, want %d with a message on %q", r.Code, r.body, c.status, c.field)
				}
			})
		}
		// a reseller has no infrastructures of its own in this release
		r = acme.api(http.MethodPost, "/api/v1/accounts/"+f.accountID("Acme Hosting")+"/infrastructures", acmeToken, map[string]string{"name": "own"})
		if r.Code != http.StatusUnprocessableEntity {
			t.Errorf("reseller's own infrastructure = %d, want 422", r.Code)
		}
		if r := b.api(http.MethodGet, base+"/infrastructures", "", nil); r.Code != http.StatusUnauthorized {
			t.Errorf("no token = %d, want 401", r.Code)
		}
	})

	t.Run("List", func(t *testing.T) {
		var l struct {
			Items      []infraBody
			NextCursor *string `json:"next_cursor"`
		}
		decode(t, b.api(http.MethodGet, base+"/infrastructures", token, nil), &l)
		if len(l.Items) != 2 || l.Items[0].Name != "api-dev" || l.Items[1].Name != "api-prod" || l.NextCursor != nil {
			t.Fatalf("list = %+v", l)
		}
		decode(t, b.api(http.MethodGet, base+"/infrastructures?limit=1", token, nil), &l)
		if len(l.Items) != 1 || l.Items[0].Name != "api-dev" || l.NextCursor == nil {
			t.Fatalf("first page = %+v", l)
		}
		decode(t, b.api(http.MethodGet, base+"/infrastructures?limit=1&cursor="+url.QueryEscape(*l.NextCursor), token, nil), &l)
		if len(l.Items) != 1 || l.Items[0].Name != "api-prod" || l.NextCursor != nil {
			t.Fatalf("second page = %+v", l)
		}
		decode(t, b.api(http.MethodGet, base+"/infrastructures?cost_center_id="+ops.ID, token, nil), &l)
		if len(l.Items) != 1 || l.Items[0].Name != "api-prod" {
			t.Errorf("in Operations = %+v", l.Items)
		}
		if r := b.api(http.MethodGet, base+"/infrastructures?limit=0", token, nil); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("limit=0 = %d, want 422", r.Code)
		}
		if r := b.api(http.MethodGet, base+"/infrastructures?cursor=%21%21", token, nil); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("bad cursor = %d, want 422", r.Code)
		}
		r := b.api(http.MethodGet, base+"/infrastructures?format=csv", token, nil)
		lines := strings.Split(strings.TrimSpace(r.body), "\n")
		if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") || len(lines) != 3 ||
			lines[0] != "id,account_id,name,cost_center_id,cost_center,status,created_at" ||
			!strings.HasPrefix(lines[2], prod.ID+","+cobalt+",api-prod,"+ops.ID+",Operations,active,") {
			t.Errorf("csv = %d %q\n%s", r.Code, r.Header().Get("Content-Type"), r.body)
		}

		var ccs struct {
			Items      []costCenterBody
			NextCursor *string `json:"next_cursor"`
		}
		b.api(http.MethodPost, base+"/cost-centers", token, map[string]string{"name": "Archive"})
		decode(t, b.api(http.MethodGet, base+"/cost-centers?limit=1", token, nil), &ccs)
		if len(ccs.Items) != 1 || ccs.Items[0].Name != "Archive" || ccs.NextCursor == nil {
			t.Fatalf("cost centers page 1 = %+v", ccs)
		}
		decode(t, b.api(http.MethodGet, base+"/cost-centers?limit=1&cursor="+*ccs.NextCursor, token, nil), &ccs)
		if len(ccs.Items) != 1 || ccs.Items[0].Name != "Operations" || ccs.NextCursor != nil {
			t.Fatalf("cost centers page 2 = %+v", ccs)
		}
		r = b.api(http.MethodGet, base+"/cost-centers?format=csv", token, nil)
		if lines := strings.Split(strings.TrimSpace(r.body), "\n"); len(lines) != 3 || lines[0] != "id,account_id,name,created_at" {
			t.Errorf("cost centers csv = %s", r.body)
		}
	})

	t.Run("ForeignTenant", func(t *testing.T) {
		orbit := f.browser("orbit.localhost")
		orbitToken := orbit.token("admin@orbit.example")
		bakery := f.browser(acmeHost)
		bakeryToken := bakery.token("owner@bluebakery.example")
		for _, c := range []struct {
			b      *browser
			token  string
			method string
			path   string
			body   any
		}{
			{orbit, orbitToken, http.MethodGet, "/api/v1/infrastructures/" + prod.ID, nil},
			{orbit, orbitToken, http.MethodPatch, "/api/v1/infrastructures/" + prod.ID, map[string]string{"name": "pwned"}},
			{orbit, orbitToken, http.MethodDelete, "/api/v1/infrastructures/" + prod.ID, nil},
			{orbit, orbitToken, http.MethodGet, base + "/infrastructures", nil},
			{orbit, orbitToken, http.MethodPost, base + "/infrastructures", map[string]string{"name": "intruder"}},
			{orbit, orbitToken, http.MethodGet, base + "/cost-centers", nil},
			{orbit, orbitToken, http.MethodPost, base + "/cost-centers", map[string]string{"name": "Intruders"}},
			{orbit, orbitToken, http.MethodPatch, "/api/v1/cost-centers/" + ops.ID, map[string]string{"name": "Pwned"}},
			{orbit, orbitToken, http.MethodDelete, "/api/v1/cost-centers/" + ops.ID, nil},
			// a sibling customer on the same domain
			{bakery, bakeryToken, http.MethodGet, "/api/v1/infrastructures/" + prod.ID, nil},
			{bakery, bakeryToken, http.MethodDelete, "/api/v1/infrastructures/" + prod.ID, nil},
		} {
			if r := c.b.api(c.method, c.path, c.token, c.body); r.Code != http.StatusNotFound {
				t.Errorf("%s %s on %s = %d %s, want 404", c.method, c.path, c.b.host, r.Code, r.body)
			}
		}
		// the vendor sees it
		acme := f.browser(acmeHost)
		if r := acme.api(http.MethodGet, "/api/v1/infrastructures/"+prod.ID, acme.token("admin@acme.example"), nil); r.Code != http.StatusOK {
			t.Errorf("vendor reads = %d, want 200", r.Code)
		}
	})

	t.Run("PatchAndDelete", func(t *testing.T) {
		r := b.api(http.MethodPatch, "/api/v1/infrastructures/"+prod.ID, token, map[string]any{"name": "api-production", "cost_center_id": nil})
		var got infraBody
		decode(t, r, &got)
		if r.Code != http.StatusOK || got.Name != "api-production" || got.CostCenterID != nil {
			t.Fatalf("patch = %d %s", r.Code, r.body)
		}
		r = b.api(http.MethodPatch, "/api/v1/infrastructures/"+prod.ID, token, map[string]any{"cost_center_id": ops.ID})
		decode(t, r, &got)
		if r.Code != http.StatusOK || got.Name != "api-production" || got.CostCenterID == nil || *got.CostCenterID != ops.ID {
			t.Fatalf("patch cost center = %d %s", r.Code, r.body)
		}
		if r := b.api(http.MethodPatch, "/api/v1/infrastructures/"+prod.ID, token, map[string]any{"name": "api-dev"}); r.Code != http.StatusConflict {
			t.Errorf("rename onto a taken name = %d, want 409", r.Code)
		}
		if r := b.api(http.MethodPatch, "/api/v1/infrastructures/"+prod.ID, token, map[string]any{"status": "deleted"}); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("patch status = %d, want 422", r.Code)
		}

		// a cost center in use is not deleted
		var e apiErr
		r = b.api(http.MethodDelete, "/api/v1/cost-centers/"+ops.ID, token, nil)
		decode(t, r, &e)
		if r.Code != http.StatusConflict || e.Error.Code != "cost_center_in_use" {
			t.Errorf("delete cost center in use = %d %s", r.Code, r.body)
		}
		r = b.api(http.MethodPatch, "/api/v1/cost-centers/"+ops.ID, token, map[string]string{"name": "Ops"})
		var cc costCenterBody
		decode(t, r, &cc)
		if r.Code != http.StatusOK || cc.Name != "Ops" {
			t.Errorf("rename cost center = %d %s", r.Code, r.body)
		}

		if r := b.api(http.MethodDelete, "/api/v1/infrastructures/"+prod.ID, token, nil); r.Code != http.StatusNoContent || r.body != "" {
			t.Fatalf("delete = %d %q, want 204", r.Code, r.body)
		}
		for _, m := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
			if r := b.api(m, "/api/v1/infrastructures/"+prod.ID, token, map[string]string{"name": "back"}); r.Code != http.StatusNotFound {
				t.Errorf("%s after delete = %d, want 404", m, r.Code)
			}
		}
		if r := b.api(http.MethodDelete, "/api/v1/cost-centers/"+ops.ID, token, nil); r.Code != http.StatusNoContent {
			t.Errorf("delete empty cost center = %d %s, want 204", r.Code, r.body)
		}
		if r := b.api(http.MethodDelete, "/api/v1/cost-centers/"+ops.ID, token, nil); r.Code != http.StatusNotFound {
			t.Errorf("delete cost center again = %d, want 404", r.Code)
		}
	})
}

var infraHref = regexp.MustCompile(`^/app/infrastructures/(inf_[a-z0-9]+)$`)

func TestInfraPages(t *testing.T) {
	f := newFixture(t)
	b := f.browser(acmeHost)
	b.login(cobaltOwner)

	r := b.get("/app/infrastructures")
	if r.Code != http.StatusOK {
		t.Fatalf("list = %d", r.Code)
	}
	for _, id := range []string{"nav-infrastructures", "nav-cost-centers", "infra-empty", "infra-form"} {
		if _, ok := byTestID(r.body, id); !ok {
			t.Errorf("list page has no %s", id)
		}
	}

	// cost centers
	r = b.submit("/app/cost-centers", "/app/cost-centers", url.Values{"name": {"Production"}})
	if r.Code != http.StatusSeeOther || r.location() != "/app/cost-centers" {
		t.Fatalf("create cost center = %d %q", r.Code, r.location())
	}
	page := b.get("/app/cost-centers")
	if msg, _ := byTestID(page.body, "flash"); !strings.Contains(msg, "Production") {
		t.Errorf("flash = %q", msg)
	}
	if name, _ := byTestID(page.body, "cost-center-name"); name != "Production" {
		t.Errorf("cost center listed = %q", name)
	}
	r = b.submit("/app/cost-centers", "/app/cost-centers", url.Values{"name": {"production"}})
	if msg, _ := byTestID(r.body, "error-name"); r.Code != http.StatusConflict || msg == "" || !strings.Contains(r.body, `value="production"`) {
		t.Errorf("duplicate cost center = %d %q", r.Code, msg)
	}
	r = b.submit("/app/cost-centers", "/app/cost-centers", url.Values{"name": {""}})
	if _, ok := byTestID(r.body, "error-name"); r.Code != http.StatusUnprocessableEntity || !ok {
		t.Errorf("empty cost center = %d", r.Code)
	}
	prodCC := f.costCenterID(t, "Cobalt Law", "Production")

	// infrastructures
	r = b.submit("/app/infrastructures", "/app/infrastructures", url.Values{"name": {""}, "cost_center_id": {prodCC}})
	if _, ok := byTestID(r.body, "error-name"); r.Code != http.StatusUnprocessableEntity || !ok ||
		!regexp.MustCompile(`<option value="`+prodCC+`" selected`).MatchString(r.body) {
		t.Errorf("empty name = %d, want 422 with the cost center kept", r.Code)
	}
	r = b.submit("/app/infrastructures", "/app/infrastructures", url.Values{"name": {"law-web"}, "cost_center_id": {prodCC}})
	m := infraHref.FindStringSubmatch(r.location())
	if r.Code != http.StatusSeeOther || m == nil {
		t.Fatalf("create = %d %q", r.Code, r.location())
	}
	id := m[1]
	page = b.get(r.location())
	if title, _ := byTestID(page.body, "infra-title"); page.Code != http.StatusOK || title != "law-web" {
		t.Errorf("detail = %d %q", page.Code, title)
	}
	if cc, _ := byTestID(page.body, "infra-cost-center"); cc != "Production" {
		t.Errorf("cost center shown = %q", cc)
	}
	if msg, _ := byTestID(page.body, "flash"); !strings.Contains(msg, "law-web") {
		t.Errorf("flash = %q", msg)
	}
	r = b.submit("/app/infrastructures", "/app/infrastructures", url.Values{"name": {"LAW-WEB"}})
	if msg, _ := byTestID(r.body, "error-name"); r.Code != http.StatusConflict || msg == "" || !strings.Contains(r.body, `value="LAW-WEB"`) {
		t.Errorf("duplicate = %d %q", r.Code, msg)
	}
	r = b.submit("/app/infrastructures", "/app/infrastructures", url.Values{"name": {"law-dev"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("create law-dev = %d", r.Code)
	}

	t.Run("ListAndSearch", func(t *testing.T) {
		page := b.get("/app/infrastructures")
		if total, _ := byTestID(page.body, "infra-total"); total != "2 infrastructures" {
			t.Errorf("total = %q", total)
		}
		if _, ok := byTestID(page.body, "infra-row-"+id); !ok {
			t.Errorf("law-web is not listed")
		}
		page = b.get("/app/infrastructures?q=WEB")
		if total, _ := byTestID(page.body, "infra-total"); total != "1 infrastructure" {
			t.Errorf("q=WEB total = %q", total)
		}
		page = b.get("/app/infrastructures?cost_center=none")
		if name, _ := byTestID(page.body, "infra-name"); name != "law-dev" {
			t.Errorf("in no cost center = %q", name)
		}
		page = b.get("/app/infrastructures?q=nothing-like-this")
		if msg, _ := byTestID(page.body, "infra-empty"); !strings.Contains(msg, "matches") {
			t.Errorf("empty search = %q", msg)
		}
		// past 50 there is a next page, which carries the search along
		sc := f.scope(acmeHost, cobaltOwner)
		for i := range 55 {
			if _, err := sc.CreateInfrastructure(context.Background(), f.accountID("Cobalt Law"),
				tenantry.NewInfrastructure{Name: fmt.Sprintf("node-%02d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		page = b.get("/app/infrastructures?q=node")
		if n := strings.Count(page.body, `data-testid="infra-name"`); n != 50 {
			t.Errorf("first page shows %d, want 50", n)
		}
		href := regexp.MustCompile(`href="([^"]+)" class="button secondary" data-testid="pager-next"`).FindStringSubmatch(page.body)
		if href == nil {
			t.Fatalf("no next page link")
		}
		page = b.get(strings.ReplaceAll(href[1], "&amp;", "&"))
		total, _ := byTestID(page.body, "infra-total")
		if n := strings.Count(page.body, `data-testid="infra-name"`); page.Code != http.StatusOK || n != 5 || total != "55 infrastructures" {
			t.Errorf("second page = %d, %d items, total %q", page.Code, n, total)
		}
		if _, ok := byTestID(page.body, "pager-first"); !ok {
			t.Errorf("second page has no link to the first")
		}
		prev := regexp.MustCompile(`href="([^"]+)" class="button secondary" rel="prev" data-testid="pager-prev"`).FindStringSubmatch(page.body)
		if prev == nil {
			t.Fatalf("second page has no Previous link")
		}
		back := b.get(strings.ReplaceAll(prev[1], "&amp;", "&"))
		if n := strings.Count(back.body, `data-testid="infra-name"`); n != 50 || !strings.Contains(prev[1], "q=node") {
			t.Errorf("Previous = %q with %d items, want the first page of the search", prev[1], n)
		}
	})

	t.Run("Edit", func(t *testing.T) {
		r := b.submit("/app/infrastructures/"+id, "/app/infrastructures/"+id, url.Values{"name": {"law-dev"}, "cost_center_id": {prodCC}})
		if msg, _ := byTestID(r.body, "error-name"); r.Code != http.StatusConflict || msg == "" || !strings.Contains(r.body, `value="law-dev"`) {
			t.Errorf("rename onto a taken name = %d %q", r.Code, msg)
		}
		r = b.submit("/app/infrastructures/"+id, "/app/infrastructures/"+id, url.Values{"name": {"law-www"}, "cost_center_id": {""}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("save = %d %s", r.Code, excerpt(r.body))
		}
		page := b.get("/app/infrastructures/" + id)
		title, _ := byTestID(page.body, "infra-title")
		if _, inCC := byTestID(page.body, "infra-cost-center"); title != "law-www" || !inCC || strings.Contains(page.body, ">Production</td>") {
			t.Errorf("after save: %q", title)
		}
	})

	t.Run("CostCenterInUse", func(t *testing.T) {
		// move law-dev into Production, then try to delete Production
		dev := f.scope(acmeHost, cobaltOwner)
		p, err := dev.Infrastructures(context.Background(), f.accountID("Cobalt Law"), store.InfraFilter{Q: "law-dev"})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("law-dev: %v %v", p, err)
		}
		b.submit("/app/infrastructures/"+p.Items[0].ID, "/app/infrastructures/"+p.Items[0].ID,
			url.Values{"name": {"law-dev"}, "cost_center_id": {prodCC}})
		page := b.get("/app/cost-centers")
		if n, _ := byTestID(page.body, "cost-center-count"); n != "1" {
			t.Errorf("count = %q", n)
		}
		if !strings.Contains(page.body, `name="_confirm" value="Delete the cost center Production?"`) {
			t.Errorf("delete has no confirmation")
		}
		r := b.submit("/app/cost-centers", "/app/cost-centers/"+prodCC+"/delete", url.Values{})
		if msg, _ := byTestID(r.body, "form-error"); r.Code != http.StatusConflict || !strings.Contains(msg, "move them") {
			t.Errorf("delete in use = %d %q", r.Code, msg)
		}
		r = b.submit("/app/cost-centers", "/app/cost-centers/"+prodCC, url.Values{"name": {"Prod"}})
		if r.Code != http.StatusSeeOther {
			t.Errorf("rename = %d", r.Code)
		}
		if name, _ := byTestID(b.get("/app/cost-centers").body, "cost-center-name"); name != "Prod" {
			t.Errorf("renamed = %q", name)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		page := b.get("/app/infrastructures/" + id)
		if !strings.Contains(page.body, `name="_confirm" value="Delete the infrastructure law-www? This cannot be undone."`) {
			t.Errorf("delete has no confirmation")
		}
		// without a CSRF token nothing happens
		if r := b.post("/app/infrastructures/"+id+"/delete", url.Values{}); r.Code != http.StatusForbidden {
			t.Errorf("delete without CSRF = %d, want 403", r.Code)
		}
		if r := b.get("/app/infrastructures/" + id); r.Code != http.StatusOK {
			t.Fatalf("deleted without CSRF")
		}
		r := b.submit("/app/infrastructures/"+id, "/app/infrastructures/"+id+"/delete", url.Values{})
		if r.Code != http.StatusSeeOther || r.location() != "/app/infrastructures" {
			t.Fatalf("delete = %d %q", r.Code, r.location())
		}
		if msg, _ := byTestID(b.get("/app/infrastructures").body, "flash"); !strings.Contains(msg, "deleted") {
			t.Errorf("flash = %q", msg)
		}
		if r := b.get("/app/infrastructures/" + id); r.Code != http.StatusNotFound {
			t.Errorf("after delete = %d, want 404", r.Code)
		}
	})

	t.Run("OtherCustomer", func(t *testing.T) {
		other := f.browser(acmeHost)
		other.login("owner@bluebakery.example")
		dev := f.infraID(t, "Cobalt Law", "law-dev")
		if r := other.get("/app/infrastructures/" + dev); r.Code != http.StatusNotFound {
			t.Errorf("another customer's infrastructure = %d, want 404", r.Code)
		}
		if r := other.submit("/app/infrastructures", "/app/infrastructures/"+dev+"/delete", url.Values{}); r.Code != http.StatusNotFound {
			t.Errorf("deleting another customer's infrastructure = %d, want 404", r.Code)
		}
		if r := other.submit("/app/cost-centers", "/app/cost-centers/"+prodCC+"/delete", url.Values{}); r.Code != http.StatusNotFound {
			t.Errorf("deleting another customer's cost center = %d, want 404", r.Code)
		}
	})
}

func TestVendorInfraPage(t *testing.T) {
	f := newFixture(t)
	sc := f.scope(acmeHost, cobaltOwner)
	cobalt := f.accountID("Cobalt Law")
	if _, err := sc.CreateInfrastructure(context.Background(), cobalt, tenantry.NewInfrastructure{Name: "law-web"}); err != nil {
		t.Fatal(err)
	}
	acme := f.browser(acmeHost)
	acme.login("admin@acme.example")
	r := acme.get("/reseller/accounts/" + cobalt + "/infrastructures")
	if name, _ := byTestID(r.body, "infra-name"); r.Code != http.StatusOK || name != "law-web" {
		t.Errorf("vendor's view = %d %q", r.Code, name)
	}
	if strings.Contains(r.body, `data-testid="infra-form"`) || strings.Contains(r.body, `href="/app/`) {
		t.Errorf("the vendor's view is not read-only")
	}
	if r := acme.get("/reseller/accounts/" + f.accountID("Beta Resale") + "/infrastructures"); r.Code != http.StatusNotFound {
		t.Errorf("a reseller's infrastructures = %d, want 404", r.Code)
	}
	provider := f.browser("portal.localhost")
	provider.login("admin@nimbus.example")
	if r := provider.get("/provider/accounts/" + cobalt + "/infrastructures"); r.Code != http.StatusOK {
		t.Errorf("provider's view = %d", r.Code)
	}
	orbit := f.browser("orbit.localhost")
	orbit.login("admin@orbit.example")
	if r := orbit.get("/reseller/accounts/" + cobalt + "/infrastructures"); r.Code != http.StatusNotFound {
		t.Errorf("another reseller's view = %d, want 404", r.Code)
	}
}

func (f *fixture) costCenterID(t *testing.T, account, name string) string {
	t.Helper()
	list, err := f.scope("portal.localhost", "admin@nimbus.example").CostCenters(context.Background(), f.accountID(account))
	if err != nil {
		t.Fatal(err)
	}
	for _, cc := range list {
		if cc.Name == name {
			return cc.ID
		}
	}
	t.Fatalf("%s has no cost center %q", account, name)
	return ""
}

func (f *fixture) infraID(t *testing.T, account, name string) string {
	t.Helper()
	p, err := f.scope("portal.localhost", "admin@nimbus.example").Infrastructures(context.Background(), f.accountID(account),
		store.InfraFilter{Q: name})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range p.Items {
		if in.Name == name {
			return in.ID
		}
	}
	t.Fatalf("%s has no infrastructure %q", account, name)
	return ""
}

// TestAnchorInfrastructuresReadOnly: an organization anchor's own panel
// offers no create form (the store refuses every infrastructure on an
// anchor, so the form could only fail) and says why; a posted form is
// still refused.
func TestAnchorInfrastructuresReadOnly(t *testing.T) {
	f := newFixture(t)
	admin := f.browser("acme.localhost")
	tok := admin.token("admin@acme.example")
	r := admin.api(http.MethodPost, "/api/v1/accounts", tok, map[string]any{"kind": "customer", "name": "Contoso Group",
		"is_organization": true, "owner": map[string]string{"email": "it@contoso.example", "name": "Ivy",
			"password": store.DemoPassword}})
	if r.Code != http.StatusCreated {
		t.Fatalf("create anchor: %d %s", r.Code, r.body)
	}
	owner := f.browser("acme.localhost")
	owner.login("it@contoso.example")
	page := owner.get("/app/infrastructures")
	if page.Code != http.StatusOK {
		t.Fatalf("GET /app/infrastructures = %d", page.Code)
	}
	if _, ok := byTestID(page.body, "infra-form"); ok {
		t.Error("the anchor's Infrastructures page offers the create form")
	}
	if _, ok := byTestID(page.body, "infra-anchor-note"); !ok {
		t.Error("the anchor's Infrastructures page does not say why it has none")
	}
	r = owner.submit("/app/infrastructures", "/app/infrastructures", url.Values{"name": {"web-prod"}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Errorf("posting the form anyway = %d, want 422", r.Code)
	}

	// an ordinary customer keeps its form
	bakery := f.browser("acme.localhost")
	bakery.login("owner@bluebakery.example")
	if _, ok := byTestID(bakery.get("/app/infrastructures").body, "infra-form"); !ok {
		t.Error("Blue Bakery's Infrastructures page lost its create form")
	}
}
