package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

// TestUsagePage: an infrastructure's usage records, lifecycle and API
// alike, filtered by month, dates and metric, with totals, paged, and
// every record of the filter as CSV.
func TestUsagePage(t *testing.T) {
	ctx := context.Background()
	f := newFixtureWithMembers(t, auditMember{"Blue Bakery", bakeryViewer, tenantry.RoleViewer})
	clk := f.setClock(time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC))
	id := f.newInfra(t, acmeHost, bakeryOwner, "Blue Bakery", "shop")
	owner := f.scope(acmeHost, bakeryOwner)
	web1, err := owner.CreateResource(ctx, id, tenantry.NewResource{Type: "server", Name: "web-1", Metric: "instance.small", Start: true})
	if err != nil {
		t.Fatal(err)
	}
	clk.set(clk.Now().Add(150 * time.Minute))
	if _, err := owner.StopResource(ctx, web1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.CreateResource(ctx, id, tenantry.NewResource{Type: "server", Name: "web-2", Metric: "instance.small", Start: true}); err != nil {
		t.Fatal(err)
	}
	// 60 egress records reported by the API, one a minute on 5 November,
	// and one in October
	var recs []usage.Input
	for i := range 60 {
		start := time.Date(2026, 11, 5, 8, i, 0, 0, time.UTC)
		recs = append(recs, usage.Input{InfrastructureID: id, Metric: "network.egress", Quantity: money.Micro(1_500_000),
			Start: start, End: start.Add(time.Minute), Key: fmt.Sprintf("egress-%02d", i)})
	}
	oct := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	recs = append(recs, usage.Input{InfrastructureID: id, Metric: "network.egress", Quantity: money.Micro(7_000_000),
		Start: oct, End: oct.Add(time.Hour), Key: "egress-october"})
	if res, err := owner.IngestUsage(ctx, usage.SourceAPI, recs); err != nil || res.Accepted != 61 {
		t.Fatalf("ingest = %+v %v", res, err)
	}
	clk.set(clk.Now().Add(30 * time.Minute)) // web-2 has run 30 minutes
	v := f.browser(acmeHost)
	v.login(bakeryViewer)
	path := "/infrastructures/" + id + "/usage"

	r := v.get(path)
	if r.Code != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, r.Code, excerpt(r.body))
	}
	t.Run("ThisMonthByDefault", func(t *testing.T) {
		if !strings.Contains(r.body, `value="2026-11"`) {
			t.Error("the month picker does not show the current month")
		}
		for metric, want := range map[string]string{"instance.small": "3 hours", "network.egress": "90 GB"} {
			if !strings.Contains(r.body, `data-testid="usage-total-`+metric+`"><strong>`+want+`</strong>`) {
				t.Errorf("total of %s is not %s", metric, want)
			}
		}
		// web-2's open interval, then 50 records
		if n := strings.Count(r.body, `data-testid="usage-row"`); n != 51 {
			t.Errorf("first page = %d rows, want 51", n)
		}
		if v, _ := byTestID(r.body, "usage-running"); v != "running" {
			t.Error("web-2's open interval is not listed as running")
		}
		for _, want := range []string{"egress-59", ">lifecycle<", ">api<", "web-2", "0.5 hours"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(r.body, "egress-october") {
			t.Error("October's record is listed in November")
		}
	})
	t.Run("Paged", func(t *testing.T) {
		next := regexp.MustCompile(`href="([^"]+)" class="button secondary" data-testid="pager-next"`).FindStringSubmatch(r.body)
		if next == nil {
			t.Fatal("no next page")
		}
		p2 := v.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		// the rest of the 60 API records and web-1's lifecycle record
		if n := strings.Count(p2.body, `data-testid="usage-row"`); p2.Code != http.StatusOK || n != 11 || strings.Contains(p2.body, "usage-running") {
			t.Errorf("second page = %d, %d rows, want 11 closed ones", p2.Code, n)
		}
		if _, ok := byTestID(p2.body, "pager-first"); !ok {
			t.Error("the second page has no link to the first")
		}
	})
	t.Run("Filters", func(t *testing.T) {
		p := v.get(path + "?month=2026-10&from=&to=&metric=")
		if n := strings.Count(p.body, `data-testid="usage-row"`); n != 1 || !strings.Contains(p.body, "egress-october") {
			t.Errorf("October = %d rows", n)
		}
		if !strings.Contains(p.body, `data-testid="usage-total-network.egress"><strong>7 GB</strong>`) {
			t.Error("October's total is not 7 GB")
		}
		p = v.get(path + "?month=&from=2026-11-10&to=2026-11-10&metric=instance.small")
		if n := strings.Count(p.body, `data-testid="usage-row"`); n != 2 || strings.Contains(p.body, "egress-") {
			t.Errorf("10 November, instance.small = %d rows", n)
		}
		p = v.get(path + "?month=2026-09&from=&to=")
		if msg, _ := byTestID(p.body, "usage-empty"); p.Code != http.StatusOK || msg == "" {
			t.Errorf("September = %d, no empty state", p.Code)
		}
		if _, ok := byTestID(p.body, "usage-totals-empty"); !ok {
			t.Error("September has totals")
		}
		all := v.get(path + "?month=&from=&to=&metric=network.egress")
		if !strings.Contains(all.body, `data-testid="usage-total-network.egress"><strong>97 GB</strong>`) {
			t.Error("all time's egress total is not 97 GB")
		}
		for q, field := range map[string]string{"month=2026-13": "usage-month", "month=&from=10.11.2026": "usage-from",
			"month=&from=2026-11-10&to=2026-11-01": "usage-to", "metric=nope": "usage-metric"} {
			p := v.get(path + "?" + q)
			if msg, _ := byTestID(p.body, "error-"+field); p.Code != http.StatusUnprocessableEntity || msg == "" {
				t.Errorf("?%s = %d, no error on %s", q, p.Code, field)
			}
		}
	})
	t.Run("CSV", func(t *testing.T) {
		link := regexp.MustCompile(`href="([^"]+)" data-testid="usage-csv"`).FindStringSubmatch(r.body)
		if link == nil {
			t.Fatal("no CSV link")
		}
		c := v.get(strings.ReplaceAll(link[1], "&amp;", "&"))
		if c.Code != http.StatusOK || !strings.HasPrefix(c.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV = %d %s", c.Code, c.Header().Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(c.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// the header, every record of November (not just a page)
		if len(rows) != 63 || strings.Join(rows[0], ",") != "id,start,end,open,resource_id,resource,metric,quantity,source,idempotency_key,received_at" {
			t.Fatalf("CSV = %d rows, header %v", len(rows), rows[0])
		}
		if strings.Contains(c.body, "egress-october") {
			t.Error("the CSV carries October's record")
		}
		c = v.get(path + "?month=2026-11&metric=instance.small&format=csv")
		rows, _ = csv.NewReader(strings.NewReader(c.body)).ReadAll()
		if len(rows) != 3 || rows[2][7] != "2.500000" || rows[2][8] != "lifecycle" || rows[1][3] != "true" {
			t.Errorf("instance.small CSV = %v", rows)
		}
	})
	t.Run("OtherTenants", func(t *testing.T) {
		cobalt := f.browser(acmeHost)
		cobalt.login(cobaltOwner)
		orbit := f.browser("orbit.localhost")
		orbit.login("admin@orbit.example")
		for _, b := range []*browser{cobalt, orbit} {
			for _, p := range []string{path, path + "?format=csv"} {
				if r := b.get(p); r.Code != http.StatusNotFound {
					t.Errorf("%s: GET %s = %d, want 404", b.host, p, r.Code)
				}
			}
		}
	})
}
