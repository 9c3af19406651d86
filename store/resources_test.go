package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

// clock is a test's hand on the store's clock.
type clock struct{ now time.Time }

func (f *fixture) clock(t *testing.T, start string) *clock {
	t.Helper()
	c := &clock{now: at(t, start)}
	f.db.Now = func() time.Time { return c.now }
	return c
}

func (c *clock) set(t *testing.T, s string) { c.now = at(t, s) }

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// meterFixture is Blue Bakery's owner on Acme's domain with a fresh
// infrastructure of its own.
type meterFixture struct {
	*fixture
	s     *Scope
	infra *tenantry.Infrastructure
}

func newMeterFixture(t *testing.T, start string) (*meterFixture, *clock) {
	t.Helper()
	f := newDemo(t)
	c := f.clock(t, start)
	s := f.scope(t, "acme.localhost", "owner@bluebakery.example")
	in, err := s.CreateInfrastructure(context.Background(), f.id(t, "Blue Bakery"), tenantry.NewInfrastructure{Name: "metering"})
	if err != nil {
		t.Fatal(err)
	}
	return &meterFixture{fixture: f, s: s, infra: in}, c
}

func (m *meterFixture) create(t *testing.T, in tenantry.NewResource) *tenantry.Resource {
	t.Helper()
	r, err := m.s.CreateResource(context.Background(), m.infra.ID, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Name, err)
	}
	return r
}

