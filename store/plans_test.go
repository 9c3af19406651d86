package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// acmeRetail returns Acme Hosting's retail plan, which its customers are on.
func acmeRetail(t *testing.T, f *fixture) *tenantry.Plan {
	t.Helper()
	plans, err := f.acme(t).Plans(context.Background(), f.id(t, "Acme Hosting"), PlanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range plans {
		if plans[i].Name == "Acme Retail" {
			return &plans[i]
		}
	}
	t.Fatal("no plan Acme Retail")
	return nil
}

// withPrice is the plan's current input with one metric's price replaced.
func withPrice(p *tenantry.Plan, metric, price, from string) tenantry.PlanInput {
	in := tenantry.PlanInput{Name: p.Name, Currency: p.Currency, Audience: p.Audience, MarkupPercent: p.MarkupPercent.String(), EffectiveFrom: from}
	for _, pr := range p.Prices {
		v := pr.UnitPrice.Fixed(6)
		if pr.Metric == metric {
			v = price
		}
		in.Prices = append(in.Prices, tenantry.PriceInput{Metric: pr.Metric, UnitPrice: v})
	}
	return in
}

// setClock fixes the store's clock.
func setClock(f *fixture, at time.Time) { f.db.Now = func() time.Time { return at } }

func mustPrice(t *testing.T, v *tenantry.PlanPrices, metric string) string {
	t.Helper()
	m, ok := v.PriceOf(metric)
	if !ok {
		t.Fatalf("version from %s has no price of %s", v.EffectiveFrom, metric)
	}
	return m.Fixed(6)
}

func TestPlanPriceVersions(t *testing.T) {
	ctx := context.Background()
	f := newDemo(t)
	now := time.Date(2027, 3, 10, 9, 30, 0, 0, time.UTC)
	setClock(f, now)
	s := f.acme(t)
	p := acmeRetail(t, f)
	metric := p.Prices[0].Metric
	before := mustPrice(t, &tenantry.PlanPrices{Prices: p.Prices}, metric)

	// scheduled for 1 April: today's prices stay in force until then
	got, err := s.UpdatePlan(ctx, p.ID, withPrice(p, metric, "9.5", "2027-04-01"))
	if err != nil {
		t.Fatalf("UpdatePlan: %v", err)
	}
	if v, _ := got.PriceOf(metric); v.Fixed(6) != before {
		t.Errorf("returned plan's current %s = %s, want the old %s until the change", metric, v.Fixed(6), before)
	}
	versions, err := s.PlanPriceVersions(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 {
		t.Fatalf("versions = %d, want 2 (the original and the scheduled one)", len(versions))
	}
	if !versions[0].EffectiveFrom.Equal(p.PricesFrom) || !versions[1].EffectiveFrom.Equal(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("versions from %s and %s, want %s and 2027-04-01", versions[0].EffectiveFrom, versions[1].EffectiveFrom, p.PricesFrom)
	}
	if versions[1].CreatedBy != s.actor.User.ID {
		t.Errorf("created by %q, want %q", versions[1].CreatedBy, s.actor.User.ID)
	}

	for _, tc := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"BeforeTheChange", time.Date(2027, 3, 31, 23, 59, 59, 0, time.UTC), before},
		{"AtTheChange", time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), "9.500000"},
		{"AfterTheChange", time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), "9.500000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := s.PlanPricesAt(ctx, p.ID, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := mustPrice(t, v, metric); got != tc.want {
				t.Errorf("price at %s = %s, want %s", tc.at, got, tc.want)
			}
		})
	}
	t.Run("BeforeThePlan", func(t *testing.T) {
		_, err := s.PlanPricesAt(ctx, p.ID, p.CreatedAt.Add(-time.Hour))
		if e := wantKind(t, err, tenantry.ENOTFOUND); e.Code != "no_prices" {
			t.Errorf("code = %q, want no_prices", e.Code)
		}
	})
	t.Run("PlanShowsCurrentPricesOnceInForce", func(t *testing.T) {
		setClock(f, time.Date(2027, 4, 2, 0, 0, 0, 0, time.UTC))
		cur, err := s.Plan(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := cur.PriceOf(metric); v != money.Micro(9_500_000) {
			t.Errorf("current price = %s, want 9.5", v.Fixed(6))
		}
		if !cur.PricesFrom.Equal(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("PricesFrom = %s, want 2027-04-01", cur.PricesFrom)
		}
		setClock(f, now)
	})
	t.Run("ForeignTenant", func(t *testing.T) {
		orbit := f.scope(t, "orbit.localhost", "admin@orbit.example")
		_, err := orbit.PlanPricesAt(ctx, p.ID, now)
		wantKind(t, err, tenantry.ENOTFOUND)
	})
	t.Run("Audited", func(t *testing.T) {
		var summary string
		if err := f.db.read.QueryRow(`SELECT summary FROM audit_events WHERE action = 'plan.update' AND object_id = ? ORDER BY at DESC LIMIT 1`,
			p.ID).Scan(&summary); err != nil {
			t.Fatal(err)
		}
		if want := "prices from 2027-04-01 00:00 UTC: " + metric + " " + before + " → 9.500000"; !strings.Contains(summary, want) {
			t.Errorf("audit summary = %q, want it to contain %q", summary, want)
		}
	})
}

