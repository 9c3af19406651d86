package web

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
	"github.com/tenantry/tenantry/store"
)

// The API of resources and usage (API.md "Infrastructures and usage"):
// resources and their lifecycle, an infrastructure's usage records, and
// usage ingestion. Quantities are decimal strings with six places, as
// unit prices are.

// quantityJSON is a quantity of one metric.
type quantityJSON struct {
	Metric   string `json:"metric"`
	Quantity string `json:"quantity"`
}

// resourceJSON is a resource as the API shows it; size_gb only for a
// volume.
type resourceJSON struct {
	ID               string         `json:"id"`
	InfrastructureID string         `json:"infrastructure_id"`
	Type             string         `json:"type"`
	Name             string         `json:"name"`
	Metric           string         `json:"metric"`
	SizeGB           *int64         `json:"size_gb,omitempty"`
	State            string         `json:"state"`
	CreatedAt        string         `json:"created_at"`
	UsedThisMonth    []quantityJSON `json:"used_this_month"`
}

func toResourceJSON(r *tenantry.Resource) resourceJSON {
	out := resourceJSON{ID: r.ID, InfrastructureID: r.InfrastructureID, Type: r.Type, Name: r.Name, Metric: r.Metric,
		State: r.State, CreatedAt: r.CreatedAt.Format(time.RFC3339), UsedThisMonth: []quantityJSON{}}
	if r.Type == tenantry.ResourceVolume {
		size := r.SizeGB
		out.SizeGB = &size
	}
	for _, q := range r.UsedThisMonth {
		out.UsedThisMonth = append(out.UsedThisMonth, quantityJSON{Metric: q.Metric, Quantity: q.Quantity.Fixed(money.Places)})
	}
	return out
}

