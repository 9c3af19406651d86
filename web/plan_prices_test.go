package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// retailForm is the editor's form for Acme Retail with instance.small at
// price, taking effect from.
func retailForm(t *testing.T, f *fixture, id, price, from string) url.Values {
	t.Helper()
	p, err := f.scope("acme.localhost", "admin@acme.example").Plan(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"name": {p.Name}, "currency": {p.Currency}, "audience": {p.Audience},
		"markup_percent": {p.MarkupPercent.String()}, "effective_from": {from}}
	for _, pr := range p.Prices {
		form.Set("prices."+pr.Metric, pr.UnitPrice.Fixed(6))
	}
	form.Set("prices.instance.small", price)
	return form
}

func TestPlanPriceChangeFromDate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Retail")
	usage, err := f.scope("acme.localhost", "admin@acme.example").PlanUsage(ctx, f.accountID("Acme Hosting"))
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	page := "/reseller/plans/" + id

	r := b.get(page)
	warning, _ := byTestID(r.body, "plan-accounts-warning")
	if want := fmt.Sprintf("%d accounts are on this plan; the new prices apply to their usage from the date you choose.", usage[id]); warning != want {
		t.Errorf("warning = %q, want %q", warning, want)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	if !strings.Contains(r.body, `name="effective_from" value="`+today+`"`) && !strings.Contains(r.body, `value="`+today+`"`) {
		t.Errorf("the effective date does not default to today (%s)", today)
	}

	later := time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly)
	r = b.submit(page, page, retailForm(t, f, id, "0.0305", later))
	if r.Code != http.StatusSeeOther {
		t.Fatalf("schedule = %d: %s", r.Code, excerpt(r.body))
	}
	r = b.get(page)
	if !strings.Contains(r.body, "The new prices take effect on") {
		t.Error("the flash does not say when the new prices take effect")
	}
	for _, id := range []string{"plan-scheduled", "price-version-scheduled", "price-version-current", "cancel-scheduled"} {
		if _, ok := byTestID(r.body, id); !ok {
			t.Errorf("no %s on the plan page", id)
		}
	}
	if !strings.Contains(r.body, `value="0.030500"`) || !strings.Contains(r.body, `value="`+later+`"`) {
		t.Error("the form does not show the scheduled prices and their date")
	}
	cur, err := f.scope("acme.localhost", "admin@acme.example").Plan(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := cur.PriceOf("instance.small"); v.Fixed(6) == "0.030500" {
		t.Error("the scheduled price is already in force")
	}

	t.Run("EarlierDateRefused", func(t *testing.T) {
		r := b.submit(page, page, retailForm(t, f, id, "0.04", today))
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("earlier date = %d, want 422", r.Code)
		}
		if msg, _ := byTestID(r.body, "error-effective_from"); !strings.Contains(msg, "already scheduled from "+later) {
			t.Errorf("message = %q, want it to name the scheduled date %s", msg, later)
		}
		if !strings.Contains(r.body, `value="0.04"`) {
			t.Error("the input is not kept")
		}
	})
	t.Run("CancelScheduled", func(t *testing.T) {
		versions, err := f.scope("acme.localhost", "admin@acme.example").PlanPriceVersions(ctx, id)
		if err != nil || len(versions) != 2 {
			t.Fatalf("versions = %d %v, want 2", len(versions), err)
		}
		// another tenant cannot cancel it
		orbit := f.browser("orbit.localhost")
		orbit.login("admin@orbit.example")
		if r := orbit.submit("/reseller/plans", page, url.Values{"cancel_prices": {versions[1].ID}}); r.Code != http.StatusNotFound {
			t.Errorf("orbit cancelling acme's prices = %d, want 404", r.Code)
		}
		// an earlier version stays: it is history
		if r := b.submit(page, page, url.Values{"cancel_prices": {versions[0].ID}}); r.Code != http.StatusConflict {
			t.Errorf("cancelling the prices in force = %d, want 409", r.Code)
		}
		r := b.submit(page, page, url.Values{"cancel_prices": {versions[1].ID}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("cancel = %d: %s", r.Code, excerpt(r.body))
		}
		r = b.get(page)
		if _, ok := byTestID(r.body, "price-version-scheduled"); ok {
			t.Error("the cancelled prices are still scheduled")
		}
		if !strings.Contains(r.body, "The scheduled prices are cancelled") {
			t.Error("no flash after cancelling")
		}
	})
	t.Run("ForeignTenant", func(t *testing.T) {
		orbit := f.browser("orbit.localhost")
		orbit.login("admin@orbit.example")
		if r := orbit.get("/reseller/plans/" + id); r.Code != http.StatusNotFound {
			t.Errorf("orbit reading acme's plan = %d, want 404", r.Code)
		}
		if r := orbit.submit("/reseller/plans", "/reseller/plans/"+id, retailForm(t, f, id, "0", later)); r.Code != http.StatusNotFound {
			t.Errorf("orbit changing acme's prices = %d, want 404", r.Code)
		}
	})
}

