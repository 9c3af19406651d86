package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/money"
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
			var got usage.Input
			msg := readUsageRecord([]byte(c.rec), &got)
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

// FuzzReadUsageRecord: any valid JSON is read without panicking, and a
// record read agrees with encoding/json on every field.
func FuzzReadUsageRecord(f *testing.F) {
	for _, s := range []string{`{"metric":"a","quantity":"1"}`, `{"idempotency_key":"\ud83d\ude00","quantity":2}`,
		`{"metric":[1,{"a":"]"}],"quantity":1}`, `[]`, `{"quantity":1,"infrastructure_id":"x\u0000"}`, `{"metric":"\xff","quantity":1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !json.Valid([]byte(s)) {
			return
		}
		var in usage.Input
		if readUsageRecord([]byte(s), &in) != "" {
			return
		}
		var ref struct {
			InfrastructureID *string `json:"infrastructure_id"`
			Metric           *string `json:"metric"`
			Key              *string `json:"idempotency_key"`
		}
		if err := json.Unmarshal([]byte(s), &ref); err != nil {
			t.Fatalf("read %q, which encoding/json refuses: %v", s, err)
		}
		for _, p := range []struct {
			got string
			ref *string
		}{{in.InfrastructureID, ref.InfrastructureID}, {in.Metric, ref.Metric}, {in.Key, ref.Key}} {
			want := ""
			if p.ref != nil {
				want = *p.ref
			}
			if p.got != want {
				t.Errorf("%q: read %q, encoding/json %q", s, p.got, want)
			}
		}
	})
}
