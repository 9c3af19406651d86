package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

// The resources and usage API (API.md "Infrastructures and usage"). Every
// fixture holds the demo's tenants: Cobalt Law (below Acme, on
// acme.localhost) starts with no infrastructures and gets its own; Blue
// Bakery is its sibling on the same domain; Delta Freight is Orbit's, on
// orbit.localhost.

// clock is a store clock the test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// newClockFixture is a fixture whose store clock stands at start.
func newClockFixture(t *testing.T, start time.Time, members ...auditMember) (*fixture, *clock) {
	t.Helper()
	f := newFixtureWithMembers(t, members...)
	c := &clock{now: start}
	f.db.Now = c.Now
	return f, c
}

type quantityBody struct {
	Metric   string
	Quantity string
}

type resourceBody struct {
	ID               string
	InfrastructureID string `json:"infrastructure_id"`
	Type             string
	Name             string
	Metric           string
	SizeGB           *int64 `json:"size_gb"`
	State            string
	CreatedAt        string         `json:"created_at"`
	UsedThisMonth    []quantityBody `json:"used_this_month"`
}

// used is the resource's usage this month of metric, "" when none.
func (r resourceBody) used(metric string) string {
	for _, q := range r.UsedThisMonth {
		if q.Metric == metric {
			return q.Quantity
		}
	}
	return ""
}

// cobaltInfra creates an infrastructure of Cobalt Law through the API.
func cobaltInfra(t *testing.T, f *fixture, b *browser, token, name string) string {
	t.Helper()
	r := b.api(http.MethodPost, "/api/v1/accounts/"+f.accountID("Cobalt Law")+"/infrastructures", token, map[string]string{"name": name})
	if r.Code != http.StatusCreated {
		t.Fatalf("create infrastructure %s = %d %s", name, r.Code, r.body)
	}
	var in infraBody
	decode(t, r, &in)
	return in.ID
}

func resourceCall(t *testing.T, b *browser, method, path, token string, body any, want int) resourceBody {
	t.Helper()
	r := b.api(method, path, token, body)
	if r.Code != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, r.Code, r.body, want)
	}
	var out resourceBody
	decode(t, r, &out)
	return out
}

