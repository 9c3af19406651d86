package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// TestMetricResourceTypeAPI: the catalogue says which resource type a
// metric meters; a PUT without resource_type keeps it, "" or null clears
// it.
func TestMetricResourceTypeAPI(t *testing.T) {
	f := newFixture(t)
	p := f.browser("portal.localhost")
	token := p.token("admin@nimbus.example")
	get := func(key string) tenantry.Metric {
		t.Helper()
		var list []tenantry.Metric
		decode(t, p.api(http.MethodGet, "/api/v1/metrics", token, nil), &list)
		for _, m := range list {
			if m.Key == key {
				return m
			}
		}
		t.Fatalf("no metric %s", key)
		return tenantry.Metric{}
	}
	if m := get("instance.small"); m.ResourceType != "server" {
		t.Errorf("instance.small meters %q, want server", m.ResourceType)
	}
	r := p.api(http.MethodPost, "/api/v1/metrics", token, map[string]string{"key": "gpu.a100", "name": "GPU A100", "unit": "hour", "resource_type": "server"})
	if r.Code != http.StatusCreated || !strings.Contains(r.body, `"resource_type":"server"`) || get("gpu.a100").ResourceType != "server" {
		t.Errorf("create = %d %s", r.Code, r.body)
	}
	r = p.api(http.MethodPost, "/api/v1/metrics", token, map[string]string{"key": "disk.x", "name": "Disk", "unit": "hour", "resource_type": "volume"})
	var e apiErr
	decode(t, r, &e)
	if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["resource_type"] == "" {
		t.Errorf("a volume metric per hour = %d %s, want 422 on resource_type", r.Code, r.body)
	}
	if r := p.api(http.MethodPost, "/api/v1/metrics", token, map[string]string{"key": "disk.y", "name": "Disk", "unit": "hour", "resource_type": "tape"}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown resource type = %d, want 422", r.Code)
	}

	r = p.api(http.MethodPut, "/api/v1/metrics/gpu.a100", token, map[string]string{"name": "GPU A100 80GB", "unit": "hour"})
	if m := get("gpu.a100"); r.Code != http.StatusOK || m.ResourceType != "server" || m.Name != "GPU A100 80GB" {
		t.Errorf("PUT without resource_type = %d %s; now %+v", r.Code, r.body, m)
	}
	r = p.api(http.MethodPut, "/api/v1/metrics/gpu.a100", token, `{"name":"GPU A100 80GB","unit":"hour","resource_type":null}`)
	if m := get("gpu.a100"); r.Code != http.StatusOK || m.ResourceType != "" {
		t.Errorf("PUT resource_type null = %d %s; now %+v", r.Code, r.body, m)
	}
	r = p.api(http.MethodPut, "/api/v1/metrics/gpu.a100", token, `{"name":"GPU A100 80GB","unit":"hour","resource_type":"ip"}`)
	if m := get("gpu.a100"); r.Code != http.StatusOK || m.ResourceType != "ip" {
		t.Errorf("PUT resource_type ip = %d %s; now %+v", r.Code, r.body, m)
	}
	r = p.api(http.MethodPut, "/api/v1/metrics/gpu.a100", token, `{"name":"GPU A100 80GB","unit":"hour","resource_type":""}`)
	if m := get("gpu.a100"); r.Code != http.StatusOK || m.ResourceType != "" {
		t.Errorf("PUT resource_type \"\" = %d %s; now %+v", r.Code, r.body, m)
	}
	// the catalogue page's form, which has no resource type field, keeps
	// what a metric meters when it renames it
	page := f.browser("portal.localhost")
	page.login("admin@nimbus.example")
	if r := page.submit("/provider/metrics", "/provider/metrics/instance.small", url.Values{"name": {"Small"}, "unit": {"hour"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("save on the page = %d", r.Code)
	}
	if m := get("instance.small"); m.Name != "Small" || m.ResourceType != "server" {
		t.Errorf("after the page's save: %+v, want it still metering servers", m)
	}
	// only the provider's staff change the catalogue
	acme := f.browser(acmeHost)
	if r := acme.api(http.MethodPut, "/api/v1/metrics/gpu.a100", acme.token("admin@acme.example"), `{"name":"x","unit":"hour","resource_type":"server"}`); r.Code != http.StatusNotFound {
		t.Errorf("a reseller's PUT = %d, want 404", r.Code)
	}
}
