package store

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/usage"
)

// demoAt loads the demo into a fresh database whose clock reads now.
func demoAt(t *testing.T, now time.Time) *DB {
	t.Helper()
	db := openDB(t, filepath.Join(t.TempDir(), "tenantry.db"))
	db.Now = func() time.Time { return now }
	start := time.Now()
	if _, err := db.System("demo").LoadDemo(context.Background()); err != nil {
		t.Fatalf("LoadDemo at %s: %v", now, err)
	}
	t.Logf("LoadDemo at %s took %s", now.Format(time.RFC3339), time.Since(start).Round(time.Millisecond))
	return db
}

// demoMonths is, per infrastructure name and month (YYYY-MM), the raw
// records' total of each metric and the rollup's, as "metric=µ" lines.
func demoMonths(t *testing.T, db *DB) (raw, rollup map[string]string) {
	t.Helper()
	read := func(query string) map[string]string {
		rows, err := db.read.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var infra, month, metric string
			var qty int64
			if err := rows.Scan(&infra, &month, &metric, &qty); err != nil {
				t.Fatal(err)
			}
			out[infra+" "+month] += fmt.Sprintf("%s=%d ", metric, qty)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	raw = read(`SELECT i.name, strftime('%Y-%m', u.start_ms / 1000, 'unixepoch'), u.metric_key, SUM(u.quantity_micro)
		FROM usage_records u JOIN infrastructures i ON i.id = u.infrastructure_id
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
	rollup = read(`SELECT i.name, strftime('%Y-%m', d.day * 86400, 'unixepoch'), d.metric_key, SUM(d.quantity_micro)
		FROM usage_daily d JOIN infrastructures i ON i.id = d.infrastructure_id
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
	return raw, rollup
}

// checkDemoUsage: the demo has running and stopped resources of every
// type, records of both sources in each of the three months, a rollup
// equal to the raw records per infrastructure and month, and every
// lifecycle record within one month and matching its resource's
// metering (whole seconds, hours × size).
func checkDemoUsage(t *testing.T, db *DB, now time.Time) {
	t.Helper()
	ctx := context.Background()
	var running, stopped, deleted int
	var types string
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE state = 'running'), COUNT(*) FILTER (WHERE state = 'stopped'),
		COUNT(*) FILTER (WHERE state = 'deleted'),
		(SELECT group_concat(DISTINCT type) FROM (SELECT type FROM resources WHERE state = 'running' ORDER BY type))
		FROM resources`).Scan(&running, &stopped, &deleted, &types); err != nil {
		t.Fatal(err)
	}
	if running < 5 || stopped < 2 || deleted < 1 || types != "ip,server,volume" {
		t.Errorf("demo resources: %d running, %d stopped, %d deleted, running types %q; want ≥ 5 running, ≥ 2 stopped, "+
			"one deleted at least, all three types running", running, stopped, deleted, types)
	}
	// web tests delete the sandbox and change instance.small's unit:
	// neither may have live resources
	var blocking int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM resources r JOIN infrastructures i ON i.id = r.infrastructure_id
		WHERE r.state <> 'deleted' AND (i.name = 'sandbox' OR r.metric_key = 'instance.small')`).Scan(&blocking); err != nil || blocking != 0 {
		t.Errorf("%d live resources in the sandbox or on instance.small (%v), want none", blocking, err)
	}
	m0 := usage.MonthStart(now)
	for _, month := range []time.Time{m0.AddDate(0, -2, 0), m0.AddDate(0, -1, 0), m0} {
		for _, source := range []string{usage.SourceLifecycle, usage.SourceAPI} {
			if source == usage.SourceAPI && month == m0 && now.Sub(m0) < 24*time.Hour {
				continue // no whole day of traffic yet this month
			}
			var n int
			if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM usage_records WHERE source = ? AND start_ms >= ? AND start_ms < ?`,
				source, ms(month), ms(month.AddDate(0, 1, 0))).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("no %s records in %s", source, month.Format("2006-01"))
			}
		}
	}
	raw, rollup := demoMonths(t, db)
	if len(raw) < 10 {
		t.Errorf("records in only %d infrastructure-months: %v", len(raw), raw)
	}
	for k := range raw {
		if raw[k] != rollup[k] {
			t.Errorf("%s: raw records %s, rollup %s", k, raw[k], rollup[k])
		}
	}
	for k := range rollup {
		if _, ok := raw[k]; !ok {
			t.Errorf("%s: rollup %s without records", k, rollup[k])
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT r.name, r.type, u.metric_key, u.quantity_micro, u.start_ms, u.end_ms, u.received_at
		FROM usage_records u JOIN resources r ON r.id = u.resource_id WHERE u.source = 'lifecycle'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lifecycle int
	for rows.Next() {
		var name, typ, metric string
		var qty, start, end, received int64
		if err := rows.Scan(&name, &typ, &metric, &qty, &start, &end, &received); err != nil {
			t.Fatal(err)
		}
		lifecycle++
		s, e := fromMS(start), fromMS(end)
		if !s.Before(e) || usage.MonthStart(s) != usage.MonthStart(e.Add(-time.Millisecond)) {
			t.Errorf("%s: lifecycle record %s – %s does not lie within one month", name, s, e)
		}
		if s != usage.Second(s) || e != usage.Second(e) || received < end || received > ms(now) {
			t.Errorf("%s: lifecycle record %s – %s (received %s): want whole seconds, written once it ended, not after now",
				name, s, e, fromMS(received))
		}
		if typ != "volume" && qty != int64(usage.Hours(e.Sub(s), 1)) {
			t.Errorf("%s: %d µh for %s – %s, want %d", name, qty, s, e, usage.Hours(e.Sub(s), 1))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if lifecycle < 10 {
		t.Errorf("only %d lifecycle records", lifecycle)
	}
}

// TestDemoUsage: the demo as tests and `make run` get it (loaded at the
// real time) holds three months of usage that adds up; loaded at a fixed
// time it is the same twice (nothing random changes the figures); and on
// the first minute of a month, the edge of "this month so far", it loads
// and keeps every record within its month.
func TestDemoUsage(t *testing.T) {
	t.Run("Now", func(t *testing.T) {
		f := newDemo(t)
		checkDemoUsage(t, f.db, f.db.Now())
	})
	t.Run("Deterministic", func(t *testing.T) {
		now := time.Date(2026, 11, 17, 15, 4, 5, 0, time.UTC)
		first := demoAt(t, now)
		a, _ := demoMonths(t, first)
		db := demoAt(t, now)
		b, _ := demoMonths(t, db)
		checkDemoUsage(t, db, now)
		var diff []string
		for _, k := range slices.Sorted(maps.Keys(a)) {
			if a[k] != b[k] {
				diff = append(diff, fmt.Sprintf("%s: %s then %s", k, a[k], b[k]))
			}
		}
		if len(diff) > 0 || len(a) != len(b) {
			t.Errorf("two demos at the same time differ:\n%s", strings.Join(diff, "\n"))
		}
		// Blue Bakery's web-prod last month: web-1 resized on the 15th,
		// so both flavors were metered, the medium one up to the resize
		f := &fixture{db: first}
		s := f.provider(t)
		id, err := demoInfraID(context.Background(), s, f.id(t, "Blue Bakery"), "web-prod")
		if err != nil {
			t.Fatal(err)
		}
		oct := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		got, err := s.UsageTotals(context.Background(), []string{id}, oct, oct.AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		byMetric := map[string]int64{}
		for _, q := range got {
			byMetric[q.Metric] = int64(q.Quantity)
		}
		// web-1 medium 1–15 Oct 14:00, large after; web-2 medium 1–3 Oct 18:00 and 20 Oct 08:00 on
		web2 := 2*24*time.Hour + 18*time.Hour + 11*24*time.Hour + 16*time.Hour
		if want := int64(usage.Hours(14*24*time.Hour+14*time.Hour+web2, 1)); byMetric["instance.medium"] != want {
			t.Errorf("web-prod's instance.medium in October = %d, want %d (%v)", byMetric["instance.medium"], want, got)
		}
		if want := int64(usage.Hours(16*24*time.Hour+10*time.Hour, 1)); byMetric["instance.large"] != want {
			t.Errorf("web-prod's instance.large in October = %d, want %d (%v)", byMetric["instance.large"], want, got)
		}
		if byMetric["instance.small"] != 0 {
			t.Errorf("web-prod's instance.small in October = %d, want none", byMetric["instance.small"])
		}
	})
	t.Run("MonthStart", func(t *testing.T) {
		now := time.Date(2027, 3, 1, 0, 0, 40, 0, time.UTC)
		checkDemoUsage(t, demoAt(t, now), now)
	})
	t.Run("InTotals", func(t *testing.T) {
		f := newDemo(t)
		s := f.scope(t, "acme.localhost", "owner@bluebakery.example")
		id, err := demoInfraID(context.Background(), s, f.id(t, "Blue Bakery"), "web-prod")
		if err != nil {
			t.Fatal(err)
		}
		m0 := usage.MonthStart(f.db.Now())
		got, err := s.UsageTotals(context.Background(), []string{id}, m0, m0.AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		var metrics []string
		for _, q := range got {
			if q.Quantity > 0 {
				metrics = append(metrics, q.Metric)
			}
		}
		// running resources count this month whatever the day
		for _, want := range []string{"instance.large", "instance.medium", "ip.public_v4", "storage.block"} {
			if !slices.Contains(metrics, want) {
				t.Errorf("web-prod this month: %v, want %s used", metrics, want)
			}
		}
	})
}