func TestResourceAPILifecycle(t *testing.T) {
	t0 := time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC)
	f, clk := newClockFixture(t, t0)
	b := f.browser(acmeHost)
	token := b.token(cobaltOwner)
	infra := cobaltInfra(t, f, b, token, "meter")
	base := "/api/v1/infrastructures/" + infra + "/resources"

	r := b.api(http.MethodPost, base, token, map[string]any{"type": "server", "name": "web-1", "metric": "instance.small"})
	if r.Code != http.StatusCreated {
		t.Fatalf("create server = %d %s", r.Code, r.body)
	}
	if got := keysOf(t, r); got != "created_at,id,infrastructure_id,metric,name,state,type,used_this_month" {
		t.Errorf("server keys = %s", got)
	}
	var web resourceBody
	decode(t, r, &web)
	if !strings.HasPrefix(web.ID, "res_") || web.InfrastructureID != infra || web.Type != "server" || web.Name != "web-1" ||
		web.Metric != "instance.small" || web.State != "stopped" || web.SizeGB != nil || len(web.UsedThisMonth) != 0 ||
		web.CreatedAt != "2026-11-10T10:00:00Z" || !strings.Contains(r.body, `"used_this_month":[]`) {
		t.Errorf("created server = %s", r.body)
	}
	vol := resourceCall(t, b, http.MethodPost, base, token, map[string]any{"type": "volume", "name": "data", "metric": "storage.block",
		"size_gb": 100, "start": true}, http.StatusCreated)
	if vol.State != "running" || vol.SizeGB == nil || *vol.SizeGB != 100 {
		t.Errorf("created volume = %+v", vol)
	}

	// start at 10:00; starting again at 11:00 changes nothing (the
	// interval still runs from 10:00); stop at 12:30: 2.5 hours
	res := "/api/v1/resources/" + web.ID
	if got := resourceCall(t, b, http.MethodPost, res+"/start", token, nil, http.StatusOK); got.State != "running" {
		t.Errorf("start = %+v", got)
	}
	clk.set(t0.Add(time.Hour))
	if got := resourceCall(t, b, http.MethodPost, res+"/start", token, nil, http.StatusOK); got.State != "running" || got.used("instance.small") != "1.000000" {
		t.Errorf("start again = %+v, want running with 1 hour so far", got)
	}
	clk.set(t0.Add(150 * time.Minute))
	got := resourceCall(t, b, http.MethodPost, res+"/stop", token, nil, http.StatusOK)
	if got.State != "stopped" || got.used("instance.small") != "2.500000" {
		t.Errorf("stop = %+v, want stopped with 2.5 hours", got)
	}
	clk.set(t0.Add(3 * time.Hour))
	if got := resourceCall(t, b, http.MethodPost, res+"/stop", token, nil, http.StatusOK); got.State != "stopped" || got.used("instance.small") != "2.500000" {
		t.Errorf("stop again = %+v, want no change", got)
	}
	starts := f.auditCount(t, "resource.start")
	stops := f.auditCount(t, "resource.stop")
	if starts != 1 || stops != 1 {
		t.Errorf("audited %d starts and %d stops, want 1 each (a no-op writes nothing)", starts, stops)
	}

	// resize: a server changes flavor; the volume's 100 GB since 10:00
	// are metered up to 13:00 (300 GB-hours) and 200 GB from then on
	got = resourceCall(t, b, http.MethodPost, res+"/resize", token, map[string]any{"metric": "instance.medium"}, http.StatusOK)
	if got.Metric != "instance.medium" || got.used("instance.small") != "2.500000" {
		t.Errorf("resize server = %+v", got)
	}
	got = resourceCall(t, b, http.MethodPost, "/api/v1/resources/"+vol.ID+"/resize", token, map[string]any{"size_gb": 200}, http.StatusOK)
	if *got.SizeGB != 200 || got.used("storage.block") != "300.000000" {
		t.Errorf("resize volume = %+v, want 300 GB-hours so far", got)
	}
	clk.set(t0.Add(4 * time.Hour))
	got = resourceCall(t, b, http.MethodGet, "/api/v1/resources/"+vol.ID, token, nil, http.StatusOK)
	if got.used("storage.block") != "500.000000" || got.State != "running" {
		t.Errorf("volume an hour after resize = %+v, want 500 GB-hours", got)
	}

	var list struct {
		Items      []resourceBody
		NextCursor *string `json:"next_cursor"`
	}
	decode(t, b.api(http.MethodGet, base, token, nil), &list)
	if len(list.Items) != 2 || list.Items[0].ID != web.ID || list.Items[1].ID != vol.ID || list.NextCursor != nil {
		t.Errorf("list = %+v", list)
	}
	decode(t, b.api(http.MethodGet, base+"?limit=1", token, nil), &list)
	if len(list.Items) != 1 || list.Items[0].ID != web.ID || list.NextCursor == nil {
		t.Fatalf("first page = %+v", list)
	}
	decode(t, b.api(http.MethodGet, base+"?limit=1&cursor="+*list.NextCursor, token, nil), &list)
	if len(list.Items) != 1 || list.Items[0].ID != vol.ID || list.NextCursor != nil {
		t.Errorf("second page = %+v", list)
	}
	csv := b.api(http.MethodGet, base+"?format=csv", token, nil)
	lines := strings.Split(strings.TrimSpace(csv.body), "\n")
	if !strings.HasPrefix(csv.Header().Get("Content-Type"), "text/csv") || len(lines) != 3 ||
		lines[0] != "id,infrastructure_id,type,name,metric,size_gb,state,created_at,used_this_month" ||
		lines[2] != vol.ID+","+infra+",volume,data,storage.block,200,running,2026-11-10T10:00:00Z,storage.block=500.000000" {
		t.Errorf("csv = %s", csv.body)
	}

	// an infrastructure with live resources is not deleted
	r = b.api(http.MethodDelete, "/api/v1/infrastructures/"+infra, token, nil)
	var e apiErr
	decode(t, r, &e)
	if r.Code != http.StatusConflict || e.Error.Code != "infrastructure_has_resources" {
		t.Errorf("delete infrastructure with resources = %d %s, want 409", r.Code, r.body)
	}

	// deleting ends metering: the volume's last hour is kept, and the
	// resource is gone
	if r := b.api(http.MethodDelete, "/api/v1/resources/"+vol.ID, token, nil); r.Code != http.StatusNoContent || r.body != "" {
		t.Fatalf("delete volume = %d %q", r.Code, r.body)
	}
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/api/v1/resources/" + vol.ID},
		{http.MethodPost, "/api/v1/resources/" + vol.ID + "/start"},
		{http.MethodPost, "/api/v1/resources/" + vol.ID + "/stop"},
		{http.MethodPost, "/api/v1/resources/" + vol.ID + "/resize"},
		{http.MethodDelete, "/api/v1/resources/" + vol.ID},
	} {
		if r := b.api(c.method, c.path, token, `{"size_gb":5}`); r.Code != http.StatusNotFound {
			t.Errorf("%s %s after delete = %d, want 404", c.method, c.path, r.Code)
		}
	}
	if totals := f.usageTotals(t, infra, "storage.block"); totals != "500.000000" {
		t.Errorf("the deleted volume's usage = %s, want 500 GB-hours", totals)
	}
	if r := b.api(http.MethodDelete, "/api/v1/resources/"+web.ID, token, nil); r.Code != http.StatusNoContent {
		t.Fatalf("delete server = %d", r.Code)
	}
	if r := b.api(http.MethodDelete, "/api/v1/infrastructures/"+infra, token, nil); r.Code != http.StatusNoContent {
		t.Errorf("delete empty infrastructure = %d %s, want 204", r.Code, r.body)
	}
}

// auditCount counts the audit events with an action in Cobalt Law.
func (f *fixture) auditCount(t *testing.T, action string) int {
	t.Helper()
	page, err := f.scope(acmeHost, cobaltOwner).AuditEvents(context.Background(), f.accountID("Cobalt Law"),
		store.AuditFilter{Action: action, Limit: 500}) // the last 30 days of the store's clock
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range page.Items {
		if e.Action == action {
			n++
		}
	}
	return n
}

