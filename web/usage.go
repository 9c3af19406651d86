package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/app"
	"github.com/tenantry/tenantry/views/components"
)

// An infrastructure's usage page: its usage records (lifecycle, API and
// imports alike), filtered by period and metric, paged, and as CSV. It is
// what a billing user reads per infrastructure (MetalCloud's utilization
// report); anyone who may view the infrastructure may read it.

// usageQuery is the page's filter as asked for, and what it means.
type usageQuery struct {
	Month, From, To, Metric string
	Filter                  store.UsageFilter
	Errors                  map[string]string
}

// readUsageQuery reads the filter. A month (YYYY-MM) is that calendar
// month, UTC; from and to (YYYY-MM-DD, both included) narrow or replace
// it. Without any of them, as on the first visit, it is the current
// month; the form submitted with all three empty is all time.
func (s *Server) readUsageQuery(q url.Values) usageQuery {
	u := usageQuery{Month: strings.TrimSpace(q.Get("month")), From: strings.TrimSpace(q.Get("from")),
		To: strings.TrimSpace(q.Get("to")), Metric: strings.TrimSpace(q.Get("metric")), Errors: map[string]string{}}
	if !q.Has("month") && !q.Has("from") && !q.Has("to") {
		u.Month = usage.MonthStart(s.db.Now()).Format("2006-01")
	}
	f := &u.Filter
	f.Metric = u.Metric
	if u.Month != "" {
		m, err := time.Parse("2006-01", u.Month)
		if err != nil {
			u.Errors["month"] = "Give a month as YYYY-MM, such as 2026-11."
		} else {
			f.From, f.To = m, m.AddDate(0, 1, 0)
		}
	}
	if u.From != "" {
		d, err := time.Parse(time.DateOnly, u.From)
		if err != nil {
			u.Errors["from"] = "Give a date as YYYY-MM-DD."
		} else if f.From.IsZero() || d.After(f.From) {
			f.From = d
		}
	}
	if u.To != "" {
		d, err := time.Parse(time.DateOnly, u.To)
		if err != nil {
			u.Errors["to"] = "Give a date as YYYY-MM-DD."
		} else if d = d.AddDate(0, 0, 1); f.To.IsZero() || d.Before(f.To) {
			f.To = d
		}
	}
	if len(u.Errors) == 0 && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		u.Errors["to"] = "The period ends before it starts: choose a later end, or another month."
	}
	return u
}

// usagePageSize is how many records the page shows, usageExportPage how
// many the export reads per query.
const (
	usagePageSize   = 50
	usageExportPage = 1000
)

func (h reachedPages) usage(c echo.Context) error {
	ctx := c.Request().Context()
	in, owner, err := h.load(c)
	if err != nil {
		return err
	}
	sc := h.s.scope(c)
	q := c.QueryParams()
	uq := h.s.readUsageQuery(q)
	catalogue, err := h.s.db.Metrics(ctx)
	if err != nil {
		return err
	}
	if uq.Metric != "" && !knownMetric(catalogue, uq.Metric) {
		uq.Errors["metric"] = "This metric is not in the catalogue."
	}
	if c.QueryParam("format") == "csv" {
		if len(uq.Errors) > 0 {
			return tenantry.Invalid(uq.Errors)
		}
		return h.usageCSV(c, in, uq.Filter)
	}
	path := "/infrastructures/" + in.ID + "/usage"
	vm := app.UsageVM{Panel: profilePanel(c), Infra: *in, Owner: owner.Name, Path: path, Month: uq.Month, From: uq.From, To: uq.To,
		Metric: uq.Metric, Errors: uq.Errors, BackURL: "/infrastructures/" + in.ID}
	vm.Metrics = append(vm.Metrics, components.Option{Value: "", Label: "All metrics"})
	units := map[string]string{}
	for _, m := range catalogue {
		units[m.Key] = m.Unit
		vm.Metrics = append(vm.Metrics, components.Option{Value: m.Key, Label: m.Key})
	}
	status := http.StatusOK
	if len(uq.Errors) > 0 {
		status = http.StatusUnprocessableEntity
		return render(c, status, app.Usage(vm))
	}
	f := uq.Filter
	f.Cursor, f.Limit = q.Get("cursor"), usagePageSize
	page, err := sc.InfraUsage(ctx, in.ID, f)
	if err != nil {
		return err
	}
	for _, r := range page.Items {
		vm.Items = append(vm.Items, app.UsageRow{Record: r, Quantity: components.Quantity(r.Quantity, units[r.Metric])})
	}
	// totals over the same days: all time is from the epoch up to tomorrow
	from, to := f.From, f.To
	if from.IsZero() {
		from = time.Unix(0, 0).UTC()
	}
	if _, tomorrow := h.s.monthToDate(); to.IsZero() || to.After(tomorrow) {
		to = tomorrow
	}
	if from.Before(to) {
		totals, err := sc.UsageTotals(ctx, []string{in.ID}, from, to)
		if err != nil {
			return err
		}
		var list []tenantry.MetricQuantity
		for _, t := range quantities(totals) {
			if f.Metric == "" || t.Metric == f.Metric {
				list = append(list, t)
			}
		}
		vm.Totals = components.Figures(catalogue, list)
	}
	vm.NextURL, vm.PrevURL, vm.FirstURL = cursorPager(path, q, page.NextCursor)
	csv := url.Values{}
	for k, v := range q {
		csv[k] = v
	}
	csv.Del("cursor")
	csv.Del("back")
	if !q.Has("month") && !q.Has("from") && !q.Has("to") {
		csv.Set("month", uq.Month)
	}
	vm.CSVURL = withQuery(path, csv, "format", "csv")
	return render(c, status, app.Usage(vm))
}

func knownMetric(catalogue []tenantry.Metric, key string) bool {
	for _, m := range catalogue {
		if m.Key == key {
			return true
		}
	}
	return false
}

// usageHeader is the usage CSV's header row.
var usageHeader = []string{"id", "start", "end", "open", "resource_id", "resource", "metric", "quantity", "source",
	"idempotency_key", "received_at"}

// usageCSV streams every record of the filter, page by page.
func (h reachedPages) usageCSV(c echo.Context, in *tenantry.Infrastructure, f store.UsageFilter) error {
	ctx := c.Request().Context()
	sc := h.s.scope(c)
	f.Limit = usageExportPage
	page, err := sc.InfraUsage(ctx, in.ID, f)
	if err != nil {
		return err
	}
	rows := func(yield func([]string, error) bool) {
		for {
			for _, r := range page.Items {
				if !yield(usageRow(&r), nil) {
					return
				}
			}
			if page.NextCursor == "" {
				return
			}
			f.Cursor = page.NextCursor
			if page, err = sc.InfraUsage(ctx, in.ID, f); err != nil {
				yield(nil, err) // the response has started: the error handler logs it
				return
			}
		}
	}
	return streamCSV(c, "usage-"+in.ID+".csv", usageHeader, rows)
}

// usageRow is a record as a CSV row; an open interval has no id, no
// arrival time, and its end so far.
func usageRow(r *store.UsageRecord) []string {
	open, received := "false", ""
	if r.Open {
		open = "true"
	} else {
		received = r.ReceivedAt.UTC().Format(time.RFC3339)
	}
	return []string{r.ID, r.Start.UTC().Format(time.RFC3339), r.End.UTC().Format(time.RFC3339), open, r.ResourceID,
		csvSafe(r.ResourceName), csvSafe(r.Metric), r.Quantity.Fixed(6), r.Source, csvSafe(r.Key), received}
}
