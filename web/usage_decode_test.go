package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

func TestReadUsageRecord(t *testing.T) {
	start := time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, rec string
		want      usage.Input
		msg       string // a part of the rejection, "" when read
	}{
		{"Plain", `{"infrastructure_id":"inf_1","metric":"m.x","quantity":"2.5","start":"2026-11-19T10:00:00Z","end":"2026-11-19T11:00:00Z","idempotency_key":"k"}`,
			usage.Input{InfrastructureID: "inf_1", Metric: "m.x", Quantity: 2_500_000, Start: start, End: start.Add(time.Hour), Key: "k"}, ""},
		{"Spaced", " {\n\t\"quantity\" : 3 , \"metric\" :\"m\" }\r\n", usage.Input{Metric: "m", Quantity: 3_000_000}, ""},
		{"Escapes", `{"idempotency_key":"a\"b\\c\u00e9\n","metri\u0063":"m","quantity":"1"}`,
			usage.Input{Key: "a\"b\\c\u00e9\n", Metric: "m", Quantity: 1_000_000}, ""},
		{"Offset", `{"start":"2026-11-19T11:00:00.1234+01:00","quantity":0}`, usage.Input{Start: start.Add(123 * time.Millisecond)}, ""},
		{"Nulls", `{"metric":null,"start":null,"quantity":"0.000001"}`, usage.Input{Quantity: 1}, ""},
		{"LastWins", `{"metric":"a","metric":"b","quantity":1}`, usage.Input{Metric: "b", Quantity: 1_000_000}, ""},
		{"NumberText", `{"quantity":0.1}`, usage.Input{Quantity: 100_000}, ""},
		{"Empty", `{}`, usage.Input{}, "quantity is required"},
		{"NullQuantity", `{"quantity":null}`, usage.Input{}, "quantity is required"},
		{"NotObject", `null`, usage.Input{}, "JSON object"},
		{"List", `[{"quantity":1}]`, usage.Input{}, "JSON object"},
		{"String", `"x"`, usage.Input{}, "JSON object"},
		{"Unknown", `{"quantity":1,"unit":"GB"}`, usage.Input{}, `"unit"`},
		{"CaseMatters", `{"Quantity":1}`, usage.Input{}, `"Quantity"`},
		{"NestedMetric", `{"metric":{"a":"}"},"quantity":1}`, usage.Input{}, "metric must be a string"},
		{"BoolKey", `{"idempotency_key":true,"quantity":1}`, usage.Input{}, "idempotency_key must be a string"},
		{"ListQuantity", `{"quantity":[1]}`, usage.Input{}, "decimal string or a number"},
		{"Exponent", `{"quantity":1e3}`, usage.Input{}, "no exponent"},
		{"ExponentString", `{"quantity":"1E3"}`, usage.Input{}, "no exponent"},
		{"Negative", `{"quantity":-1}`, usage.Input{}, "zero or more"},
		{"Precise", `{"quantity":"0.0000001"}`, usage.Input{}, "6 decimal"},
		{"Huge", `{"quantity":"99999999999"}`, usage.Input{}, "too large"},
		{"BadTime", `{"quantity":1,"end":"2026-11-19 10:00"}`, usage.Input{}, "RFC 3339"},
		{"NumberTime", `{"quantity":1,"start":1700000000}`, usage.Input{}, "start must be a string"},
	} {
		t.Run(c.name, func(t *testing.T) {
			recs, err := readUsageBatch([]byte(`{"records":[` + c.rec + `]}`))
			if err != nil || len(recs) != 1 {
				t.Fatalf("batch of one = %+v, %v", recs, err)
			}
			got, msg := recs[0].in, recs[0].msg
			if c.msg == "" {
				if msg != "" || got != c.want {
					t.Errorf("= %+v %q, want %+v", got, msg, c.want)
				}
				return
			}
			if !strings.Contains(msg, c.msg) {
				t.Errorf("message = %q, want it to mention %s", msg, c.msg)
			}
		})
	}
}

// FuzzParseQuantity: the fast path reads exactly what money.Parse reads,
// and refuses what it refuses.
func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"0", "1", "2.5", "0.000001", "0.0000001", "123456789.123456", "1234567890", "9223372036.854775",
		"007", "1.", ".5", "-1", "+1", "1e3", "", " 1", "1.2.3", "١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotErr := parseQuantity(s)
		want, wantErr := money.Parse(s)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("parseQuantity(%q) = %d, %v; money.Parse = %d, %v", s, got, gotErr, want, wantErr)
		}
	})
}

