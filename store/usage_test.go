package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

func egress(infra, key string, start time.Time, q int64) usage.Input {
	return usage.Input{InfrastructureID: infra, Metric: "network.egress", Quantity: money.Micro(q), Start: start,
		End: start.Add(time.Hour), Key: key}
}

func fates(r *usage.Result) string {
	out := fmt.Sprintf("accepted %d duplicates %d", r.Accepted, r.Duplicates)
	for _, j := range r.Rejected {
		out += fmt.Sprintf(" [%d %s]", j.Index, j.Code)
	}
	return out
}

func TestIngestUsage(t *testing.T) {
	ctx := context.Background()
	m, c := newMeterFixture(t, "2026-11-10T12:00:00Z")
	start := at(t, "2026-11-10T08:00:00Z")
	ingest := func(s *Scope, recs ...usage.Input) *usage.Result {
		t.Helper()
		r, err := s.IngestUsage(ctx, usage.SourceAPI, recs)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	total := func() string {
		t.Helper()
		q, err := m.s.UsageTotals(ctx, []string{m.infra.ID}, at(t, "2026-11-01T00:00:00Z"), at(t, "2026-12-01T00:00:00Z"))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(q)
	}

	t.Run("PartialAcceptance", func(t *testing.T) {
		r := ingest(m.s,
			egress(m.infra.ID, "a", start, 1_500_000),
			egress(m.infra.ID, "b", start, 2_000_000),
			egress("inf_doesnotexist", "c", start, 1),
			usage.Input{InfrastructureID: m.infra.ID, Metric: "gpu.hour", Quantity: 1, Start: start, End: start.Add(time.Hour), Key: "d"},
			egress(m.infra.ID, "e", c.now.Add(time.Hour), 1),
			egress(m.infra.ID, "", start, 1),
		)
		if got := fates(r); got != "accepted 2 duplicates 0 [2 not_found] [3 unknown_metric] [4 invalid] [5 invalid]" {
			t.Fatal(got)
		}
		if got := total(); got != fmt.Sprintf("[{%s network.egress 3.50}]", m.infra.ID) {
			t.Fatalf("totals %s", got)
		}
	})
	t.Run("DuplicateCountedOnce", func(t *testing.T) {
		before := m.snapshot(t)
		r := ingest(m.s, egress(m.infra.ID, "a", start, 1_500_000), egress(m.infra.ID, "a", start, 1_500_000))
		if got := fates(r); got != "accepted 0 duplicates 2" {
			t.Fatal(got)
		}
		m.assertUnchanged(t, before)
	})
	t.Run("SameKeyOtherContentIsAConflict", func(t *testing.T) {
		before := m.snapshot(t)
		r := ingest(m.s, egress(m.infra.ID, "a", start, 9_000_000), egress(m.infra.ID, "b", start.Add(time.Minute), 2_000_000))
		if got := fates(r); got != "accepted 0 duplicates 0 [0 conflict] [1 conflict]" {
			t.Fatal(got)
		}
		m.assertUnchanged(t, before)
	})
	t.Run("KeyReusedWithinABatch", func(t *testing.T) {
		r := ingest(m.s, egress(m.infra.ID, "f", start, 1_000_000), egress(m.infra.ID, "f", start, 1_000_000),
			egress(m.infra.ID, "f", start, 5_000_000))
		if got := fates(r); got != "accepted 1 duplicates 1 [2 conflict]" {
			t.Fatal(got)
		}
	})
	t.Run("KeysAreUniquePerOwningAccountForever", func(t *testing.T) {
		// Delta Freight's infrastructure may reuse Blue Bakery's key
		p := m.provider(t)
		delta, err := p.CreateInfrastructure(ctx, m.id(t, "Delta Freight"), tenantry.NewInfrastructure{Name: "delta-metering"})
		if err != nil {
			t.Fatal(err)
		}
		if got := fates(ingest(p, egress(delta.ID, "a", start, 1_500_000))); got != "accepted 1 duplicates 0" {
			t.Fatal(got)
		}
		// and years later the key still counts
		c.set(t, "2030-01-01T00:00:00Z")
		if got := fates(ingest(m.s, egress(m.infra.ID, "a", start, 1_500_000))); got != "accepted 0 duplicates 1" {
			t.Fatal(got)
		}
		c.set(t, "2026-11-10T12:00:00Z")
	})
	t.Run("ForeignTenantIsNotFoundAndStoresNothing", func(t *testing.T) {
		m.addMember(t, "Blue Bakery", "viewer@bluebakery.example", tenantry.RoleViewer)
		before := m.snapshot(t)
		for _, s := range []*Scope{
			m.scope(t, "orbit.localhost", "admin@orbit.example"),
			m.scope(t, "acme.localhost", "owner@cobaltlaw.example"),
		} {
			r := ingest(s, egress(m.infra.ID, "x1", start, 1), egress(m.infra.ID, "a", start, 1_500_000))
			if got := fates(r); got != "accepted 0 duplicates 0 [0 not_found] [1 not_found]" {
				t.Fatal(got)
			}
		}
		// nor may a viewer of the owner, who cannot manage it
		if got := fates(ingest(m.scope(t, "acme.localhost", "viewer@bluebakery.example"), egress(m.infra.ID, "x2", start, 1))); got != "accepted 0 duplicates 0 [0 not_found]" {
			t.Fatal(got)
		}
		m.assertUnchanged(t, before)
	})
	t.Run("VendorMayPostForItsCustomer", func(t *testing.T) {
		if got := fates(ingest(m.acme(t), egress(m.infra.ID, "acme-1", start, 1))); got != "accepted 1 duplicates 0" {
			t.Fatal(got)
		}
	})
	t.Run("PastPeriodsKeepTheirArrivalTime", func(t *testing.T) {
		old := at(t, "2025-03-02T00:00:00Z")
		if got := fates(ingest(m.s, egress(m.infra.ID, "old", old, 7_000_000))); got != "accepted 1 duplicates 0" {
			t.Fatal(got)
		}
		p, err := m.s.InfraUsage(ctx, m.infra.ID, UsageFilter{From: at(t, "2025-03-01T00:00:00Z"), To: at(t, "2025-04-01T00:00:00Z")})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("%+v %v", p, err)
		}
		if rec := p.Items[0]; !rec.ReceivedAt.Equal(c.now) || !rec.Start.Equal(old) || rec.Source != usage.SourceAPI || rec.Key != "old" {
			t.Errorf("record %+v", rec)
		}
	})
	t.Run("BatchLimit", func(t *testing.T) {
		recs := make([]usage.Input, usage.MaxBatch+1)
		for i := range recs {
			recs[i] = egress(m.infra.ID, fmt.Sprintf("lim-%d", i), start, 1)
		}
		before := m.snapshot(t)
		_, err := m.s.IngestUsage(ctx, usage.SourceAPI, recs)
		wantKind(t, err, tenantry.EINVALID)
		m.assertUnchanged(t, before)
		r, err := m.s.IngestUsage(ctx, usage.SourceAPI, recs[:usage.MaxBatch])
		if err != nil || r.Accepted != usage.MaxBatch {
			t.Fatalf("%v %v", r, err)
		}
		assertRollup(t, m.fixture)
	})
	t.Run("SystemImportReachesAnyLiveInfrastructure", func(t *testing.T) {
		r, err := m.db.System("usage-import").IngestUsage(ctx, usage.SourceImport, []usage.Input{egress(m.infra.ID, "imp-1", start, 1),
			egress("inf_doesnotexist", "imp-2", start, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if got := fates(r); got != "accepted 1 duplicates 0 [1 not_found]" {
			t.Fatal(got)
		}
		var by, source string
		if err := m.db.read.QueryRow(`SELECT sent_by, source FROM usage_records WHERE idempotency_key = 'imp-1'`).Scan(&by, &source); err != nil {
			t.Fatal(err)
		}
		if by != "system:usage-import" || source != "import" {
			t.Errorf("sent by %q, source %q", by, source)
		}
	})
	t.Run("Paging", func(t *testing.T) {
		seen := map[string]bool{}
		var cursor string
		pages := 0
		for {
			p, err := m.s.InfraUsage(ctx, m.infra.ID, UsageFilter{Cursor: cursor, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, it := range p.Items {
				if seen[it.ID] {
					t.Fatalf("record %s listed twice", it.ID)
				}
				seen[it.ID] = true
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		var n int
		if err := m.db.read.QueryRow(`SELECT COUNT(*) FROM usage_records WHERE infrastructure_id = ?`, m.infra.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if len(seen) != n || pages < 2 {
			t.Errorf("listed %d of %d records over %d pages", len(seen), n, pages)
		}
		_, err := m.s.InfraUsage(ctx, m.infra.ID, UsageFilter{Cursor: "garbage"})
		wantKind(t, err, tenantry.EINVALID)
	})
}

func TestRawUsageInserts(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	if _, err := f.provider(t).CreateInfrastructure(ctx, f.id(t, "Blue Bakery"), tenantry.NewInfrastructure{Name: "scratch"}); err != nil {
		t.Fatal(err)
	}
	before := count(t, f.db, "usage_records")
	n, err := f.db.RawUsageInserts(ctx, 50*time.Millisecond, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if n < 1000 || n%1000 != 0 || count(t, f.db, "usage_records") != before+n {
		t.Fatalf("wrote %d records; the table grew by %d", n, count(t, f.db, "usage_records")-before)
	}
}

func TestAccountUsage(t *testing.T) {
	ctx := context.Background()
	m, c := newMeterFixture(t, "2026-11-10T13:00:00Z")
	from, to := at(t, "2026-11-01T00:00:00Z"), at(t, "2026-12-01T00:00:00Z")
	views := []struct {
		s       *Scope
		account string
		sees    bool // whether Blue Bakery's usage is in its subtree
	}{
		{m.s, "Blue Bakery", true},
		{m.acme(t), "Blue Bakery", true},
		{m.acme(t), "Acme Hosting", true},
		{m.provider(t), "Nimbus Cloud", true},
		{m.provider(t), "Orbit IT", false},
	}
	totals := func() []map[string]money.Micro {
		t.Helper()
		var out []map[string]money.Micro
		for _, v := range views {
			got, err := v.s.AccountUsage(ctx, m.id(t, v.account), from, to)
			if err != nil {
				t.Fatalf("%s: %v", v.account, err)
			}
			byMetric := map[string]money.Micro{}
			for _, q := range got {
				byMetric[q.Metric] = q.Quantity
			}
			out = append(out, byMetric)
		}
		return out
	}
	// the demo's own usage (its running resources up to 13:00 included)
	before := totals()
	c.set(t, "2026-11-10T10:00:00Z")
	m.create(t, tenantry.NewResource{Type: "server", Name: "web-1", Metric: "instance.small", Start: true})
	if r, err := m.s.IngestUsage(ctx, usage.SourceAPI, []usage.Input{egress(m.infra.ID, "a", at(t, "2026-11-09T10:00:00Z"), 4_000_000),
		egress(m.infra.ID, "old", at(t, "2026-10-09T10:00:00Z"), 9_000_000)}); err != nil || r.Accepted != 2 {
		t.Fatal(r, err)
	}
	c.set(t, "2026-11-10T13:00:00Z")
	// the customer, its vendor and the provider see the same addition:
	// 3 h of instance.small running now, and November's 4 GB (not October's)
	for i, after := range totals() {
		v := views[i]
		for metric, add := range map[string]money.Micro{"instance.small": 3_000_000, "network.egress": 4_000_000} {
			want := before[i][metric]
			if v.sees {
				want += add
			}
			if after[metric] != want {
				t.Errorf("%s %s = %s, want %s", v.account, metric, after[metric], want)
			}
		}
	}
	// another reseller does not see it at all
	_, err := m.scope(t, "orbit.localhost", "admin@orbit.example").AccountUsage(ctx, m.id(t, "Blue Bakery"), from, to)
	wantKind(t, err, tenantry.ENOTFOUND)
}

// TestSubtreeUsagePlan checks that a subtree's total reads the path index
// and the covering rollup index, never usage_records.
func TestSubtreeUsagePlan(t *testing.T) {
	f := newDemo(t)
	rows, err := f.db.read.Query(`EXPLAIN QUERY PLAN `+subtreeUsageSQL, 0, 1, "/", "0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := fmt.Sprint(plan)
	for _, want := range []string{"USING COVERING INDEX usage_daily_account (account_id=? AND day>? AND day<?)", "accounts"} {
		if !strings.Contains(got, want) {
			t.Errorf("plan %s lacks %q", got, want)
		}
	}
	if strings.Contains(got, "usage_records") || strings.Contains(got, "SCAN d") {
		t.Errorf("plan %s scans", got)
	}
}
