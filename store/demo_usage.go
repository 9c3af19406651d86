package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

// The demo's resources and three months of their usage: the two previous
// calendar months and this one so far, relative to the store's clock, so
// that a fresh demo on any date has history to show and to rate. Their
// lifecycle is replayed at past times (replayAt) through the scope's own
// lifecycle methods, so the records, their split at month starts, the
// rollup and the audit trail are what live use writes; the traffic an
// integration would post goes through IngestUsage. Nothing is random: the
// same clock gives the same figures.

// demoStep is one lifecycle step of a demo resource: "start", "stop",
// "resize" (to metric, or to sizeGB for a volume) or "delete".
type demoStep struct {
	at     time.Time
	do     string
	metric string
	sizeGB int64
}

// demoResource is a resource created running at its first step's time,
// then taken through the others. No live one is metered by
// instance.small: web tests change that metric's unit, which live
// resources would forbid.
type demoResource struct {
	infra string
	res   tenantry.NewResource
	steps []demoStep
}

// demoTimeline lays the demo resources' lives out around now: days of
// the month before last (m2) and last month (m1) up to the 27th, so that
// they exist in every month, and fractions of this month so far (cur),
// which come after them whatever the day.
func demoTimeline(now time.Time) []demoResource {
	m0 := usage.MonthStart(now)
	m1, m2 := m0.AddDate(0, -1, 0), m0.AddDate(0, -2, 0)
	day := func(month time.Time, d, hour, minute int) time.Time {
		return month.AddDate(0, 0, d-1).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
	}
	elapsed := now.Sub(m0)
	cur := func(permille int64) time.Time {
		return usage.Second(m0.Add(elapsed * time.Duration(permille) / 1000))
	}
	start := func(at time.Time) demoStep { return demoStep{at: at, do: "start"} }
	stop := func(at time.Time) demoStep { return demoStep{at: at, do: "stop"} }
	remove := func(at time.Time) demoStep { return demoStep{at: at, do: "delete"} }
	flavor := func(at time.Time, m string) demoStep { return demoStep{at: at, do: "resize", metric: m} }
	grow := func(at time.Time, gb int64) demoStep { return demoStep{at: at, do: "resize", sizeGB: gb} }
	server := func(name, metric string) tenantry.NewResource {
		return tenantry.NewResource{Type: tenantry.ResourceServer, Name: name, Metric: metric, Start: true}
	}
	volume := func(name string, gb int64) tenantry.NewResource {
		return tenantry.NewResource{Type: tenantry.ResourceVolume, Name: name, Metric: "storage.block", SizeGB: &gb, Start: true}
	}
	ip := func(name string) tenantry.NewResource {
		return tenantry.NewResource{Type: tenantry.ResourceIP, Name: name, Metric: "ip.public_v4", Start: true}
	}
	return []demoResource{
		// Blue Bakery's shop: grown to a large web server last month
		{"web-prod", server("web-1", "instance.medium"), []demoStep{start(day(m2, 2, 9, 0)), flavor(day(m1, 15, 14, 0), "instance.large")}},
		{"web-prod", server("web-2", "instance.medium"), []demoStep{start(day(m2, 10, 8, 0)), stop(day(m1, 3, 18, 0)), start(day(m1, 20, 8, 0))}},
		{"web-prod", volume("web-data", 100), []demoStep{start(day(m2, 2, 9, 0)), grow(day(m1, 15, 14, 5), 200)}},
		{"web-prod", ip("web-ip"), []demoStep{start(day(m2, 2, 9, 0))}},
		// its database, with a maintenance stop this month and a replica retired
		{"db-prod", server("db-1", "instance.large"), []demoStep{start(day(m2, 1, 6, 0)), stop(cur(300)), start(cur(320))}},
		{"db-prod", volume("db-data", 500), []demoStep{start(day(m2, 1, 6, 0))}},
		{"db-prod", server("db-replica", "instance.medium"), []demoStep{start(day(m1, 5, 10, 0)), stop(cur(500))}},
		// a sandbox used now and then, emptied this month (so it can be
		// deleted: web tests delete it)
		{"sandbox", server("test-box", "instance.small"), []demoStep{start(day(m2, 12, 9, 0)), stop(day(m2, 12, 17, 30)),
			start(day(m1, 8, 9, 0)), stop(day(m1, 9, 17, 0)), start(cur(200)), remove(cur(250))}},
		{"sandbox", volume("scratch", 20), []demoStep{start(day(m1, 8, 9, 0)), remove(cur(260))}},
		// Delta Freight's tracker: a worker moved up a flavor, its address released
		{"fleet-tracker", server("tracker-api", "instance.medium"), []demoStep{start(day(m2, 5, 7, 0))}},
		{"fleet-tracker", server("tracker-worker", "instance.small"), []demoStep{start(day(m2, 5, 7, 0)), flavor(day(m1, 20, 12, 0), "instance.medium")}},
		{"fleet-tracker", volume("gps-archive", 250), []demoStep{start(day(m2, 5, 7, 0))}},
		{"fleet-tracker", ip("tracker-ip"), []demoStep{start(day(m2, 5, 7, 0)), stop(day(m1, 25, 10, 0))}},
	}
}

