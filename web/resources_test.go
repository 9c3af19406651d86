package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

// setClock gives the fixture's store a clock at t that the test moves.
func (f *fixture) setClock(t time.Time) *clock {
	c := &clock{now: t}
	f.db.Now = c.Now
	return c
}

// newInfra creates an infrastructure of a demo account as its owner.
func (f *fixture) newInfra(t *testing.T, host, owner, account, name string) string {
	t.Helper()
	in, err := f.scope(host, owner).CreateInfrastructure(context.Background(), f.accountID(account), tenantry.NewInfrastructure{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return in.ID
}

// resourceByName finds a live resource of an infrastructure, as the
// provider sees it; nil when there is none.
func (f *fixture) resourceByName(t *testing.T, infraID, name string) *tenantry.Resource {
	t.Helper()
	list, err := f.scope("portal.localhost", "admin@nimbus.example").Resources(context.Background(), infraID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}

const (
	bakeryOwner  = "owner@bluebakery.example"
	bakeryOps    = "ops@bluebakery.example"
	bakeryViewer = "viewer@bluebakery.example"
)

// TestResourcePages: Blue Bakery's Ops user adds, starts, stops, resizes
// and deletes resources from the infrastructure's page; refused forms keep
// their input and say why next to each field; a viewer sees the table but
// no form, and is 403 on every post; another tenant's infrastructure is
// 404.
func TestResourcePages(t *testing.T) {
	ctx := context.Background()
	f := newFixtureWithMembers(t, auditMember{"Blue Bakery", bakeryOps, tenantry.RoleOps},
		auditMember{"Blue Bakery", bakeryViewer, tenantry.RoleViewer})
	clk := f.setClock(time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC))
	id := f.newInfra(t, acmeHost, bakeryOwner, "Blue Bakery", "shop")
	page := "/infrastructures/" + id
	add := page + "/resources"
	ops := f.browser(acmeHost)
	ops.login(bakeryOps)

	r := ops.get(page)
	if r.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", page, r.Code)
	}
	if msg, _ := byTestID(r.body, "resources-empty"); !strings.Contains(msg, "No resources yet") {
		t.Errorf("empty state = %q", msg)
	}
	if _, ok := byTestID(r.body, "resource-form"); !ok {
		t.Error("the Ops user has no form to add a resource")
	}
	if !strings.Contains(r.body, `<optgroup label="Servers">`) || !strings.Contains(r.body, `<optgroup label="Volumes">`) {
		t.Error("the flavor select does not group the metrics by type")
	}

	t.Run("Refused", func(t *testing.T) {
		r := ops.submit(page, add, url.Values{"type": {"server"}, "name": {""}, "metric": {"storage.block"}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("server with a volume's metric and no name = %d", r.Code)
		}
		if msg, _ := byTestID(r.body, "error-res-metric"); !strings.Contains(msg, "instance.small") {
			t.Errorf("metric error = %q, want the server flavors offered", msg)
		}
		if msg, _ := byTestID(r.body, "error-res-name"); msg == "" {
			t.Error("no error on the name")
		}
		if !strings.Contains(r.body, `<option value="storage.block" selected`) || !strings.Contains(r.body, `<option value="server" selected`) {
			t.Error("the refused form lost the type or metric chosen")
		}
		if !strings.Contains(r.body, `aria-describedby="res-metric-error"`) {
			t.Error("the metric's error is not tied to its select")
		}
		r = ops.submit(page, add, url.Values{"type": {"volume"}, "name": {"data"}, "metric": {"storage.block"}, "size_gb": {"ten"}})
		if msg, _ := byTestID(r.body, "error-res-size_gb"); r.Code != http.StatusUnprocessableEntity || msg == "" ||
			!strings.Contains(r.body, `value="ten"`) || !strings.Contains(r.body, `value="data"`) {
			t.Errorf("volume of size ten = %d %q", r.Code, msg)
		}
		r = ops.submit(page, add, url.Values{"type": {"volume"}, "name": {"data"}, "metric": {"storage.block"}})
		if msg, _ := byTestID(r.body, "error-res-size_gb"); r.Code != http.StatusUnprocessableEntity || msg == "" {
			t.Errorf("volume without a size = %d %q", r.Code, msg)
		}
		if list, _ := f.scope(acmeHost, bakeryOwner).Resources(ctx, id); len(list) != 0 {
			t.Errorf("refused forms created %d resources", len(list))
		}
	})

	for _, c := range []struct {
		form  url.Values
		flash string
	}{
		{url.Values{"type": {"server"}, "name": {"web-1"}, "metric": {"instance.small"}, "start": {"1"}}, "Server web-1 created and started."},
		{url.Values{"type": {"server"}, "name": {"web-2"}, "metric": {"instance.small"}}, "Server web-2 created."},
		{url.Values{"type": {"volume"}, "name": {"data"}, "metric": {"storage.block"}, "size_gb": {"100"}}, "Volume data created."},
	} {
		r := ops.submit(page, add, c.form)
		if r.Code != http.StatusSeeOther || r.location() != page {
			t.Fatalf("add %s = %d %q: %s", c.form.Get("name"), r.Code, r.location(), excerpt(r.body))
		}
		if msg, _ := byTestID(ops.get(page).body, "flash"); msg != c.flash {
			t.Errorf("flash = %q, want %q", msg, c.flash)
		}
	}
	r = ops.submit(page, add, url.Values{"type": {"server"}, "name": {"WEB-1"}, "metric": {"instance.small"}})
	if msg, _ := byTestID(r.body, "error-res-name"); r.Code != http.StatusConflict || msg == "" {
		t.Errorf("a taken name = %d %q", r.Code, msg)
	}
	web1, web2, data := f.resourceByName(t, id, "web-1"), f.resourceByName(t, id, "web-2"), f.resourceByName(t, id, "data")
	if web1 == nil || web2 == nil || data == nil || web1.State != tenantry.StateRunning || web2.State != tenantry.StateStopped || data.SizeGB != 100 {
		t.Fatalf("created = %+v %+v %+v", web1, web2, data)
	}

	act := func(rid, verb string, form url.Values) *response {
		t.Helper()
		if form == nil {
			form = url.Values{}
		}
		return ops.submit(page, page+"/resources/"+rid+"/"+verb, form)
	}
	t.Run("Lifecycle", func(t *testing.T) {
		clk.set(clk.Now().Add(150 * time.Minute))
		if r := act(web1.ID, "stop", nil); r.Code != http.StatusSeeOther {
			t.Fatalf("stop = %d", r.Code)
		}
		body := ops.get(page).body
		if msg, _ := byTestID(body, "flash"); msg != "Server web-1 stopped." {
			t.Errorf("flash = %q", msg)
		}
		if got := f.resourceByName(t, id, "web-1"); got.State != tenantry.StateStopped {
			t.Errorf("web-1 is %s after stop", got.State)
		}
		row := body[strings.Index(body, `data-testid="resource-web-1"`):]
		if v, _ := byTestID(row, "resource-used-instance.small"); v != "2.5 hours" {
			t.Errorf("web-1 used this month = %q, want 2.5 hours", v)
		}
		if v, _ := byTestID(row, "resource-state"); v != "stopped" {
			t.Errorf("web-1's state badge = %q", v)
		}
		if !strings.Contains(body, `data-testid="usage-month-instance.small"><strong>2.5 hours</strong>`) {
			t.Errorf("this month's summary lacks 2.5 hours of instance.small")
		}
		if r := act(web2.ID, "start", nil); r.Code != http.StatusSeeOther {
			t.Fatalf("start = %d", r.Code)
		}
		if msg, _ := byTestID(ops.get(page).body, "flash"); msg != "Server web-2 started." {
			t.Errorf("flash = %q", msg)
		}
		if got := f.resourceByName(t, id, "web-2"); got.State != tenantry.StateRunning {
			t.Errorf("web-2 is %s after start", got.State)
		}
	})

	t.Run("Resize", func(t *testing.T) {
		r := act(web2.ID, "resize", url.Values{"metric": {"storage.block"}})
		if msg, _ := byTestID(r.body, "resize-error"); r.Code != http.StatusUnprocessableEntity || !strings.Contains(msg, "instance.medium") {
			t.Errorf("resize a server to a volume's metric = %d %q", r.Code, msg)
		}
		if !strings.Contains(r.body, `aria-describedby="resize-`+web2.ID+`-metric-error"`) {
			t.Error("the resize error is not tied to its select")
		}
		if r := act(web2.ID, "resize", url.Values{"metric": {"instance.medium"}}); r.Code != http.StatusSeeOther {
			t.Fatalf("resize = %d %s", r.Code, excerpt(r.body))
		}
		if msg, _ := byTestID(ops.get(page).body, "flash"); msg != "Server web-2 resized to instance.medium." {
			t.Errorf("flash = %q", msg)
		}
		if got := f.resourceByName(t, id, "web-2"); got.Metric != "instance.medium" {
			t.Errorf("web-2's metric = %s", got.Metric)
		}
		r = act(data.ID, "resize", url.Values{"size_gb": {"0"}})
		if msg, _ := byTestID(r.body, "resize-error"); r.Code != http.StatusUnprocessableEntity || msg == "" || !strings.Contains(r.body, `value="0"`) {
			t.Errorf("resize a volume to 0 GB = %d %q", r.Code, msg)
		}
		if r := act(data.ID, "resize", url.Values{"size_gb": {"250"}}); r.Code != http.StatusSeeOther {
			t.Fatalf("resize the volume = %d", r.Code)
		}
		if got := f.resourceByName(t, id, "data"); got.SizeGB != 250 {
			t.Errorf("data's size = %d", got.SizeGB)
		}
		if v, _ := byTestID(ops.get(page).body, "resource-size"); v != "250 GB" {
			t.Errorf("size shown = %q", v)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		q := "Delete server web-2? Its usage so far is kept."
		if !strings.Contains(ops.get(page).body, `name="_confirm" value="`+q+`"`) {
			t.Errorf("the delete form does not ask %q", q)
		}
		r := act(web2.ID, "delete", url.Values{"_confirm": {q}})
		if r.Code != http.StatusOK || !strings.Contains(r.body, q) {
			t.Errorf("delete without the answer = %d, want the confirmation step", r.Code)
		}
		if f.resourceByName(t, id, "web-2") == nil {
			t.Fatal("web-2 was deleted without confirmation")
		}
		if r := act(web2.ID, "delete", url.Values{"_confirm": {q}, "_confirmed": {"1"}}); r.Code != http.StatusSeeOther {
			t.Fatalf("delete = %d", r.Code)
		}
		body := ops.get(page).body
		if msg, _ := byTestID(body, "flash"); !strings.HasPrefix(msg, "Server web-2 deleted") {
			t.Errorf("flash = %q", msg)
		}
		if f.resourceByName(t, id, "web-2") != nil || strings.Contains(body, `data-testid="resource-web-2"`) {
			t.Error("web-2 is still there")
		}
		if r := act(web2.ID, "start", nil); r.Code != http.StatusNotFound {
			t.Errorf("start a deleted resource = %d, want 404", r.Code)
		}
	})

	t.Run("EndUserPanel", func(t *testing.T) {
		// the same forms on the end-user panel's page lead back there
		at := "/app/infrastructures/" + id
		if _, ok := byTestID(ops.get(at).body, "resources-table"); !ok {
			t.Fatal("the end-user panel's page has no resources")
		}
		r := ops.submit(at, page+"/resources/"+data.ID+"/stop", url.Values{"return": {at}})
		if r.Code != http.StatusSeeOther || r.location() != at {
			t.Errorf("stop from the panel = %d %q, want back to %s", r.Code, r.location(), at)
		}
	})

	t.Run("Viewer", func(t *testing.T) {
		v := f.browser(acmeHost)
		v.login(bakeryViewer)
		body := v.get(page).body
		if _, ok := byTestID(body, "resources-table"); !ok {
			t.Error("the viewer does not see the resources")
		}
		for _, form := range []string{"resource-form", "resource-start", "resource-stop", "resource-delete", "resource-resize"} {
			if _, ok := byTestID(body, form); ok {
				t.Errorf("the viewer sees %s", form)
			}
		}
		if r := v.submit(page, add, url.Values{"type": {"server"}, "name": {"v-1"}, "metric": {"instance.small"}}); r.Code != http.StatusForbidden {
			t.Errorf("viewer adds = %d, want 403", r.Code)
		}
		for _, verb := range []string{"start", "stop", "delete"} {
			if r := v.submit(page, page+"/resources/"+web1.ID+"/"+verb, url.Values{}); r.Code != http.StatusForbidden {
				t.Errorf("viewer %s = %d, want 403", verb, r.Code)
			}
		}
		if r := v.submit(page, page+"/resources/"+web1.ID+"/resize", url.Values{"metric": {"instance.large"}}); r.Code != http.StatusForbidden {
			t.Errorf("viewer resize = %d, want 403", r.Code)
		}
	})

	t.Run("OtherTenants", func(t *testing.T) {
		// a resource of another infrastructure is not this one's
		other := f.newInfra(t, acmeHost, bakeryOwner, "Blue Bakery", "shop-2")
		res, err := f.scope(acmeHost, bakeryOwner).CreateResource(ctx, other, tenantry.NewResource{Type: "server", Name: "x", Metric: "instance.small"})
		if err != nil {
			t.Fatal(err)
		}
		if r := act(res.ID, "start", nil); r.Code != http.StatusNotFound {
			t.Errorf("another infrastructure's resource under this one = %d, want 404", r.Code)
		}
		cobalt := f.browser(acmeHost)
		cobalt.login(cobaltOwner)
		orbit := f.browser("orbit.localhost")
		orbit.login("admin@orbit.example")
		for _, b := range []*browser{cobalt, orbit} {
			if r := b.get(page); r.Code != http.StatusNotFound {
				t.Errorf("%s: GET = %d, want 404", b.host, r.Code)
			}
			if r := b.submit("/profile", add, url.Values{"type": {"server"}, "name": {"evil"}, "metric": {"instance.small"}}); r.Code != http.StatusNotFound {
				t.Errorf("%s: add = %d, want 404", b.host, r.Code)
			}
			if r := b.submit("/profile", page+"/resources/"+web1.ID+"/start", url.Values{}); r.Code != http.StatusNotFound {
				t.Errorf("%s: start = %d, want 404", b.host, r.Code)
			}
		}
		if f.resourceByName(t, id, "evil") != nil {
			t.Error("another tenant added a resource")
		}
	})
}

// TestResourcesOfDelegatesAndServiceUsers: a delegate manages the
// resources of the infrastructure delegated to it; a service user sees
// and manages those of what is assigned to it, and nothing else.
func TestResourcesOfDelegatesAndServiceUsers(t *testing.T) {
	f := newFixture(t)
	t.Run("Delegate", func(t *testing.T) {
		tracker := f.infraID(t, "Delta Freight", "fleet-tracker")
		page := "/infrastructures/" + tracker
		d := f.browser("orbit.localhost")
		d.login("ops@fleetpartner.example")
		if _, ok := byTestID(d.get(page).body, "resource-form"); !ok {
			t.Fatal("the delegate has no form to add a resource")
		}
		r := d.submit(page, page+"/resources", url.Values{"type": {"ip"}, "name": {"gw"}, "metric": {"ip.public_v4"}, "start": {"1"}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("the delegate adds = %d %s", r.Code, excerpt(r.body))
		}
		gw := f.resourceByName(t, tracker, "gw")
		if gw == nil || gw.State != tenantry.StateRunning {
			t.Fatalf("gw = %+v", gw)
		}
		if r := d.submit(page, page+"/resources/"+gw.ID+"/stop", url.Values{}); r.Code != http.StatusSeeOther {
			t.Errorf("the delegate stops = %d", r.Code)
		}
		// Delta Freight's other infrastructures are not the delegate's
		other := f.newInfra(t, "orbit.localhost", "owner@delta.example", "Delta Freight", "other")
		if r := d.get("/infrastructures/" + other); r.Code != http.StatusNotFound {
			t.Errorf("another infrastructure of the account = %d, want 404", r.Code)
		}
	})
	t.Run("ServiceUser", func(t *testing.T) {
		sandbox, prod := f.infraID(t, "Blue Bakery", "sandbox"), f.infraID(t, "Blue Bakery", "web-prod")
		owner := f.scope(acmeHost, bakeryOwner)
		for _, in := range []struct{ infra, name string }{{sandbox, "sb-1"}, {prod, "prod-1"}} {
			if _, err := owner.CreateResource(context.Background(), in.infra, tenantry.NewResource{Type: "server", Name: in.name, Metric: "instance.small"}); err != nil {
				t.Fatal(err)
			}
		}
		s := f.browser(acmeHost)
		s.login("till@bluebakery.example")
		body := s.get("/infrastructures/" + sandbox).body
		if _, ok := byTestID(body, "resource-sb-1"); !ok {
			t.Error("the service user does not see its infrastructure's resources")
		}
		for _, path := range []string{"/infrastructures/" + prod, "/infrastructures/" + prod + "/usage"} {
			if r := s.get(path); r.Code != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", path, r.Code)
			}
		}
		sb := f.resourceByName(t, sandbox, "sb-1")
		if r := s.submit("/infrastructures/"+sandbox, "/infrastructures/"+sandbox+"/resources/"+sb.ID+"/start", url.Values{}); r.Code != http.StatusSeeOther {
			t.Errorf("the service user starts its resource = %d", r.Code)
		}
	})
}

// TestInfraListsThisMonth: the lists of infrastructures (the end-user
// panel's, the all-in-one list, and a vendor's view of a customer's) say
// what each used this month, running resources up to now included.
func TestInfraListsThisMonth(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	clk := f.setClock(time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC))
	id := f.newInfra(t, acmeHost, bakeryOwner, "Blue Bakery", "shop")
	idle := f.newInfra(t, acmeHost, bakeryOwner, "Blue Bakery", "shop-idle")
	size := int64(100)
	owner := f.scope(acmeHost, bakeryOwner)
	for _, in := range []tenantry.NewResource{{Type: "server", Name: "web-1", Metric: "instance.small", Start: true},
		{Type: "volume", Name: "data", Metric: "storage.block", SizeGB: &size, Start: true}} {
		if _, err := owner.CreateResource(ctx, id, in); err != nil {
			t.Fatal(err)
		}
	}
	clk.set(clk.Now().Add(2 * time.Hour))
	bakery := f.browser(acmeHost)
	bakery.login(bakeryOwner)
	acme := f.browser(acmeHost)
	acme.login("admin@acme.example")
	for _, c := range []struct {
		b    *browser
		path string
		row  string
	}{
		{bakery, "/app/infrastructures", "infra-row-"},
		{bakery, "/infrastructures?q=shop", "reached-row-"},
		{acme, "/infrastructures?q=shop", "reached-row-"},
		{acme, "/reseller/accounts/" + f.accountID("Blue Bakery") + "/infrastructures?q=shop", "infra-row-"},
	} {
		r := c.b.get(c.path)
		if r.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", c.path, r.Code)
		}
		i := strings.Index(r.body, `data-testid="`+c.row+id+`"`)
		j := strings.Index(r.body, `data-testid="`+c.row+idle+`"`)
		if i < 0 || j < 0 {
			t.Fatalf("%s does not list both infrastructures", c.path)
		}
		row := r.body[i:]
		row = row[:strings.Index(row, "</tr>")]
		for metric, want := range map[string]string{"instance.small": "2 hours", "storage.block": "200 GB-hours"} {
			if v, _ := byTestID(row, "infra-month-"+metric); v != want {
				t.Errorf("%s: %s this month = %q, want %q", c.path, metric, v, want)
			}
		}
		idleRow := r.body[j:]
		idleRow = idleRow[:strings.Index(idleRow, "</tr>")]
		if _, ok := byTestID(idleRow, "infra-month-none"); !ok {
			t.Errorf("%s: the idle infrastructure does not say it used nothing", c.path)
		}
	}
}

// TestResourcesCatalogueGaps: when the catalogue has no metric for a
// resource type, the add form says so; with none for any type, it says
// why there is no form.
func TestResourcesCatalogueGaps(t *testing.T) {
	f := newFixture(t)
	id := f.newInfra(t, acmeHost, bakeryOwner, "Blue Bakery", "gaps")
	provider := f.scope("portal.localhost", "admin@nimbus.example")
	unmeter := func(key string) {
		t.Helper()
		// the demo's resources metered by it go first: a metric's type
		// stays while live resources use it
		ctx := context.Background()
		page, err := provider.ReachedInfrastructures(ctx, store.InfraFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range page.Items {
			list, err := provider.Resources(ctx, in.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range list {
				if r.Metric == key {
					if err := provider.DeleteResource(ctx, r.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		m := f.metricOf(t, key)
		m.ResourceType = ""
		if err := provider.SaveMetric(context.Background(), *m, false); err != nil {
			t.Fatal(err)
		}
	}
	unmeter("ip.public_v4")
	b := f.browser(acmeHost)
	b.login(bakeryOwner)
	body := b.get("/infrastructures/" + id).body
	if msg, _ := byTestID(body, "resources-missing"); !strings.HasPrefix(msg, "Public IP: the catalogue has no metric") {
		t.Errorf("missing note = %q", msg)
	}
	if strings.Contains(body, `<optgroup label="Public IPs">`) {
		t.Error("the flavor select offers public IPs with no metric")
	}
	for _, key := range []string{"instance.small", "instance.medium", "instance.large", "storage.block"} {
		unmeter(key)
	}
	body = b.get("/infrastructures/" + id).body
	if _, ok := byTestID(body, "resources-no-catalogue"); !ok {
		t.Error("with no metered metric at all, the page does not say why it has no form")
	}
	if _, ok := byTestID(body, "resource-form"); ok {
		t.Error("the form is offered with nothing to choose")
	}
}

// TestInfraDeleteRefusedWhileResourcesLive: an infrastructure that still
// holds resources is not deleted from its page either; the page says why,
// and once its resources are gone it is.
func TestInfraDeleteRefusedWhileResourcesLive(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	id := f.newInfra(t, acmeHost, bakeryOwner, "Blue Bakery", "busy")
	owner := f.scope(acmeHost, bakeryOwner)
	res, err := owner.CreateResource(ctx, id, tenantry.NewResource{Type: "ip", Name: "gw", Metric: "ip.public_v4", Start: true})
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser(acmeHost)
	b.login(bakeryOwner)
	for _, page := range []string{"/infrastructures/" + id, "/app/infrastructures/" + id} {
		q := "Delete the infrastructure busy? This cannot be undone."
		r := b.submit(page, page+"/delete", url.Values{"_confirm": {q}, "_confirmed": {"1"}})
		if r.Code != http.StatusConflict {
			t.Fatalf("%s: refused delete = %d, want 409 and the page again", page, r.Code)
		}
		body := r.body
		if !strings.Contains(body, "Delete this infrastructure&#39;s resources first.") && !strings.Contains(body, "Delete this infrastructure's resources first.") {
			t.Errorf("%s does not say why the infrastructure stays", page)
		}
		if _, err := owner.Infrastructure(ctx, id); err != nil {
			t.Fatalf("%s: the infrastructure went: %v", page, err)
		}
	}
	if err := owner.DeleteResource(ctx, res.ID); err != nil {
		t.Fatal(err)
	}
	page := "/infrastructures/" + id
	if r := b.submit(page, page+"/delete", url.Values{"_confirm": {"Delete the infrastructure busy? This cannot be undone."},
		"_confirmed": {"1"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("delete of an empty infrastructure = %d", r.Code)
	}
	if _, err := owner.Infrastructure(ctx, id); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
		t.Errorf("the empty infrastructure stays: %v", err)
	}
}