// usageTotals is an infrastructure's total of a metric over all time, as
// the provider's staff read it from the rollup.
func (f *fixture) usageTotals(t *testing.T, infraID, metric string) string {
	t.Helper()
	totals, err := f.scope("portal.localhost", "admin@nimbus.example").UsageTotals(context.Background(), []string{infraID},
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range totals {
		if q.Metric == metric {
			return q.Quantity.Fixed(6)
		}
	}
	return "0.000000"
}

func TestResourceAPIValidation(t *testing.T) {
	f, _ := newClockFixture(t, time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC))
	b := f.browser(acmeHost)
	token := b.token(cobaltOwner)
	infra := cobaltInfra(t, f, b, token, "checks")
	base := "/api/v1/infrastructures/" + infra + "/resources"
	server := resourceCall(t, b, http.MethodPost, base, token, map[string]any{"type": "server", "name": "app", "metric": "instance.small"}, http.StatusCreated)
	ip := resourceCall(t, b, http.MethodPost, base, token, map[string]any{"type": "ip", "name": "edge", "metric": "ip.public_v4"}, http.StatusCreated)

	for _, c := range []struct {
		name, path, body string
		status           int
		field            string
	}{
		{"UnknownType", base, `{"type":"gpu","name":"x","metric":"instance.small"}`, 422, "type"},
		{"MetricOfAnotherType", base, `{"type":"server","name":"x","metric":"storage.block"}`, 422, "metric"},
		{"UnknownMetric", base, `{"type":"server","name":"x","metric":"instance.huge"}`, 422, "metric"},
		{"APIOnlyMetric", base, `{"type":"server","name":"x","metric":"network.egress"}`, 422, "metric"},
		{"VolumeWithoutSize", base, `{"type":"volume","name":"x","metric":"storage.block"}`, 422, "size_gb"},
		{"VolumeTooBig", base, `{"type":"volume","name":"x","metric":"storage.block","size_gb":70000}`, 422, "size_gb"},
		{"IPWithSize", base, `{"type":"ip","name":"x","metric":"ip.public_v4","size_gb":10}`, 422, "size_gb"},
		{"NoName", base, `{"type":"server","name":"","metric":"instance.small"}`, 422, "name"},
		{"UnknownField", base, `{"type":"server","name":"x","metric":"instance.small","flavor":"big"}`, 422, "flavor"},
		{"WrongType", base, `{"type":"server","name":"x","metric":"instance.small","size_gb":"ten"}`, 422, "size_gb"},
		{"DuplicateName", base, `{"type":"server","name":"app","metric":"instance.small"}`, 409, "name"},
		{"Malformed", base, `{"type":`, 400, ""},
		{"ResizeNothing", "/api/v1/resources/" + server.ID + "/resize", `{}`, 422, "metric"},
		{"ResizeToAnotherType", "/api/v1/resources/" + server.ID + "/resize", `{"metric":"ip.public_v4"}`, 422, "metric"},
		{"ResizeServerSize", "/api/v1/resources/" + server.ID + "/resize", `{"size_gb":50}`, 422, "size_gb"},
		{"ResizeIPMetric", "/api/v1/resources/" + ip.ID + "/resize", `{"metric":"instance.large"}`, 422, "metric"},
		{"ResizeUnknownField", "/api/v1/resources/" + server.ID + "/resize", `{"flavour":"instance.large"}`, 422, "flavour"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := b.api(http.MethodPost, c.path, token, c.body)
			var e apiErr
			decode(t, r, &e)
			if r.Code != c.status || (c.field != "" && e.Error.Fields[c.field] == "") {
				t.Errorf("= %d %s, want %d with a message on %q", r.Code, r.body, c.status, c.field)
			}
		})
	}
	var list struct{ Items []resourceBody }
	decode(t, b.api(http.MethodGet, base, token, nil), &list)
	if len(list.Items) != 2 {
		t.Errorf("refused creates left %d resources, want the 2 made", len(list.Items))
	}
	if got := resourceCall(t, b, http.MethodGet, "/api/v1/resources/"+server.ID, token, nil, http.StatusOK); got.Metric != "instance.small" {
		t.Errorf("a refused resize changed the server: %+v", got)
	}
}