// demoEgress is the daily traffic (GB) of the infrastructures that send
// it: a base per infrastructure and a weekly swing, so that charts by day
// have a shape.
var demoEgress = []struct {
	infra      string
	base, step money.Micro
}{
	{"web-prod", 38_000_000, 3_250_000},
	{"db-prod", 1_500_000, 125_000},
	{"fleet-tracker", 12_000_000, 1_400_000},
}

// loadDemoUsage creates the demo resources and their history, and posts
// the daily egress and monthly backup storage of the months so far.
// infras maps the demo infrastructures' names to ids.
func loadDemoUsage(ctx context.Context, s *Scope, infras map[string]string) error {
	now := usage.Second(s.db.Now())
	type event struct {
		at   time.Time
		res  int
		step int
	}
	timeline := demoTimeline(now)
	var events []event
	for i, r := range timeline {
		for j, st := range r.steps {
			events = append(events, event{st.at, i, j})
		}
	}
	// in time order, so that the log and the audit trail read as they happened
	slices.SortStableFunc(events, func(a, b event) int { return a.at.Compare(b.at) })
	ids := make([]string, len(timeline))
	for _, e := range events {
		r, st := &timeline[e.res], timeline[e.res].steps[e.step]
		at := replayAt(ctx, st.at)
		var err error
		switch {
		case e.step == 0:
			var made *tenantry.Resource
			if made, err = s.CreateResource(at, infras[r.infra], r.res); err == nil {
				ids[e.res] = made.ID
			}
		case st.do == "start":
			_, err = s.StartResource(at, ids[e.res])
		case st.do == "stop":
			_, err = s.StopResource(at, ids[e.res])
		case st.do == "delete":
			err = s.DeleteResource(at, ids[e.res])
		case st.metric != "":
			_, err = s.ResizeResource(at, ids[e.res], tenantry.ResourceResize{Metric: &st.metric})
		default:
			_, err = s.ResizeResource(at, ids[e.res], tenantry.ResourceResize{SizeGB: &st.sizeGB})
		}
		if err != nil {
			return fmt.Errorf("demo resource %s %s: %w", r.res.Name, st.do, err)
		}
	}
	var recs []usage.Input
	m2 := usage.MonthStart(now).AddDate(0, -2, 0)
	for d := m2; !d.AddDate(0, 0, 1).After(now); d = d.AddDate(0, 0, 1) {
		n := money.Micro(d.Sub(m2) / (24 * time.Hour))
		for _, e := range demoEgress {
			recs = append(recs, usage.Input{InfrastructureID: infras[e.infra], Metric: "network.egress",
				Quantity: e.base + e.step*((n*3)%7), Start: d, End: d.AddDate(0, 0, 1),
				Key: "demo-egress-" + e.infra + "-" + d.Format(time.DateOnly)})
		}
	}
	for m := m2; m.Before(usage.MonthStart(now)); m = m.AddDate(0, 1, 0) {
		recs = append(recs, usage.Input{InfrastructureID: infras["db-prod"], Metric: "backup.storage",
			Quantity: 420_000_000 + money.Micro(m.Sub(m2)/(24*time.Hour))*1_000_000, Start: m, End: m.AddDate(0, 1, 0),
			Key: "demo-backup-db-prod-" + m.Format("2006-01")})
	}
	res, err := s.IngestUsage(ctx, usage.SourceAPI, recs)
	if err != nil {
		return fmt.Errorf("demo usage: %w", err)
	}
	if len(res.Rejected) > 0 {
		return fmt.Errorf("demo usage: %d records rejected, the first: %s", len(res.Rejected), res.Rejected[0].Message)
	}
	return nil
}