func TestReadUsageBatch(t *testing.T) {
	for _, c := range []struct {
		name, body string
		n          int    // records, when read
		kind       string // the error's kind otherwise
		field      string
	}{
		{"Empty", `{"records":[]}`, 0, "", ""},
		{"Two", ` {"records" : [ {"quantity":1} , 7 ] } `, 2, "", ""},
		{"LastWins", `{"records":[{},{}],"records":[{}]}`, 1, "", ""},
		{"NoRecords", `{}`, 0, tenantry.EINVALID, "records"},
		{"NullRecords", `{"records":null}`, 0, tenantry.EINVALID, "records"},
		{"NotAList", `{"records":{"a":1}}`, 0, tenantry.EINVALID, "records"},
		{"Unknown", `{"records":[],"batch":{"id":[1]}}`, 0, tenantry.EINVALID, "batch"},
		{"List", `[{"records":[]}]`, 0, tenantry.EMALFORMED, ""},
		{"Nothing", ``, 0, tenantry.EMALFORMED, ""},
		{"Truncated", `{"records":[{"quantity":1}`, 0, tenantry.EMALFORMED, ""},
		{"BadInRecord", `{"records":[{"quantity":01}]}`, 0, tenantry.EMALFORMED, ""},
		{"BadAfterReason", `{"records":[{"unit":1,"quantity":tru}]}`, 0, tenantry.EMALFORMED, ""},
		{"Trailing", `{"records":[]} {}`, 0, tenantry.EMALFORMED, ""},
		{"BadEscape", `{"records":[{"metric":"\x"}]}`, 0, tenantry.EMALFORMED, ""},
		{"ControlChar", "{\"records\":[{\"metric\":\"a\tb\"}]}", 0, tenantry.EMALFORMED, ""},
		{"Deep", `{"records":[{"metric":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}]}`, 0, tenantry.EMALFORMED, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			recs, err := readUsageBatch([]byte(c.body))
			e := tenantry.AsError(err)
			switch {
			case c.kind == "" && (err != nil || len(recs) != c.n):
				t.Errorf("= %d records, %v; want %d", len(recs), err, c.n)
			case c.kind != "" && (e == nil || e.Kind != c.kind || (c.field != "" && e.Fields[c.field] == "")):
				t.Errorf("= %v, want %s on %q", err, c.kind, c.field)
			}
		})
	}
}

// FuzzReadUsageBatch: the reader calls JSON malformed exactly when
// json.Valid does, reads a batch only when encoding/json reads it too (as
// {"records": [...]} with no other field), and agrees with it on every
// text field of a record it reads.
func FuzzReadUsageBatch(f *testing.F) {
	for _, s := range []string{`{"records":[{"metric":"a","quantity":"1"}]}`, `{"records":[{"idempotency_key":"\ud83d\ude00","quantity":2}]}`,
		`{"records":[{"metric":[1,{"a":"]"}],"quantity":1}]}`, `[]`, `{"records":[{"quantity":1,"infrastructure_id":"x\u0000"}]}`,
		"{\"records\":[{\"metric\":\"\xff\",\"quantity\":1}]}", `{"records":[1,"a",null,true,{"a":-0.5e+3}]}`, ` {"records":[]} `,
		`{"records":[{"start":"2026-11-19T10:00:00Z","quantity":1.25}]}`,
		`{"records":[{"metric":"\ud800\u0041","idempotency_key":"\udc00\ud83d","quantity":1}]}`, "{\"records\":[{\"m\xffetric\":\"a\",\"quantity\":1}]}",
		`{"records":[{"metric":"a","quantity":1,"metric":"b"}],"records":[]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		recs, err := readUsageBatch([]byte(s))
		e := tenantry.AsError(err)
		malformed := e != nil && e.Kind == tenantry.EMALFORMED && strings.Contains(e.Message, "not valid JSON")
		if malformed == json.Valid([]byte(s)) {
			t.Fatalf("%q: malformed %t, json.Valid %t (%v)", s, malformed, !malformed, err)
		}
		if err != nil {
			return
		}
		var ref struct {
			Records *[]json.RawMessage `json:"records"`
		}
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ref); err != nil || ref.Records == nil || len(*ref.Records) != len(recs) {
			t.Fatalf("%q: read %d records; encoding/json: %v", s, len(recs), err)
		}
		for i, raw := range *ref.Records {
			if recs[i].msg != "" {
				continue
			}
			var rec struct {
				InfrastructureID *string `json:"infrastructure_id"`
				Metric           *string `json:"metric"`
				Key              *string `json:"idempotency_key"`
			}
			if err := json.Unmarshal(raw, &rec); err != nil {
				t.Fatalf("%q: read record %d, which encoding/json refuses: %v", s, i, err)
			}
			in := recs[i].in
			for _, p := range []struct {
				got string
				ref *string
			}{{in.InfrastructureID, rec.InfrastructureID}, {in.Metric, rec.Metric}, {in.Key, rec.Key}} {
				want := ""
				if p.ref != nil {
					want = *p.ref
				}
				if p.got != want {
					t.Errorf("%q: read %q, encoding/json %q", s, p.got, want)
				}
			}
		}
	})
}

// FuzzParseUTCSecond: the fast path for times reads what time.Parse
// reads, and leaves the rest to it.
func FuzzParseUTCSecond(f *testing.F) {
	for _, s := range []string{"2026-11-19T10:00:00Z", "2026-11-31T10:00:00Z", "2024-02-29T23:59:59Z", "2026-13-01T00:00:00Z",
		"2026-11-19T24:00:00Z", "2026-11-19T10:60:00Z", "2026-11-19T10:00:60Z", "2026-11-19t10:00:00Z", "0000-01-01T00:00:00Z", "+026-11-19T10:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseUTCSecond(s)
		if !ok {
			return
		}
		want, err := time.Parse(time.RFC3339, s)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseUTCSecond(%q) = %v; time.Parse = %v, %v", s, got, want, err)
		}
	})
}

// BenchmarkReadUsageBatch reads a batch of 1,000 records like those the
// meters send, and reports the cost of one record.
func BenchmarkReadUsageBatch(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"records":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"infrastructure_id":"inf_01JD2Q3R4S5T6V7W8X9Y0Z","metric":"network.egress","quantity":"0.25",`+
			`"start":"2026-11-19T10:00:00Z","end":"2026-11-19T10:01:00Z","idempotency_key":"b-%d"}`, i)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		recs, err := readUsageBatch(body)
		if err != nil || len(recs) != 1000 || recs[999].msg != "" {
			b.Fatalf("%d records, %v", len(recs), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/record")
}