// TestResourceAPIAccess: who may see and change resources. Another
// tenant and a sibling customer get 404; a Viewer sees but may not
// change (403); a delegate of one infrastructure manages its resources
// and lists its usage, and reaches nothing else of its owner.
func TestResourceAPIAccess(t *testing.T) {
	f, _ := newClockFixture(t, time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC),
		auditMember{"Cobalt Law", "viewer@cobaltlaw.example", tenantry.RoleViewer})
	b := f.browser(acmeHost)
	token := b.token(cobaltOwner)
	infra := cobaltInfra(t, f, b, token, "access")
	base := "/api/v1/infrastructures/" + infra
	srv := resourceCall(t, b, http.MethodPost, base+"/resources", token, map[string]any{"type": "server", "name": "app", "metric": "instance.small"}, http.StatusCreated)

	orbit := f.browser("orbit.localhost")
	orbitToken := orbit.token("admin@orbit.example")
	bakery := f.browser(acmeHost)
	bakeryToken := bakery.token("owner@bluebakery.example")
	viewer := f.browser(acmeHost)
	viewerToken := viewer.token("viewer@cobaltlaw.example")
	newServer := map[string]any{"type": "server", "name": "intruder", "metric": "instance.small"}
	for _, c := range []struct {
		who    string
		b      *browser
		token  string
		method string
		path   string
		body   any
		want   int
	}{
		{"Foreign", orbit, orbitToken, http.MethodGet, base + "/resources", nil, 404},
		{"Foreign", orbit, orbitToken, http.MethodPost, base + "/resources", newServer, 404},
		{"Foreign", orbit, orbitToken, http.MethodGet, "/api/v1/resources/" + srv.ID, nil, 404},
		{"Foreign", orbit, orbitToken, http.MethodPost, "/api/v1/resources/" + srv.ID + "/start", nil, 404},
		{"Foreign", orbit, orbitToken, http.MethodDelete, "/api/v1/resources/" + srv.ID, nil, 404},
		{"Foreign", orbit, orbitToken, http.MethodGet, base + "/usage", nil, 404},
		{"Sibling", bakery, bakeryToken, http.MethodGet, "/api/v1/resources/" + srv.ID, nil, 404},
		{"Sibling", bakery, bakeryToken, http.MethodPost, "/api/v1/resources/" + srv.ID + "/resize", map[string]string{"metric": "instance.large"}, 404},
		{"Sibling", bakery, bakeryToken, http.MethodGet, base + "/usage", nil, 404},
		{"Viewer", viewer, viewerToken, http.MethodGet, "/api/v1/resources/" + srv.ID, nil, 200},
		{"Viewer", viewer, viewerToken, http.MethodGet, base + "/usage", nil, 200},
		{"Viewer", viewer, viewerToken, http.MethodPost, base + "/resources", newServer, 403},
		{"Viewer", viewer, viewerToken, http.MethodPost, "/api/v1/resources/" + srv.ID + "/start", nil, 403},
		{"Viewer", viewer, viewerToken, http.MethodDelete, "/api/v1/resources/" + srv.ID, nil, 403},
		{"Anonymous", b, "", http.MethodGet, "/api/v1/resources/" + srv.ID, nil, 401},
	} {
		if r := c.b.api(c.method, c.path, c.token, c.body); r.Code != c.want {
			t.Errorf("%s: %s %s = %d %s, want %d", c.who, c.method, c.path, r.Code, r.body, c.want)
		}
	}
	if got := resourceCall(t, b, http.MethodGet, "/api/v1/resources/"+srv.ID, token, nil, http.StatusOK); got.State != "stopped" || got.Metric != "instance.small" {
		t.Errorf("refused calls changed the server: %+v", got)
	}

	t.Run("Delegate", func(t *testing.T) {
		// Fleet Partner's ops is a delegate of Delta Freight's
		// fleet-tracker, on orbit.localhost, with no account of its own
		ctx := context.Background()
		delta := f.scope("orbit.localhost", "owner@delta.example")
		other, err := delta.CreateInfrastructure(ctx, f.accountID("Delta Freight"), tenantry.NewInfrastructure{Name: "fleet-billing"})
		if err != nil {
			t.Fatal(err)
		}
		tracker := f.infraID(t, "Delta Freight", "fleet-tracker")
		d := f.browser("orbit.localhost")
		dt := d.token("ops@fleetpartner.example")
		made := resourceCall(t, d, http.MethodPost, "/api/v1/infrastructures/"+tracker+"/resources", dt,
			map[string]any{"type": "ip", "name": "gw", "metric": "ip.public_v4", "start": true}, http.StatusCreated)
		resourceCall(t, d, http.MethodPost, "/api/v1/resources/"+made.ID+"/stop", dt, nil, http.StatusOK)
		if r := d.api(http.MethodGet, "/api/v1/infrastructures/"+tracker+"/usage", dt, nil); r.Code != http.StatusOK {
			t.Errorf("delegate lists its infrastructure's usage = %d %s", r.Code, r.body)
		}
		if r := d.api(http.MethodGet, "/api/v1/infrastructures/"+tracker+"/resources", dt, nil); r.Code != http.StatusOK || !strings.Contains(r.body, made.ID) {
			t.Errorf("delegate lists its infrastructure's resources = %d %s", r.Code, r.body)
		}
		for _, c := range []struct{ method, path string }{
			{http.MethodGet, "/api/v1/infrastructures/" + other.ID + "/resources"},
			{http.MethodPost, "/api/v1/infrastructures/" + other.ID + "/resources"},
			{http.MethodGet, "/api/v1/infrastructures/" + other.ID + "/usage"},
			{http.MethodGet, "/api/v1/infrastructures/" + infra + "/usage"},
			{http.MethodGet, "/api/v1/resources/" + srv.ID},
		} {
			if r := d.api(c.method, c.path, dt, newServer); r.Code != http.StatusNotFound {
				t.Errorf("delegate: %s %s = %d, want 404", c.method, c.path, r.Code)
			}
		}
	})
}

// usageRec is one record of a POST /usage batch.
func usageRec(infra, metric string, quantity any, start, end time.Time, key string) map[string]any {
	return map[string]any{"infrastructure_id": infra, "metric": metric, "quantity": quantity,
		"start": start.Format(time.RFC3339), "end": end.Format(time.RFC3339), "idempotency_key": key}
}

type ingestBody struct {
	Accepted   int
	Duplicates int
	Rejected   []struct {
		Index   int
		Code    string
		Message string
	}
}