type planVersionsBody struct {
	Prices []struct {
		Metric    string
		UnitPrice string `json:"unit_price"`
	}
	PricesFrom    string `json:"prices_from"`
	PriceVersions []struct {
		ID            string
		EffectiveFrom string `json:"effective_from"`
		Prices        []struct {
			Metric    string
			UnitPrice string `json:"unit_price"`
		}
	} `json:"price_versions"`
}

func (p planVersionsBody) price(metric string) string {
	for _, pr := range p.Prices {
		if pr.Metric == metric {
			return pr.UnitPrice
		}
	}
	return ""
}

func TestAPIPlanPriceVersions(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	id := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Retail")
	var before planVersionsBody
	decode(t, acme.api(http.MethodGet, "/api/v1/plans/"+id, token, nil), &before)
	if len(before.PriceVersions) != 1 || before.PricesFrom == "" || before.PriceVersions[0].EffectiveFrom != before.PricesFrom {
		t.Fatalf("before = %+v, want one version, in force since prices_from", before)
	}

	later := time.Now().UTC().AddDate(0, 0, 10).Format(time.DateOnly)
	r := acme.api(http.MethodPut, "/api/v1/plans/"+id, token, map[string]any{"effective_from": later,
		"prices": []map[string]string{{"metric": "instance.small", "unit_price": "0.5"}}})
	var got planVersionsBody
	decode(t, r, &got)
	if r.Code != http.StatusOK || len(got.PriceVersions) != 2 {
		t.Fatalf("scheduled PUT = %d %+v, want 200 with 2 versions", r.Code, got)
	}
	if got.price("instance.small") != before.price("instance.small") || got.PricesFrom != before.PricesFrom {
		t.Errorf("current prices = %+v from %s, want them unchanged until %s", got.Prices, got.PricesFrom, later)
	}
	if v := got.PriceVersions[1]; !strings.HasPrefix(v.EffectiveFrom, later+"T00:00:00") || len(v.Prices) != 1 || v.Prices[0].UnitPrice != "0.500000" {
		t.Errorf("scheduled version = %+v, want instance.small 0.5 from %s", v, later)
	}

	t.Run("PutWithoutPricesKeepsTheScheduledChange", func(t *testing.T) {
		r := acme.api(http.MethodPut, "/api/v1/plans/"+id, token, map[string]string{"name": "Acme Retail Renamed"})
		var p planVersionsBody
		decode(t, r, &p)
		if r.Code != http.StatusOK || len(p.PriceVersions) != 2 {
			t.Errorf("rename = %d %s, want 200 with the 2 versions kept", r.Code, r.body)
		}
	})
	t.Run("EchoOfGet", func(t *testing.T) {
		var raw map[string]any
		g := acme.api(http.MethodGet, "/api/v1/plans/"+id, token, nil)
		if err := json.Unmarshal([]byte(g.body), &raw); err != nil {
			t.Fatal(err)
		}
		if r := acme.api(http.MethodPut, "/api/v1/plans/"+id, token, raw); r.Code != http.StatusOK {
			t.Errorf("PUT of what GET answered = %d %s", r.Code, r.body)
		}
	})
	t.Run("EarlierThanScheduled", func(t *testing.T) {
		r := acme.api(http.MethodPut, "/api/v1/plans/"+id, token, map[string]any{
			"prices": []map[string]string{{"metric": "instance.small", "unit_price": "0.6"}}})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(e.Error.Fields["effective_from"], later) {
			t.Errorf("change from now before the scheduled one = %d %v, want 422 on effective_from", r.Code, e.Error.Fields)
		}
	})
	t.Run("Past", func(t *testing.T) {
		r := acme.api(http.MethodPut, "/api/v1/plans/"+id, token, map[string]any{"effective_from": "2020-01-01",
			"prices": []map[string]string{{"metric": "instance.small", "unit_price": "0.6"}}})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["effective_from"] == "" {
			t.Errorf("a date in the past = %d %v, want 422 on effective_from", r.Code, e.Error.Fields)
		}
	})
	t.Run("ForeignTenant", func(t *testing.T) {
		orbit := f.browser("orbit.localhost")
		r := orbit.api(http.MethodPut, "/api/v1/plans/"+id, orbit.token("admin@orbit.example"), map[string]any{"effective_from": later,
			"prices": []map[string]string{{"metric": "instance.small", "unit_price": "0"}}})
		if r.Code != http.StatusNotFound {
			t.Errorf("orbit scheduling acme's prices = %d, want 404", r.Code)
		}
	})
}