func TestUpdatePlanNowAndUnchangedPrices(t *testing.T) {
	ctx := context.Background()
	f := newDemo(t)
	now := time.Date(2027, 3, 10, 9, 30, 0, 0, time.UTC)
	setClock(f, now)
	s := f.acme(t)
	p := acmeRetail(t, f)
	metric := p.Prices[0].Metric

	// a rename with the same prices adds no version
	in := withPrice(p, metric, p.Prices[0].UnitPrice.Fixed(6), "")
	in.Name = "Acme Retail 2027"
	if _, err := s.UpdatePlan(ctx, p.ID, in); err != nil {
		t.Fatal(err)
	}
	if versions, _ := s.PlanPriceVersions(ctx, p.ID); len(versions) != 1 {
		t.Fatalf("versions after a rename = %d, want 1", len(versions))
	}
	// today's date means now, not midnight (which is in the past)
	got, err := s.UpdatePlan(ctx, p.ID, withPrice(p, metric, "1.25", "2027-03-10"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := got.PriceOf(metric); v.Fixed(6) != "1.250000" || !got.PricesFrom.Equal(now) {
		t.Errorf("current %s = %s from %s, want 1.250000 from %s", metric, v.Fixed(6), got.PricesFrom, now)
	}
	old, err := s.PlanPricesAt(ctx, p.ID, now.Add(-time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if mustPrice(t, old, metric) != p.Prices[0].UnitPrice.Fixed(6) {
		t.Errorf("price just before the change = %s, want the old %s", mustPrice(t, old, metric), p.Prices[0].UnitPrice.Fixed(6))
	}
}

func TestUpdatePlanRefusesEarlierDates(t *testing.T) {
	ctx := context.Background()
	f := newDemo(t)
	setClock(f, time.Date(2027, 3, 10, 9, 30, 0, 0, time.UTC))
	s := f.acme(t)
	p := acmeRetail(t, f)
	metric := p.Prices[0].Metric
	if _, err := s.UpdatePlan(ctx, p.ID, withPrice(p, metric, "2", "2027-05-01")); err != nil {
		t.Fatal(err)
	}
	before := f.snapshot(t)
	for _, tc := range []struct{ name, from, want string }{
		{"BeforeTheScheduledVersion", "2027-04-01", "already scheduled from 2027-05-01"},
		{"Yesterday", "2027-03-09", "Choose today or a later date"},
		{"PastTimestamp", "2027-03-10T09:00:00Z", "Choose today or a later date"},
		{"NotADate", "next week", "YYYY-MM-DD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.UpdatePlan(ctx, p.ID, withPrice(p, metric, "3", tc.from))
			wantField(t, err, tenantry.EINVALID, "effective_from")
			if msg := tenantry.AsError(err).Fields["effective_from"]; !strings.Contains(msg, tc.want) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.want)
			}
			f.assertUnchanged(t, before)
		})
	}
	t.Run("SameDateReplacesTheScheduledVersion", func(t *testing.T) {
		if _, err := s.UpdatePlan(ctx, p.ID, withPrice(p, metric, "4", "2027-05-01")); err != nil {
			t.Fatal(err)
		}
		versions, _ := s.PlanPriceVersions(ctx, p.ID)
		if len(versions) != 2 || mustPrice(t, &versions[1], metric) != "4.000000" {
			t.Errorf("versions = %+v, want the scheduled one replaced by 4", versions)
		}
	})
	t.Run("CancelScheduled", func(t *testing.T) {
		versions, _ := s.PlanPriceVersions(ctx, p.ID)
		wantKind(t, s.CancelPlanPrices(ctx, p.ID, versions[0].ID), tenantry.ECONFLICT)
		if err := s.CancelPlanPrices(ctx, p.ID, versions[1].ID); err != nil {
			t.Fatal(err)
		}
		if versions, _ := s.PlanPriceVersions(ctx, p.ID); len(versions) != 1 {
			t.Errorf("versions after cancelling = %d, want 1", len(versions))
		}
		// with nothing scheduled, a change from today is accepted again
		if _, err := s.UpdatePlan(ctx, p.ID, withPrice(p, metric, "3", "")); err != nil {
			t.Errorf("change from now after cancelling: %v", err)
		}
	})
}

func TestUpdatePlanCurrencyOfPlanInUse(t *testing.T) {
	f := newDemo(t)
	p := acmeRetail(t, f)
	in := withPrice(p, p.Prices[0].Metric, p.Prices[0].UnitPrice.Fixed(6), "")
	in.Currency = "EUR"
	before := f.snapshot(t)
	_, err := f.acme(t).UpdatePlan(context.Background(), p.ID, in)
	wantField(t, err, tenantry.EINVALID, "currency")
	f.assertUnchanged(t, before)
}

func TestCreatePlanRefusesEffectiveFrom(t *testing.T) {
	f := newDemo(t)
	_, err := f.acme(t).CreatePlan(context.Background(), f.id(t, "Acme Hosting"), tenantry.PlanInput{Name: "Later", Currency: "USD",
		Audience: tenantry.AudienceCustomers, EffectiveFrom: "2030-01-01"})
	wantField(t, err, tenantry.EINVALID, "effective_from")
}

func TestCopyPlanCopiesCurrentPrices(t *testing.T) {
	ctx := context.Background()
	f := newDemo(t)
	setClock(f, time.Date(2027, 3, 10, 9, 30, 0, 0, time.UTC))
	s := f.acme(t)
	p := acmeRetail(t, f)
	metric := p.Prices[0].Metric
	if _, err := s.UpdatePlan(ctx, p.ID, withPrice(p, metric, "7", "2027-04-01")); err != nil {
		t.Fatal(err)
	}
	cp, err := s.CopyPlan(ctx, p.ID, "Acme Retail copy")
	if err != nil {
		t.Fatal(err)
	}
	if !tenantry.SamePrices(cp.Prices, p.Prices) {
		t.Errorf("copy's prices = %v, want the current %v", cp.Prices, p.Prices)
	}
	versions, err := s.PlanPriceVersions(ctx, cp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 1 || !tenantry.SamePrices(versions[0].Prices, p.Prices) {
		t.Errorf("copy's versions = %+v, want one with the current prices (no scheduled change)", versions)
	}
}

// TestMigrationPriceVersions: migration 00015 turns each plan's prices
// into a first version in force since the plan was created.
func TestMigrationPriceVersions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	gp, err := goose.NewProvider(goose.DialectSQLite3, raw, mustSub(migrations, "migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gp.UpTo(ctx, 14); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, q := range []string{
		`INSERT INTO accounts (id, parent_id, kind, name, path, depth, status, created_at, updated_at)
			VALUES ('acc_p', NULL, 'provider', 'P', '/acc_p/', 0, 'active', 0, 0)`,
		`INSERT OR IGNORE INTO metrics (key, name, unit, created_at, updated_at) VALUES ('vcpu', 'vCPU', 'hour', 0, 0)`,
		`INSERT INTO plans (id, owner_id, name, currency, audience, markup_micro, status, created_at, updated_at)
			VALUES ('pln_a', 'acc_p', 'A', 'USD', 'customers', 0, 'active', ?, ?)`,
		`INSERT INTO plans (id, owner_id, name, currency, audience, markup_micro, status, created_at, updated_at)
			VALUES ('pln_empty', 'acc_p', 'Empty', 'USD', 'customers', 0, 'active', ?, ?)`,
		`INSERT INTO plan_prices (plan_id, metric_key, unit_price_micro) VALUES ('pln_a', 'vcpu', 12345)`,
	} {
		if _, err := raw.ExecContext(ctx, q, ms(created), ms(created)); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, path)
	for _, tc := range []struct {
		plan  string
		price string
	}{{"pln_a", "0.012345"}, {"pln_empty", ""}} {
		versions, err := priceVersions(ctx, db.read, tc.plan)
		if err != nil {
			t.Fatal(err)
		}
		if len(versions) != 1 || !versions[0].EffectiveFrom.Equal(created) {
			t.Fatalf("%s versions = %+v, want one from %s", tc.plan, versions, created)
		}
		got := ""
		if v, ok := versions[0].PriceOf("vcpu"); ok {
			got = v.Fixed(6)
		}
		if got != tc.price {
			t.Errorf("%s vcpu = %q, want %q", tc.plan, got, tc.price)
		}
	}
}

// An API client that PUTs back what GET answered (the prices in force now,
// no date) leaves a scheduled change alone.
func TestUpdatePlanCurrentPricesWithoutDateKeepSchedule(t *testing.T) {
	ctx := context.Background()
	f := newDemo(t)
	setClock(f, time.Date(2027, 3, 10, 9, 30, 0, 0, time.UTC))
	s := f.acme(t)
	p := acmeRetail(t, f)
	if _, err := s.UpdatePlan(ctx, p.ID, withPrice(p, p.Prices[0].Metric, "2", "2027-05-01")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdatePlan(ctx, p.ID, withPrice(p, p.Prices[0].Metric, p.Prices[0].UnitPrice.Fixed(6), "")); err != nil {
		t.Fatalf("current prices, no date: %v", err)
	}
	versions, _ := s.PlanPriceVersions(ctx, p.ID)
	if len(versions) != 2 || mustPrice(t, &versions[1], p.Prices[0].Metric) != "2.000000" {
		t.Errorf("versions = %+v, want the scheduled change kept", versions)
	}
}
