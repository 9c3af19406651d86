package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// metricOf reads one metric of the catalogue.
func (f *fixture) metricOf(t *testing.T, key string) *tenantry.Metric {
	t.Helper()
	list, err := f.db.Metrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if list[i].Key == key {
			return &list[i]
		}
	}
	return nil
}

// TestMetricMeters: the catalogue page says and sets which resources a
// metric meters, on add and on edit; a unit that does not fit and a change
// under live resources are refused next to the field, the input kept; a
// rename keeps what the metric meters.
func TestMetricMeters(t *testing.T) {
	f := newFixture(t)
	b := f.browser("portal.localhost")
	b.login("admin@nimbus.example")
	const page = "/provider/metrics"
	body := b.get(page).body
	row := body[strings.Index(body, `data-testid="metric-instance.small"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, `<option value="server" selected`) {
		t.Errorf("instance.small's row does not show that it meters servers: %s", row)
	}

	t.Run("Add", func(t *testing.T) {
		r := b.submit(page, page, url.Values{"key": {"gpu.a100"}, "name": {"GPU A100"}, "unit": {"GB"}, "resource_type": {"server"}})
		if msg, _ := byTestID(r.body, "error-resource_type"); r.Code != http.StatusUnprocessableEntity || !strings.Contains(msg, "hour") {
			t.Errorf("a server metric per GB = %d %q", r.Code, msg)
		}
		if !strings.Contains(r.body, `value="gpu.a100"`) || !strings.Contains(r.body, `<option value="server" selected`) {
			t.Error("the refused form lost its input")
		}
		if r := b.submit(page, page, url.Values{"key": {"gpu.a100"}, "name": {"GPU A100"}, "unit": {"hour"}, "resource_type": {"server"}}); r.Code != http.StatusSeeOther {
			t.Fatalf("add = %d %s", r.Code, excerpt(r.body))
		}
		if m := f.metricOf(t, "gpu.a100"); m == nil || m.ResourceType != tenantry.ResourceServer {
			t.Errorf("added = %+v", m)
		}
		if r := b.submit(page, page, url.Values{"key": {"traffic.in"}, "name": {"Ingress"}, "unit": {"GB"}, "resource_type": {""}}); r.Code != http.StatusSeeOther {
			t.Fatalf("add a metric that meters nothing = %d", r.Code)
		}
		if m := f.metricOf(t, "traffic.in"); m == nil || m.ResourceType != "" {
			t.Errorf("added = %+v", m)
		}
	})

	t.Run("Edit", func(t *testing.T) {
		r := b.submit(page, page+"/instance.small", url.Values{"name": {"Small instance"}, "unit": {"hour"}, "resource_type": {"server"}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("rename = %d %s", r.Code, excerpt(r.body))
		}
		if m := f.metricOf(t, "instance.small"); m.Name != "Small instance" || m.ResourceType != tenantry.ResourceServer {
			t.Errorf("renamed = %+v", m)
		}
		// a volume on storage.block: what it meters stays while it lives
		in := f.newInfra(t, acmeHost, bakeryOwner, "Blue Bakery", "meters")
		size := int64(10)
		if _, err := f.scope(acmeHost, bakeryOwner).CreateResource(context.Background(), in,
			tenantry.NewResource{Type: "volume", Name: "v", Metric: "storage.block", SizeGB: &size}); err != nil {
			t.Fatal(err)
		}
		r = b.submit(page, page+"/storage.block", url.Values{"name": {"Block"}, "unit": {"GB-hour"}, "resource_type": {""}})
		if msg, _ := byTestID(r.body, "metric-edit-error"); r.Code != http.StatusConflict || !strings.Contains(msg, "resources are metered") {
			t.Errorf("change under a live volume = %d %q", r.Code, msg)
		}
		row := r.body[strings.Index(r.body, `data-testid="metric-storage.block"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, `value="Block"`) || !strings.Contains(row, `<option value="" selected`) ||
			!strings.Contains(row, `aria-describedby="metric-storage.block-error"`) {
			t.Errorf("the refused row lost its input or its error link: %s", row)
		}
		if m := f.metricOf(t, "storage.block"); m.ResourceType != tenantry.ResourceVolume || m.Name == "Block" {
			t.Errorf("refused change saved: %+v", m)
		}
		r = b.submit(page, page+"/ip.public_v4", url.Values{"name": {"IP"}, "unit": {"GB-hour"}, "resource_type": {"ip"}})
		if msg, _ := byTestID(r.body, "metric-edit-error"); r.Code != http.StatusUnprocessableEntity || !strings.Contains(msg, "per hour") {
			t.Errorf("an IP metric per GB-hour = %d %q", r.Code, msg)
		}
	})
}