func ingest(t *testing.T, b *browser, token string, body any) ingestBody {
	t.Helper()
	r := b.api(http.MethodPost, "/api/v1/usage", token, body)
	if r.Code != http.StatusOK {
		t.Fatalf("POST /usage = %d %s", r.Code, excerpt(r.body))
	}
	if got := keysOf(t, r); got != "accepted,duplicates,rejected" {
		t.Errorf("answer keys = %s", got)
	}
	var out ingestBody
	decode(t, r, &out)
	return out
}

// rejections renders a result's rejections as "index:code" for comparing.
func (r ingestBody) rejections() string {
	var out []string
	for _, x := range r.Rejected {
		out = append(out, fmt.Sprintf("%d:%s", x.Index, x.Code))
	}
	return strings.Join(out, " ")
}

type usageListBody struct {
	Items []struct {
		ID             string
		Metric         string
		Quantity       string
		Start          string
		End            *string
		Source         string
		IdempotencyKey string  `json:"idempotency_key"`
		ReceivedAt     *string `json:"received_at"`
		ResourceID     *string `json:"resource_id"`
		Open           bool
	}
	NextCursor *string `json:"next_cursor"`
}

func TestUsageIngestAPI(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	f, _ := newClockFixture(t, now,
		auditMember{"Cobalt Law", "viewer@cobaltlaw.example", tenantry.RoleViewer},
		auditMember{"Cobalt Law", "service@cobaltlaw.example", tenantry.RoleService})
	b := f.browser(acmeHost)
	token := b.token(cobaltOwner)
	infra := cobaltInfra(t, f, b, token, "ingest")
	h := func(n int) time.Time { return time.Date(2026, 11, 19, n, 0, 0, 0, time.UTC) }

	res := ingest(t, b, token, map[string]any{"records": []any{
		usageRec(infra, "network.egress", "12.5", h(0), h(1), "egress-0"),
		usageRec(infra, "network.egress", 2.25, h(1), h(2), "egress-1"),
		usageRec(infra, "backup.storage", "0.000001", h(2), h(3), "backup-2"),
	}})
	if res.Accepted != 3 || res.Duplicates != 0 || len(res.Rejected) != 0 {
		t.Fatalf("first batch = %+v", res)
	}
	if got := f.usageTotals(t, infra, "network.egress"); got != "14.750000" {
		t.Errorf("egress total = %s, want 14.75", got)
	}

	t.Run("Duplicate", func(t *testing.T) {
		res := ingest(t, b, token, map[string]any{"records": []any{
			usageRec(infra, "network.egress", "12.50", h(0), h(1), "egress-0"), // same content, written otherwise
			usageRec(infra, "network.egress", "99", h(0), h(1), "egress-1"),    // same key, other content
		}})
		if res.Accepted != 0 || res.Duplicates != 1 || res.rejections() != "1:conflict" {
			t.Errorf("retry = %+v, want 1 duplicate and a conflict at 1", res)
		}
		if got := f.usageTotals(t, infra, "network.egress"); got != "14.750000" {
			t.Errorf("egress total after the retry = %s, want 14.75 still", got)
		}
	})

	t.Run("PartialAcceptance", func(t *testing.T) {
		recs := []any{
			usageRec(infra, "network.egress", "1", h(3), h(4), "p-0"),
			usageRec(infra, "no.such.metric", "1", h(3), h(4), "p-1"),
			usageRec(infra, "network.egress", "1.1234567", h(3), h(4), "p-2"),
			usageRec(infra, "network.egress", "1", now.Add(time.Hour), now.Add(2*time.Hour), "p-3"),
			usageRec(infra, "network.egress", "1", h(3), h(4), "p-4"),
			usageRec(infra, "network.egress", "-1", h(3), h(4), "p-5"),
			usageRec(infra, "network.egress", "1e3", h(3), h(4), "p-6"),
			usageRec(infra, "network.egress", "1", h(4), h(3), "p-7"),
			usageRec(infra, "network.egress", "1", h(3), h(4), ""),
			usageRec("inf_nope", "network.egress", "1", h(3), h(4), "p-9"),
			map[string]any{"infrastructure_id": infra, "metric": "network.egress", "quantity": "1",
				"start": "yesterday", "end": h(4).Format(time.RFC3339), "idempotency_key": "p-10"},
			map[string]any{"infrastructure_id": infra, "metric": "network.egress", "quantity": "1",
				"start": h(3).Format(time.RFC3339), "end": h(4).Format(time.RFC3339), "idempotency_key": "p-11", "unit": "GB"},
			"not a record",
			map[string]any{"infrastructure_id": infra, "metric": 7, "quantity": "1",
				"start": h(3).Format(time.RFC3339), "end": h(4).Format(time.RFC3339), "idempotency_key": "p-13"},
			map[string]any{"infrastructure_id": infra, "metric": "network.egress",
				"start": h(3).Format(time.RFC3339), "end": h(4).Format(time.RFC3339), "idempotency_key": "p-14"},
			usageRec(infra, "network.egress", "0.5", h(5), h(6), "p-15"),
		}
		res := ingest(t, b, token, map[string]any{"records": recs})
		want := "1:unknown_metric 2:invalid 3:invalid 5:invalid 6:invalid 7:invalid 8:invalid 9:not_found 10:invalid 11:invalid 12:invalid 13:invalid 14:invalid"
		if res.Accepted != 3 || res.Duplicates != 0 || res.rejections() != want {
			t.Errorf("mixed batch = accepted %d, duplicates %d, rejected %s; want 3, 0, %s", res.Accepted, res.Duplicates, res.rejections(), want)
		}
		for _, x := range res.Rejected {
			if x.Message == "" {
				t.Errorf("rejection %d has no message", x.Index)
			}
		}
		msgs := map[int]string{}
		for _, x := range res.Rejected {
			msgs[x.Index] = x.Message
		}
		for i, part := range map[int]string{2: "6 decimal", 3: "future", 11: `"unit"`, 10: "RFC 3339", 14: "quantity"} {
			if !strings.Contains(msgs[i], part) {
				t.Errorf("rejection %d = %q, want it to mention %s", i, msgs[i], part)
			}
		}
		if got := f.usageTotals(t, infra, "network.egress"); got != "17.250000" {
			t.Errorf("egress total = %s, want 14.75 + 1 + 1 + 0.5", got)
		}
	})

	t.Run("Malformed", func(t *testing.T) {
		for _, c := range []struct {
			name, body string
			status     int
		}{
			{"NotJSON", `{"records":[`, 400},
			{"List", `[]`, 400},
			{"NoRecords", `{}`, 422},
			{"RecordsNotAList", `{"records":{"a":1}}`, 422},
			{"UnknownField", `{"records":[],"batch":1}`, 422},
		} {
			if r := b.api(http.MethodPost, "/api/v1/usage", token, c.body); r.Code != c.status {
				t.Errorf("%s = %d %s, want %d", c.name, r.Code, r.body, c.status)
			}
		}
		res := ingest(t, b, token, `{"records":[]}`)
		if res.Accepted != 0 || len(res.Rejected) != 0 {
			t.Errorf("empty batch = %+v", res)
		}
		// a JSON number keeps its exact decimal text
		res = ingest(t, b, token, `{"records":[{"infrastructure_id":"`+infra+`","metric":"backup.storage","quantity":0.1,`+
			`"start":"2026-11-19T07:00:00.250Z","end":"2026-11-19T09:00:00+01:00","idempotency_key":"n\u00e9"}]}`)
		if res.Accepted != 1 {
			t.Fatalf("number quantity = %+v", res)
		}
		if got := f.usageTotals(t, infra, "backup.storage"); got != "0.100001" {
			t.Errorf("backup total = %s, want 0.100001", got)
		}
	})

	t.Run("ForeignInfrastructure", func(t *testing.T) {
		// Delta Freight is Orbit's; web-prod is Blue Bakery's, a sibling
		tracker := f.infraID(t, "Delta Freight", "fleet-tracker")
		webProd := f.infraID(t, "Blue Bakery", "web-prod")
		before := [2]string{f.usageTotals(t, tracker, "network.egress"), f.usageTotals(t, webProd, "network.egress")}
		res := ingest(t, b, token, map[string]any{"records": []any{
			usageRec(tracker, "network.egress", "5", h(0), h(1), "foreign-0"),
			usageRec(webProd, "network.egress", "5", h(0), h(1), "foreign-1"),
			usageRec(infra, "network.egress", "5", h(7), h(8), "foreign-2"),
		}})
		if res.Accepted != 1 || res.rejections() != "0:not_found 1:not_found" {
			t.Errorf("foreign records = %+v", res)
		}
		// exactly like an infrastructure that does not exist
		absent := ingest(t, b, token, map[string]any{"records": []any{usageRec("inf_nope", "network.egress", "5", h(0), h(1), "foreign-3")}})
		if len(res.Rejected) != 2 || absent.rejections() != "0:not_found" ||
			strings.ReplaceAll(res.Rejected[0].Message, tracker, "X") != strings.ReplaceAll(absent.Rejected[0].Message, "inf_nope", "X") {
			t.Errorf("foreign %+v differs from absent %+v", res.Rejected, absent.Rejected)
		}
		after := [2]string{f.usageTotals(t, tracker, "network.egress"), f.usageTotals(t, webProd, "network.egress")}
		if before != after {
			t.Errorf("foreign infrastructures' usage changed: %v → %v", before, after)
		}
		// the other tenant's own token, on its own domain, sees no such key
		// either: Orbit's admin lists fleet-tracker's usage
		orbit := f.browser("orbit.localhost")
		var l usageListBody
		decode(t, orbit.api(http.MethodGet, "/api/v1/infrastructures/"+tracker+"/usage", orbit.token("admin@orbit.example"), nil), &l)
		for _, it := range l.Items {
			if strings.HasPrefix(it.IdempotencyKey, "foreign-") {
				t.Errorf("a foreign record was stored: %+v", it)
			}
		}
	})

	t.Run("NoManagePermission", func(t *testing.T) {
		before := f.usageTotals(t, infra, "network.egress")
		for _, email := range []string{"viewer@cobaltlaw.example", "service@cobaltlaw.example"} {
			u := f.browser(acmeHost)
			res := ingest(t, u, u.token(email), map[string]any{"records": []any{usageRec(infra, "network.egress", "5", h(9), h(10), "nm-"+email)}})
			if res.Accepted != 0 || res.rejections() != "0:not_found" {
				t.Errorf("%s = %+v, want not_found", email, res)
			}
		}
		if after := f.usageTotals(t, infra, "network.egress"); after != before {
			t.Errorf("usage changed from %s to %s", before, after)
		}
		if r := b.api(http.MethodPost, "/api/v1/usage", "", `{"records":[]}`); r.Code != http.StatusUnauthorized {
			t.Errorf("no token = %d, want 401", r.Code)
		}
	})
}