func (m *meterFixture) step(t *testing.T, fn func(context.Context, string) (*tenantry.Resource, error), id string) *tenantry.Resource {
	t.Helper()
	r, err := fn(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// record is a stored usage record as a test compares it.
type record struct {
	metric, qty, start, end, source string
}

func (m *meterFixture) records(t *testing.T) []record {
	t.Helper()
	rows, err := m.db.read.Query(`SELECT metric_key, quantity_micro, start_ms, end_ms, source FROM usage_records
		WHERE infrastructure_id = ? ORDER BY start_ms, id`, m.infra.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []record
	for rows.Next() {
		var r record
		var q, s, e int64
		if err := rows.Scan(&r.metric, &q, &s, &e, &r.source); err != nil {
			t.Fatal(err)
		}
		r.qty, r.start, r.end = money.Micro(q).String(), fromMS(s).Format(time.RFC3339), fromMS(e).Format(time.RFC3339)
		out = append(out, r)
	}
	return out
}

func wantRecords(t *testing.T, got []record, want ...record) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("records:\n got %v\nwant %v", got, want)
	}
}

func used(r *tenantry.Resource) string { return fmt.Sprint(r.UsedThisMonth) }

func TestMeteringLifecycle(t *testing.T) {
	ctx := context.Background()
	t.Run("StartStopIsTwoAndAHalfHours", func(t *testing.T) {
		m, c := newMeterFixture(t, "2026-11-10T10:00:00Z")
		r := m.create(t, tenantry.NewResource{Type: "server", Name: "web-1", Metric: "instance.small", Start: true})
		if r.State != tenantry.StateRunning || !r.RunningSince.Equal(at(t, "2026-11-10T10:00:00Z")) {
			t.Fatalf("created %+v", r)
		}
		c.set(t, "2026-11-10T12:30:00Z")
		r = m.step(t, m.s.StopResource, r.ID)
		if r.State != tenantry.StateStopped {
			t.Fatalf("state %s", r.State)
		}
		wantRecords(t, m.records(t), record{"instance.small", "2.50", "2026-11-10T10:00:00Z", "2026-11-10T12:30:00Z", "lifecycle"})
		if got := used(r); got != "[{instance.small 2.50}]" {
			t.Errorf("used this month %s", got)
		}
	})
	t.Run("StopStartStopAndRepeatsChangeNothing", func(t *testing.T) {
		m, c := newMeterFixture(t, "2026-11-10T10:00:00Z")
		r := m.create(t, tenantry.NewResource{Type: "server", Name: "web-1", Metric: "instance.small"})
		if r.State != tenantry.StateStopped {
			t.Fatalf("a new resource is stopped: %s", r.State)
		}
		m.step(t, m.s.StopResource, r.ID) // stopping a stopped one: nothing
		m.step(t, m.s.StartResource, r.ID)
		c.set(t, "2026-11-10T11:00:00Z")
		m.step(t, m.s.StartResource, r.ID) // starting a running one: the interval keeps its start
		c.set(t, "2026-11-10T12:00:00Z")
		m.step(t, m.s.StopResource, r.ID)
		m.step(t, m.s.StopResource, r.ID)
		c.set(t, "2026-11-10T14:00:00Z")
		m.step(t, m.s.StartResource, r.ID)
		c.set(t, "2026-11-10T14:30:00Z")
		r = m.step(t, m.s.StopResource, r.ID)
		wantRecords(t, m.records(t),
			record{"instance.small", "2.00", "2026-11-10T10:00:00Z", "2026-11-10T12:00:00Z", "lifecycle"},
			record{"instance.small", "0.50", "2026-11-10T14:00:00Z", "2026-11-10T14:30:00Z", "lifecycle"})
		if got := used(r); got != "[{instance.small 2.50}]" {
			t.Errorf("used this month %s", got)
		}
		var audits int
		if err := m.db.read.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE object_id = ?`, r.ID).Scan(&audits); err != nil {
			t.Fatal(err)
		}
		if audits != 5 { // create, start, stop, start, stop: the no-ops write nothing
			t.Errorf("%d audit events, want 5", audits)
		}
	})
	t.Run("ResizeMidRunSplitsTheMetric", func(t *testing.T) {
		m, c := newMeterFixture(t, "2026-11-10T10:00:00Z")
		r := m.create(t, tenantry.NewResource{Type: "server", Name: "web-1", Metric: "instance.small", Start: true})
		vol := m.create(t, tenantry.NewResource{Type: "volume", Name: "data", Metric: "storage.block", SizeGB: ptr(int64(100)), Start: true})
		c.set(t, "2026-11-10T11:00:00Z")
		if _, err := m.s.ResizeResource(ctx, r.ID, tenantry.ResourceResize{Metric: ptr("instance.large")}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.s.ResizeResource(ctx, vol.ID, tenantry.ResourceResize{SizeGB: ptr(int64(250))}); err != nil {
			t.Fatal(err)
		}
		c.set(t, "2026-11-10T11:30:00Z")
		r = m.step(t, m.s.StopResource, r.ID)
		if err := m.s.DeleteResource(ctx, vol.ID); err != nil {
			t.Fatal(err)
		}
		wantRecords(t, m.records(t),
			record{"instance.small", "1.00", "2026-11-10T10:00:00Z", "2026-11-10T11:00:00Z", "lifecycle"},
			record{"storage.block", "100.00", "2026-11-10T10:00:00Z", "2026-11-10T11:00:00Z", "lifecycle"},
			record{"instance.large", "0.50", "2026-11-10T11:00:00Z", "2026-11-10T11:30:00Z", "lifecycle"},
			record{"storage.block", "125.00", "2026-11-10T11:00:00Z", "2026-11-10T11:30:00Z", "lifecycle"})
		if got := used(r); got != "[{instance.large 0.50} {instance.small 1.00}]" {
			t.Errorf("used this month %s", got)
		}
	})
	t.Run("AcrossOctoberAndNovemberSplitsExactly", func(t *testing.T) {
		m, c := newMeterFixture(t, "2026-10-31T22:00:00Z")
		r := m.create(t, tenantry.NewResource{Type: "ip", Name: "gw", Metric: "ip.public_v4", Start: true})
		c.set(t, "2026-11-01T01:30:00Z")
		// month-to-date counts only November's part, before any stop
		got, err := m.s.Resource(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if used(got) != "[{ip.public_v4 1.50}]" {
			t.Errorf("used this month while running: %s", used(got))
		}
		m.step(t, m.s.StopResource, r.ID)
		wantRecords(t, m.records(t),
			record{"ip.public_v4", "2.00", "2026-10-31T22:00:00Z", "2026-11-01T00:00:00Z", "lifecycle"},
			record{"ip.public_v4", "1.50", "2026-11-01T00:00:00Z", "2026-11-01T01:30:00Z", "lifecycle"})
		totals, err := m.s.UsageTotals(ctx, []string{m.infra.ID}, at(t, "2026-10-01T00:00:00Z"), at(t, "2026-11-01T00:00:00Z"))
		if err != nil || fmt.Sprint(totals) != fmt.Sprintf("[{%s ip.public_v4 2.00}]", m.infra.ID) {
			t.Errorf("October totals %v %v", totals, err)
		}
	})
	t.Run("DeletedStopsAccruing", func(t *testing.T) {
		m, c := newMeterFixture(t, "2026-11-10T10:00:00Z")
		r := m.create(t, tenantry.NewResource{Type: "server", Name: "web-1", Metric: "instance.small", Start: true})
		c.set(t, "2026-11-10T10:45:00Z")
		if err := m.s.DeleteResource(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		c.set(t, "2026-11-20T10:00:00Z")
		wantRecords(t, m.records(t), record{"instance.small", "0.75", "2026-11-10T10:00:00Z", "2026-11-10T10:45:00Z", "lifecycle"})
		totals, err := m.s.UsageTotals(ctx, []string{m.infra.ID}, at(t, "2026-11-01T00:00:00Z"), at(t, "2026-12-01T00:00:00Z"))
		if err != nil || fmt.Sprint(totals) != fmt.Sprintf("[{%s instance.small 0.75}]", m.infra.ID) {
			t.Errorf("totals after delete %v %v", totals, err)
		}
		_, err = m.s.Resource(ctx, r.ID)
		wantKind(t, err, tenantry.ENOTFOUND)
		_, err = m.s.StartResource(ctx, r.ID)
		wantKind(t, err, tenantry.ENOTFOUND)
		list, err := m.s.Resources(ctx, m.infra.ID)
		if err != nil || len(list) != 0 {
			t.Errorf("resources after delete %v %v", list, err)
		}
		// and the name is free again
		m.create(t, tenantry.NewResource{Type: "server", Name: "web-1", Metric: "instance.small"})
	})
	t.Run("RunningCountsUpToNow", func(t *testing.T) {
		m, c := newMeterFixture(t, "2026-11-10T10:00:00Z")
		m.create(t, tenantry.NewResource{Type: "volume", Name: "data", Metric: "storage.block", SizeGB: ptr(int64(10)), Start: true})
		c.set(t, "2026-11-10T16:00:00Z")
		totals, err := m.s.UsageTotals(ctx, []string{m.infra.ID}, at(t, "2026-11-01T00:00:00Z"), at(t, "2026-11-11T00:00:00Z"))
		if err != nil || fmt.Sprint(totals) != fmt.Sprintf("[{%s storage.block 60.00}]", m.infra.ID) {
			t.Errorf("month to date %v %v", totals, err)
		}
		// a month before it started has no row for it, not a zero
		if before, err := m.s.UsageTotals(ctx, []string{m.infra.ID}, at(t, "2026-09-01T00:00:00Z"), at(t, "2026-10-01T00:00:00Z")); err != nil || len(before) != 0 {
			t.Errorf("September %v %v, want no rows", before, err)
		}
		p, err := m.s.InfraUsage(ctx, m.infra.ID, UsageFilter{})
		if err != nil || len(p.Items) != 1 || !p.Items[0].Open || p.Items[0].Quantity != 60_000_000 || !p.Items[0].End.Equal(c.now) {
			t.Errorf("usage list %+v %v", p, err)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		m, _ := newMeterFixture(t, "2026-11-10T10:00:00Z")
		for name, c := range map[string]struct {
			in    tenantry.NewResource
			field string
		}{
			"UnknownType":    {tenantry.NewResource{Type: "gpu", Name: "x", Metric: "instance.small"}, "type"},
			"MetricOfVolume": {tenantry.NewResource{Type: "server", Name: "x", Metric: "storage.block"}, "metric"},
			"APIOnlyMetric":  {tenantry.NewResource{Type: "server", Name: "x", Metric: "network.egress"}, "metric"},
			"VolumeNoSize":   {tenantry.NewResource{Type: "volume", Name: "x", Metric: "storage.block"}, "size_gb"},
			"ServerWithSize": {tenantry.NewResource{Type: "server", Name: "x", Metric: "instance.small", SizeGB: ptr(int64(5))}, "size_gb"},
			"NoName":         {tenantry.NewResource{Type: "ip", Name: " ", Metric: "ip.public_v4"}, "name"},
		} {
			t.Run(name, func(t *testing.T) {
				before := m.snapshot(t)
				_, err := m.s.CreateResource(ctx, m.infra.ID, c.in)
				if e := wantKind(t, err, tenantry.EINVALID); e != nil && e.Fields[c.field] == "" {
					t.Errorf("no message for %s: %+v", c.field, e.Fields)
				}
				m.assertUnchanged(t, before)
			})
		}
		m.create(t, tenantry.NewResource{Type: "ip", Name: "gw", Metric: "ip.public_v4"})
		_, err := m.s.CreateResource(ctx, m.infra.ID, tenantry.NewResource{Type: "ip", Name: "GW", Metric: "ip.public_v4"})
		wantKind(t, err, tenantry.ECONFLICT)
		// an infrastructure with live resources stays
		err = m.s.DeleteInfrastructure(ctx, m.infra.ID)
		wantKind(t, err, tenantry.ECONFLICT)
	})
	t.Run("ViewerSeesButCannotChange", func(t *testing.T) {
		m, _ := newMeterFixture(t, "2026-11-10T10:00:00Z")
		r := m.create(t, tenantry.NewResource{Type: "ip", Name: "gw", Metric: "ip.public_v4"})
		m.addMember(t, "Blue Bakery", "viewer@bluebakery.example", tenantry.RoleViewer)
		v := m.scope(t, "acme.localhost", "viewer@bluebakery.example")
		if list, err := v.Resources(ctx, m.infra.ID); err != nil || len(list) != 1 {
			t.Fatalf("viewer reads %v %v", list, err)
		}
		before := m.snapshot(t)
		_, err := v.StartResource(ctx, r.ID)
		wantKind(t, err, tenantry.EFORBIDDEN)
		_, err = v.CreateResource(ctx, m.infra.ID, tenantry.NewResource{Type: "ip", Name: "gw2", Metric: "ip.public_v4"})
		wantKind(t, err, tenantry.EFORBIDDEN)
		m.assertUnchanged(t, before)
	})
}

// TestRollupEqualsRecords drives random lifecycles and API batches, and
// checks after each step that the daily rollup adds up to the raw records,
// for every infrastructure, metric and month, and that month-to-date
// totals equal the records plus the open intervals.
func TestRollupEqualsRecords(t *testing.T) {
	ctx := context.Background()
	m, c := newMeterFixture(t, "2026-09-20T08:00:00Z")
	second, err := m.s.CreateInfrastructure(ctx, m.id(t, "Blue Bakery"), tenantry.NewInfrastructure{Name: "metering-2"})
	if err != nil {
		t.Fatal(err)
	}
	infras := []string{m.infra.ID, second.ID}
	rnd := rand.New(rand.NewPCG(11, 7))
	var resources []string
	flavors := []string{"instance.small", "instance.medium", "instance.large"}
	for i := range 300 {
		c.now = c.now.Add(time.Duration(rnd.Int64N(int64(20 * time.Hour))))
		switch op := rnd.IntN(7); {
		case op == 0 || len(resources) == 0:
			in := tenantry.NewResource{Type: "server", Name: fmt.Sprintf("s%d", i), Metric: flavors[rnd.IntN(3)], Start: rnd.IntN(2) == 0}
			if rnd.IntN(3) == 0 {
				in = tenantry.NewResource{Type: "volume", Name: fmt.Sprintf("v%d", i), Metric: "storage.block",
					SizeGB: ptr(1 + rnd.Int64N(500)), Start: true}
			}
			r, err := m.s.CreateResource(ctx, infras[rnd.IntN(2)], in)
			if err != nil {
				t.Fatal(err)
			}
			resources = append(resources, r.ID)
		case op == 1:
			m.step(t, m.s.StartResource, resources[rnd.IntN(len(resources))])
		case op == 2:
			m.step(t, m.s.StopResource, resources[rnd.IntN(len(resources))])
		case op == 3:
			id := resources[rnd.IntN(len(resources))]
			r, err := m.s.Resource(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			in := tenantry.ResourceResize{Metric: ptr(flavors[rnd.IntN(3)])}
			if r.Type == tenantry.ResourceVolume {
				in = tenantry.ResourceResize{SizeGB: ptr(1 + rnd.Int64N(500))}
			}
			if _, err := m.s.ResizeResource(ctx, id, in); err != nil {
				t.Fatal(err)
			}
		case op == 4 && len(resources) > 3:
			k := rnd.IntN(len(resources))
			if err := m.s.DeleteResource(ctx, resources[k]); err != nil {
				t.Fatal(err)
			}
			resources = append(resources[:k], resources[k+1:]...)
		default:
			var batch []usage.Input
			for j := range 1 + rnd.IntN(40) {
				end := c.now.Add(-time.Duration(rnd.Int64N(int64(40 * 24 * time.Hour))))
				start := end.Add(-time.Duration(1 + rnd.Int64N(int64(50*time.Hour))))
				if usage.MonthStart(start) != usage.MonthStart(end.Add(-time.Millisecond)) {
					start = usage.MonthStart(end.Add(-time.Millisecond))
				}
				batch = append(batch, usage.Input{InfrastructureID: infras[rnd.IntN(2)], Metric: "network.egress",
					Quantity: money.Micro(rnd.Int64N(1e12)), Start: start, End: end, Key: fmt.Sprintf("k%d-%d", i, j%30)})
			}
			if _, err := m.s.IngestUsage(ctx, usage.SourceAPI, batch); err != nil {
				t.Fatal(err)
			}
		}
		if i%25 == 24 {
			assertRollup(t, m.fixture)
		}
	}
	assertRollup(t, m.fixture)
	// month to date: records of the month plus the open intervals from the
	// month's start, as the store adds them itself
	from := usage.MonthStart(c.now)
	totals, err := m.s.UsageTotals(ctx, infras, from, c.now.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]money.Micro{}
	rows, err := m.db.read.Query(`SELECT infrastructure_id, metric_key, SUM(quantity_micro) FROM usage_records
		WHERE start_ms >= ? GROUP BY 1, 2`, ms(from))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var infra, metric string
		var q int64
		if err := rows.Scan(&infra, &metric, &q); err != nil {
			t.Fatal(err)
		}
		want[infra+" "+metric] += money.Micro(q)
	}
	rows.Close()
	for _, infra := range infras {
		list, err := m.s.Resources(ctx, infra)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			if r.State == tenantry.StateRunning {
				want[infra+" "+r.Metric] += usage.Hours(usage.Second(c.now).Sub(usage.Later(r.RunningSince, from)), resourceSize(&r))
			}
		}
	}
	got := map[string]money.Micro{}
	for _, q := range totals {
		got[q.InfrastructureID+" "+q.Metric] = q.Quantity
	}
	for k, v := range want {
		if v != 0 && got[k] != v {
			t.Errorf("month to date %s = %s, want %s", k, got[k], v)
		}
	}
}

// assertRollup checks that usage_daily adds up to usage_records for every
// infrastructure, metric and month.
func assertRollup(t *testing.T, f *fixture) {
	t.Helper()
	query := func(q string) map[string]int64 {
		rows, err := f.db.read.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var infra, metric, month string
			var qty int64
			if err := rows.Scan(&infra, &metric, &month, &qty); err != nil {
				t.Fatal(err)
			}
			out[infra+" "+metric+" "+month] = qty
		}
		return out
	}
	raw := query(`SELECT infrastructure_id, metric_key, strftime('%Y-%m', start_ms / 1000, 'unixepoch'), SUM(quantity_micro)
		FROM usage_records GROUP BY 1, 2, 3`)
	rolled := query(`SELECT infrastructure_id, metric_key, strftime('%Y-%m', day * 86400, 'unixepoch'), SUM(quantity_micro)
		FROM usage_daily GROUP BY 1, 2, 3`)
	if len(raw) == 0 {
		t.Fatal("no usage at all")
	}
	if fmt.Sprint(raw) != fmt.Sprint(rolled) {
		t.Fatalf("rollup differs from the records:\n raw %v\nrollup %v", raw, rolled)
	}
}
