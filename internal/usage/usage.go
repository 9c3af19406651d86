// Package usage holds the rules of the usage fact log: what a record is,
// how a resource's running time becomes records, how a record is checked
// before it is kept, and how records spread over the days of the daily
// rollup. No SQL and no HTTP: the store calls these inside its
// transactions.
package usage

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/money"
)

// Sources of a usage record.
const (
	SourceLifecycle = "lifecycle"
	SourceAPI       = "api"
	SourceImport    = "import"
)

// Interval is a half-open span of time [Start, End).
type Interval struct {
	Start, End time.Time
}

// MonthStart returns the first instant of t's calendar month, in UTC.
func MonthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// SplitMonths cuts [start, end) at every calendar-month boundary (UTC),
// so that each piece lies in one month and bills in that month's period.
// An empty or inverted span gives nothing.
func SplitMonths(start, end time.Time) []Interval {
	var out []Interval
	for start.Before(end) {
		next := MonthStart(start).AddDate(0, 1, 0)
		if !next.Before(end) {
			next = end
		}
		out = append(out, Interval{Start: start, End: next})
		start = next
	}
	return out
}

// Second truncates t to the whole second, in UTC: metering is exact to the
// second, so a lifecycle interval starts and ends on one.
func Second(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// Hours is the quantity of an interval metered per hour (servers, IPs),
// scaled by size for a per-GB-hour metric (volumes; size 1 otherwise), in
// millionths, rounded half away from zero once.
func Hours(span time.Duration, size int64) money.Micro {
	if span <= 0 || size <= 0 {
		return 0
	}
	msec := span.Milliseconds()
	// micro-hours = ms × 10⁶ / 3.6×10⁶ = ms × 10 / 36; +18 rounds half up
	return money.Micro((msec*10*size + 18) / 36)
}

// Day is a calendar day (UTC) as days since 1970-01-01: the key of the
// daily rollup.
type Day int64

// DayOf returns the day t falls on.
func DayOf(t time.Time) Day { return Day(floorDiv(t.UnixMilli(), msPerDay)) }

// Time returns the first instant of the day.
func (d Day) Time() time.Time { return time.UnixMilli(int64(d) * msPerDay).UTC() }

const msPerDay = 24 * 60 * 60 * 1000

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// DayQuantity is the part of a record's quantity that falls on one day.
type DayQuantity struct {
	Day      Day
	Quantity money.Micro
}

// SpreadDaily shares a record's quantity between the days its span
// covers, in proportion to the time on each day, so that a chart by day
// reads true while the parts add up exactly to the quantity: each day
// gets the floor of its share and the last day what remains. A record
// within one day is one part.
func SpreadDaily(start, end time.Time, q money.Micro) []DayQuantity {
	first, last := DayOf(start), DayOf(end.Add(-time.Millisecond))
	if !start.Before(end) || first == last {
		return []DayQuantity{{Day: first, Quantity: q}}
	}
	total := end.UnixMilli() - start.UnixMilli()
	out := make([]DayQuantity, 0, last-first+1)
	var given money.Micro
	for d := first; d <= last; d++ {
		if d == last {
			out = append(out, DayQuantity{Day: d, Quantity: q - given})
			break
		}
		from := max(start.UnixMilli(), int64(d)*msPerDay)
		to := min(end.UnixMilli(), int64(d+1)*msPerDay)
		part := mulDiv(int64(q), to-from, total)
		given += money.Micro(part)
		out = append(out, DayQuantity{Day: d, Quantity: money.Micro(part)})
	}
	return out
}

// mulDiv returns floor(a × b / c) for non-negative a, b and positive c
// without overflowing when a × b does not fit in 64 bits.
func mulDiv(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	// b ≤ c, so the quotient fits in 64 bits
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(q)
}

// Hash is the content of a record that its idempotency key stands for:
// the same key with another hash is a conflict, not a duplicate.
func Hash(infraID, metric string, q money.Micro, start, end time.Time) []byte {
	h := sha256.New()
	var b [8]byte
	for _, s := range []string{infraID, metric} {
		binary.BigEndian.PutUint64(b[:], uint64(len(s)))
		h.Write(b[:])
		h.Write([]byte(s))
	}
	for _, v := range []int64{int64(q), start.UnixMilli(), end.UnixMilli()} {
		binary.BigEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	return h.Sum(nil)[:16]
}

// Input is a record offered to the log by the API or an import file.
type Input struct {
	InfrastructureID string
	Metric           string
	Quantity         money.Micro
	Start, End       time.Time
	Key              string
}

// MaxBatch is how many records one request or one import chunk may carry.
const MaxBatch = 10000

// MaxKey bounds an idempotency key, in bytes.
const MaxKey = 200

// FutureSlack is how far past now a record may end: clocks drift.
const FutureSlack = 5 * time.Minute

// Rejection codes, per record.
const (
	CodeInvalid       = "invalid"
	CodeUnknownMetric = "unknown_metric"
	CodeNotFound      = "not_found"
	CodeConflict      = "conflict"
)

// Rejection says why one record of a batch was not kept.
type Rejection struct {
	Index   int    `json:"index"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Result is what became of a batch: records kept, records already kept
// under the same key and content, and the others.
type Result struct {
	Accepted   int         `json:"accepted"`
	Duplicates int         `json:"duplicates"`
	Rejected   []Rejection `json:"rejected"`
}

// Reject records that the record at index was refused.
func (r *Result) Reject(index int, code, message string) {
	r.Rejected = append(r.Rejected, Rejection{Index: index, Code: code, Message: message})
}

// Check validates a record on its own, before anything is looked up: its
// key, period and metric. known reports whether a metric is in the
// catalogue. It returns a rejection code and message, or "" when the record
// may go on.
func (in *Input) Check(known func(string) bool, now time.Time) (code, message string) {
	switch {
	case strings.TrimSpace(in.Key) == "":
		return CodeInvalid, "idempotency_key is required: it is what makes a retry safe."
	case len(in.Key) > MaxKey:
		return CodeInvalid, "idempotency_key is longer than 200 bytes."
	case in.InfrastructureID == "":
		return CodeInvalid, "infrastructure_id is required."
	case in.Metric == "":
		return CodeInvalid, "metric is required."
	case !known(in.Metric):
		return CodeUnknownMetric, "There is no metric " + Quote(in.Metric) + " in the catalogue."
	case in.Start.IsZero() || in.End.IsZero():
		return CodeInvalid, "start and end are required, as RFC 3339 times."
	case !in.Start.Before(in.End):
		return CodeInvalid, "start must be before end."
	case in.End.After(now.Add(FutureSlack)):
		return CodeInvalid, "end lies in the future: usage is recorded once it has happened."
	case MonthStart(in.Start) != MonthStart(in.End.Add(-time.Millisecond)):
		return CodeInvalid, "start and end must lie in one calendar month (UTC): split the record at the month boundary."
	}
	return "", ""
}

// Quote puts a value a caller sent into a message, cut to 64 bytes.
func Quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.Quote(s)
}

// Later returns the later of two times.
func Later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Earlier returns the earlier of two times.
func Earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