// TestUsageIngestLimit: 10,000 records are one batch; 10,001 are refused
// whole, saying the limit, and nothing is stored. The batch's own body
// limit is the only one above 1 MiB.
func TestUsageIngestLimit(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	f, _ := newClockFixture(t, now)
	b := f.browser(acmeHost)
	token := b.token(cobaltOwner)
	infra := cobaltInfra(t, f, b, token, "bulk")
	batch := func(n int, prefix string) string {
		var sb strings.Builder
		sb.WriteString(`{"records":[`)
		for i := range n {
			if i > 0 {
				sb.WriteByte(',')
			}
			start := now.Add(-time.Duration(n-i+60) * time.Minute)
			fmt.Fprintf(&sb, `{"infrastructure_id":%q,"metric":"network.egress","quantity":"0.001","start":%q,"end":%q,"idempotency_key":"%s-%d"}`,
				infra, start.Format(time.RFC3339), start.Add(time.Minute).Format(time.RFC3339), prefix, i)
		}
		sb.WriteString(`]}`)
		return sb.String()
	}
	big := batch(10001, "over")
	if len(big) <= 1<<20 {
		t.Fatalf("the over-limit batch is only %d bytes: it should exceed the 1 MiB of other routes", len(big))
	}
	r := b.api(http.MethodPost, "/api/v1/usage", token, big)
	var e apiErr
	decode(t, r, &e)
	if r.Code != http.StatusRequestEntityTooLarge || !strings.Contains(e.Error.Message, "10000") {
		t.Errorf("10,001 records = %d %s, want 413 naming the limit", r.Code, r.body)
	}
	if got := f.usageTotals(t, infra, "network.egress"); got != "0.000000" {
		t.Errorf("a refused batch stored %s", got)
	}
	res := ingest(t, b, token, batch(10000, "full"))
	if res.Accepted != 10000 || len(res.Rejected) != 0 {
		t.Errorf("10,000 records = accepted %d, rejected %d", res.Accepted, len(res.Rejected))
	}
	if got := f.usageTotals(t, infra, "network.egress"); got != "10.000000" {
		t.Errorf("total = %s, want 10", got)
	}
	// every other route keeps its 1 MiB
	r = b.api(http.MethodPost, "/api/v1/infrastructures/"+infra+"/resources", token,
		`{"type":"server","name":"`+strings.Repeat("x", 1<<20)+`","metric":"instance.small"}`)
	if r.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a 1 MiB resource body = %d, want 413", r.Code)
	}
	// and the batch's limit holds too
	r = b.api(http.MethodPost, "/api/v1/usage", token, `{"records":[],"pad":"`+strings.Repeat("x", 17<<20)+`"}`)
	if r.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a 17 MiB batch = %d, want 413", r.Code)
	}
}