// apiListResources lists an infrastructure's live resources. They are
// few: the store reads them all, and the cursor is the id of the last one
// given, as for cost centers.
func (s *Server) apiListResources(c echo.Context) error {
	limit, cursor, err := listParams(c)
	if err != nil {
		return err
	}
	list, err := s.scope(c).Resources(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	start := 0
	if cursor != "" {
		i := slices.IndexFunc(list, func(r tenantry.Resource) bool { return r.ID == cursor })
		if i < 0 {
			return tenantry.Invalid(map[string]string{"cursor": "This cursor is not valid."})
		}
		start = i + 1
	}
	end, next := min(start+limit, len(list)), ""
	if end < len(list) {
		next = list[end-1].ID
	}
	items := make([]resourceJSON, 0, end-start)
	for i := start; i < end; i++ {
		items = append(items, toResourceJSON(&list[i]))
	}
	if c.QueryParam("format") == "csv" {
		rows := make([][]string, len(items))
		for i, r := range items {
			size := ""
			if r.SizeGB != nil {
				size = strconv.FormatInt(*r.SizeGB, 10)
			}
			var used []string
			for _, q := range r.UsedThisMonth {
				used = append(used, q.Metric+"="+q.Quantity)
			}
			rows[i] = []string{r.ID, r.InfrastructureID, r.Type, csvSafe(r.Name), r.Metric, size, r.State, r.CreatedAt,
				strings.Join(used, " ")}
		}
		return writeCSV(c, []string{"id", "infrastructure_id", "type", "name", "metric", "size_gb", "state", "created_at",
			"used_this_month"}, rows)
	}
	return listJSON(c, items, next)
}

func (s *Server) apiCreateResource(c echo.Context) error {
	var in tenantry.NewResource
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.scope(c).CreateResource(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	// the answer carries this month's usage, as every resource answer does
	if r, err = s.scope(c).Resource(c.Request().Context(), r.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toResourceJSON(r))
}

func (s *Server) apiGetResource(c echo.Context) error {
	r, err := s.scope(c).Resource(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toResourceJSON(r))
}

func (s *Server) apiStartResource(c echo.Context) error {
	r, err := s.scope(c).StartResource(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toResourceJSON(r))
}

func (s *Server) apiStopResource(c echo.Context) error {
	r, err := s.scope(c).StopResource(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toResourceJSON(r))
}

func (s *Server) apiResizeResource(c echo.Context) error {
	var in tenantry.ResourceResize
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.scope(c).ResizeResource(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toResourceJSON(r))
}

func (s *Server) apiDeleteResource(c echo.Context) error {
	if err := s.scope(c).DeleteResource(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// usageAt is how usage times read: RFC 3339 in UTC, with as many
// fractional digits as the millisecond the store keeps needs.
const usageAt = time.RFC3339Nano

// usageRecordJSON is one of an infrastructure's usage records. A running
// resource's open interval has "end": null, "open": true, its quantity up
// to "as_of" (now), and an id of its own making ("open:<resource>:<month>")
// that no stored record can have.
type usageRecordJSON struct {
	ID             string  `json:"id"`
	Metric         string  `json:"metric"`
	Quantity       string  `json:"quantity"`
	Start          string  `json:"start"`
	End            *string `json:"end"`
	Source         string  `json:"source"`
	IdempotencyKey string  `json:"idempotency_key,omitempty"`
	ReceivedAt     *string `json:"received_at"`
	ResourceID     *string `json:"resource_id"`
	ResourceName   string  `json:"resource_name,omitempty"`
	Open           bool    `json:"open,omitempty"`
	AsOf           string  `json:"as_of,omitempty"`
}

func toUsageRecordJSON(u *store.UsageRecord) usageRecordJSON {
	out := usageRecordJSON{ID: u.ID, Metric: u.Metric, Quantity: u.Quantity.Fixed(money.Places), Start: u.Start.Format(usageAt),
		Source: u.Source, IdempotencyKey: u.Key, ResourceName: u.ResourceName}
	if u.ResourceID != "" {
		id := u.ResourceID
		out.ResourceID = &id
	}
	if u.Open {
		out.ID = "open:" + u.ResourceID + ":" + u.Start.Format("2006-01")
		out.Open, out.AsOf = true, u.End.Format(usageAt)
		return out
	}
	end, received := u.End.Format(usageAt), u.ReceivedAt.Format(usageAt)
	out.End, out.ReceivedAt = &end, &received
	return out
}

// usageCSVHeader is the header row of a usage export.
var usageCSVHeader = []string{"id", "metric", "quantity", "start", "end", "source", "idempotency_key", "received_at",
	"resource_id", "resource_name", "open"}

func usageCSVRow(u *store.UsageRecord) []string {
	j := toUsageRecordJSON(u)
	end, received, resource := j.AsOf, "", ""
	if j.End != nil {
		end = *j.End
	}
	if j.ReceivedAt != nil {
		received = *j.ReceivedAt
	}
	if j.ResourceID != nil {
		resource = *j.ResourceID
	}
	return []string{j.ID, j.Metric, j.Quantity, j.Start, end, j.Source, csvSafe(j.IdempotencyKey), received, resource,
		csvSafe(j.ResourceName), strconv.FormatBool(j.Open)}
}

// parsePeriodBound reads a bound of a period: an RFC 3339 time, a date
// (YYYY-MM-DD, UTC) or a month (YYYY-MM). A date or month taken as the end
// of a period includes that whole day or month: the bound is the start of
// the next one, since the store's bounds are exclusive at the end.
func parsePeriodBound(v string, end bool) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, true
	}
	if m, err := time.Parse("2006-01", v); err == nil {
		if end {
			m = m.AddDate(0, 1, 0)
		}
		return m, true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t.UTC(), err == nil
}

// usageFilter reads ?from=&to=&metric= of a usage list.
func (s *Server) usageFilter(c echo.Context) (store.UsageFilter, error) {
	q := c.QueryParams()
	var f store.UsageFilter
	fields := map[string]string{}
	var ok bool
	const want = "Use a month (YYYY-MM), a date (YYYY-MM-DD) or an RFC 3339 time."
	if f.From, ok = parsePeriodBound(q.Get("from"), false); !ok {
		fields["from"] = want
	}
	if f.To, ok = parsePeriodBound(q.Get("to"), true); !ok {
		fields["to"] = want
	}
	if len(fields) == 0 && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		fields["to"] = "The end of the period must come after its start."
	}
	if f.Metric = strings.TrimSpace(q.Get("metric")); f.Metric != "" {
		catalogue, err := s.db.Metrics(c.Request().Context())
		if err != nil {
			return f, err
		}
		if !slices.ContainsFunc(catalogue, func(m tenantry.Metric) bool { return m.Key == f.Metric }) {
			fields["metric"] = "There is no such metric in the catalogue."
		}
	}
	if len(fields) > 0 {
		return f, tenantry.Invalid(fields)
	}
	return f, nil
}

// apiInfraUsage lists an infrastructure's usage records, newest first,
// the running resources' open intervals first on the first page. The CSV
// answer holds every page.
func (s *Server) apiInfraUsage(c echo.Context) error {
	limit, cursor, err := listParams(c)
	if err != nil {
		return err
	}
	f, err := s.usageFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sc := s.scope(c)
	id := c.Param("id")
	f.Cursor, f.Limit = cursor, limit
	if c.QueryParam("format") == "csv" {
		f.Limit = exportPage
	}
	page, err := sc.InfraUsage(ctx, id, f)
	if err != nil {
		return err
	}
	if c.QueryParam("format") == "csv" {
		var rows iter.Seq2[[]string, error] = func(yield func([]string, error) bool) {
			for {
				for i := range page.Items {
					if !yield(usageCSVRow(&page.Items[i]), nil) {
						return
					}
				}
				if page.NextCursor == "" {
					return
				}
				f.Cursor = page.NextCursor
				if page, err = sc.InfraUsage(ctx, id, f); err != nil {
					yield(nil, err) // the response has started: the error handler logs it
					return
				}
			}
		}
		return streamCSV(c, "usage-"+id+".csv", usageCSVHeader, rows)
	}
	items := make([]usageRecordJSON, len(page.Items))
	for i := range page.Items {
		items[i] = toUsageRecordJSON(&page.Items[i])
	}
	return listJSON(c, items, page.NextCursor)
}

// usageBatchLimit is the body limit of POST /usage: 10,000 records of a
// few hundred bytes each, with room to spare. Every other API route keeps
// 1 MiB.
const usageBatchLimit = "16M"

// apiIngestUsage takes a batch of usage records (API.md "POST /usage").
// The answer is 200 whenever the batch itself is well-formed: each
// record's fate is in it.
func (s *Server) apiIngestUsage(c echo.Context) error {
	req := c.Request()
	buf := bytes.NewBuffer(make([]byte, 0, max(0, min(req.ContentLength, 16<<20))+bytes.MinRead))
	if _, err := buf.ReadFrom(req.Body); err != nil {
		if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		return errMalformed("The body could not be read.")
	}
	recs, err := readUsageBatch(buf.Bytes())
	if err != nil {
		return err
	}
	if len(recs) > usage.MaxBatch {
		return writeAPIError(c, http.StatusRequestEntityTooLarge, &tenantry.Error{Kind: "too_large", Code: "too_many_records",
			Message: fmt.Sprintf("A batch holds at most %d records; this one has %d: send it in smaller batches. Nothing was stored.",
				usage.MaxBatch, len(recs))})
	}
	// records that cannot even be read are rejected here; the others go to
	// the store, which reports by their index among those it got
	valid := make([]usage.Input, 0, len(recs))
	index := make([]int, 0, len(recs))
	var early []usage.Rejection
	for i := range recs {
		if recs[i].msg != "" {
			early = append(early, usage.Rejection{Index: i, Code: usage.CodeInvalid, Message: recs[i].msg})
			continue
		}
		valid = append(valid, recs[i].in)
		index = append(index, i)
	}
	res, err := s.scope(c).IngestUsage(c.Request().Context(), usage.SourceAPI, valid)
	if err != nil {
		return err
	}
	for i := range res.Rejected {
		res.Rejected[i].Index = index[res.Rejected[i].Index]
	}
	if len(early) > 0 {
		res.Rejected = append(res.Rejected, early...)
		slices.SortFunc(res.Rejected, func(a, b usage.Rejection) int { return a.Index - b.Index })
	}
	if res.Rejected == nil {
		res.Rejected = []usage.Rejection{}
	}
	return c.JSON(http.StatusOK, res)
}