func TestUsageListAPI(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	f, clk := newClockFixture(t, t0)
	b := f.browser(acmeHost)
	token := b.token(cobaltOwner)
	infra := cobaltInfra(t, f, b, token, "listed")
	base := "/api/v1/infrastructures/" + infra + "/usage"
	srv := resourceCall(t, b, http.MethodPost, "/api/v1/infrastructures/"+infra+"/resources", token,
		map[string]any{"type": "server", "name": "app", "metric": "instance.small", "start": true}, http.StatusCreated)
	clk.set(t0.Add(90 * time.Minute))
	resourceCall(t, b, http.MethodPost, "/api/v1/resources/"+srv.ID+"/stop", token, nil, http.StatusOK)
	resourceCall(t, b, http.MethodPost, "/api/v1/resources/"+srv.ID+"/start", token, nil, http.StatusOK)
	clk.set(t0.Add(2 * time.Hour))
	res := ingest(t, b, token, map[string]any{"records": []any{
		usageRec(infra, "network.egress", "3", time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 6, 0, 0, 0, 0, time.UTC), "oct"),
		usageRec(infra, "network.egress", "4", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), "nov"),
	}})
	if res.Accepted != 2 {
		t.Fatalf("ingest = %+v", res)
	}

	r := b.api(http.MethodGet, base, token, nil)
	if r.Code != http.StatusOK {
		t.Fatalf("list = %d %s", r.Code, r.body)
	}
	var l usageListBody
	decode(t, r, &l)
	if len(l.Items) != 4 || l.NextCursor != nil {
		t.Fatalf("list = %s", r.body)
	}
	open, closed, nov, oct := l.Items[0], l.Items[1], l.Items[2], l.Items[3]
	if !open.Open || open.End != nil || open.Quantity != "0.500000" || open.Start != "2026-11-20T10:30:00Z" || open.ReceivedAt != nil ||
		open.ID != "open:"+srv.ID+":2026-11" || open.ResourceID == nil || *open.ResourceID != srv.ID || open.Source != "lifecycle" {
		t.Errorf("open interval = %+v", open)
	}
	if !strings.Contains(r.body, `"end":null`) {
		t.Errorf("the open interval's end is not null: %s", r.body)
	}
	if closed.Open || closed.End == nil || *closed.End != "2026-11-20T10:30:00Z" || closed.Quantity != "1.500000" ||
		closed.Source != "lifecycle" || !strings.HasPrefix(closed.ID, "usg_") || closed.IdempotencyKey != "" || closed.ReceivedAt == nil {
		t.Errorf("closed interval = %+v", closed)
	}
	if nov.Source != "api" || nov.IdempotencyKey != "nov" || nov.Quantity != "4.000000" || nov.Start != "2026-11-02T00:00:00Z" ||
		*nov.End != "2026-11-03T00:00:00Z" || *nov.ReceivedAt != "2026-11-20T11:00:00Z" || nov.ResourceID != nil || oct.IdempotencyKey != "oct" {
		t.Errorf("api records = %+v %+v", nov, oct)
	}
	if n := strings.Count(r.body, `"idempotency_key"`); n != 2 {
		t.Errorf("%d items carry an idempotency_key, want only the 2 posted: %s", n, r.body)
	}

	for _, c := range []struct {
		query string
		keys  []string // the items' keys, open and closed lifecycle ones as "open" and "life"
	}{
		{"?from=2026-11", []string{"open", "life", "nov"}},
		{"?from=2026-10&to=2026-10", []string{"oct"}},
		{"?to=2026-11-02", []string{"nov", "oct"}},
		{"?from=2026-11-03", []string{"open", "life"}},
		{"?from=2026-11-20T10:00:00Z", []string{"open"}},
		{"?from=2026-10-01T00:00:00%2B02:00&to=2026-11-01", []string{"oct"}},
		{"?metric=network.egress", []string{"nov", "oct"}},
		{"?metric=instance.small", []string{"open", "life"}},
	} {
		var l usageListBody
		r := b.api(http.MethodGet, base+c.query, token, nil)
		decode(t, r, &l)
		var got []string
		for _, it := range l.Items {
			switch {
			case it.Open:
				got = append(got, "open")
			case it.Source == "lifecycle":
				got = append(got, "life")
			default:
				got = append(got, it.IdempotencyKey)
			}
		}
		if r.Code != http.StatusOK || !slices.Equal(got, c.keys) {
			t.Errorf("%s = %d %v, want %v", c.query, r.Code, got, c.keys)
		}
	}
	for _, c := range []struct{ query, field string }{
		{"?from=last-week", "from"},
		{"?to=2026-13", "to"},
		{"?from=2026-11-05&to=2026-11-01", "to"},
		{"?metric=no.such", "metric"},
		{"?limit=501", "limit"},
		{"?cursor=zzz", "cursor"},
	} {
		r := b.api(http.MethodGet, base+c.query, token, nil)
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || e.Error.Fields[c.field] == "" {
			t.Errorf("%s = %d %s, want 422 on %s", c.query, r.Code, r.body, c.field)
		}
	}

	// pages: the open interval heads the first only
	var p1, p2 usageListBody
	decode(t, b.api(http.MethodGet, base+"?limit=2", token, nil), &p1)
	if len(p1.Items) != 3 || !p1.Items[0].Open || p1.NextCursor == nil {
		t.Fatalf("page 1 = %+v", p1)
	}
	decode(t, b.api(http.MethodGet, base+"?limit=2&cursor="+url.QueryEscape(*p1.NextCursor), token, nil), &p2)
	if len(p2.Items) != 1 || p2.Items[0].IdempotencyKey != "oct" || p2.NextCursor != nil {
		t.Errorf("page 2 = %+v", p2)
	}

	t.Run("CSV", func(t *testing.T) {
		// more records than one export page, so that the CSV must read on
		var recs []any
		for i := range 600 {
			start := time.Date(2026, 11, 1, 0, i, 0, 0, time.UTC)
			recs = append(recs, usageRec(infra, "backup.storage", "1", start, start.Add(time.Minute), fmt.Sprintf("csv-%d", i)))
		}
		if res := ingest(t, b, token, map[string]any{"records": recs}); res.Accepted != 600 {
			t.Fatalf("ingest = %+v", res)
		}
		r := b.api(http.MethodGet, base+"?format=csv&limit=10", token, nil)
		lines := strings.Split(strings.TrimSpace(r.body), "\n")
		if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") || len(lines) != 1+604 {
			t.Fatalf("csv = %d %q with %d lines", r.Code, r.Header().Get("Content-Type"), len(lines))
		}
		if lines[0] != "id,metric,quantity,start,end,source,idempotency_key,received_at,resource_id,resource_name,open" {
			t.Errorf("header = %s", lines[0])
		}
		if want := "open:" + srv.ID + ":2026-11,instance.small,0.500000,2026-11-20T10:30:00Z,2026-11-20T11:00:00Z,lifecycle,,," + srv.ID + ",app,true"; lines[1] != want {
			t.Errorf("open row = %s\nwant       %s", lines[1], want)
		}
		if !strings.HasSuffix(lines[604], ",network.egress,3.000000,2026-10-05T00:00:00Z,2026-10-06T00:00:00Z,api,oct,2026-11-20T11:00:00Z,,,false") {
			t.Errorf("last row = %s", lines[604])
		}
		r = b.api(http.MethodGet, base+"?format=csv&metric=network.egress", token, nil)
		if lines := strings.Split(strings.TrimSpace(r.body), "\n"); len(lines) != 3 {
			t.Errorf("filtered csv = %s", r.body)
		}
	})
}
