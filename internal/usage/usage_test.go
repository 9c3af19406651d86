package usage

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/money"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSplitMonths(t *testing.T) {
	for _, c := range []struct {
		name       string
		start, end string
		want       []string // starts and ends, alternating
	}{
		{"WithinAMonth", "2026-10-05T10:00:00Z", "2026-10-05T12:30:00Z",
			[]string{"2026-10-05T10:00:00Z", "2026-10-05T12:30:00Z"}},
		{"AcrossOctoberToNovember", "2026-10-31T22:00:00Z", "2026-11-01T02:00:00Z",
			[]string{"2026-10-31T22:00:00Z", "2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z", "2026-11-01T02:00:00Z"}},
		{"EndsOnTheBoundary", "2026-10-31T22:00:00Z", "2026-11-01T00:00:00Z",
			[]string{"2026-10-31T22:00:00Z", "2026-11-01T00:00:00Z"}},
		{"ThreeMonthsAndAYear", "2026-12-15T00:00:00Z", "2027-02-10T00:00:00Z",
			[]string{"2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z",
				"2027-02-01T00:00:00Z", "2027-02-10T00:00:00Z"}},
		{"Empty", "2026-10-05T10:00:00Z", "2026-10-05T10:00:00Z", nil},
		{"Inverted", "2026-10-05T10:00:00Z", "2026-10-05T09:00:00Z", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, iv := range SplitMonths(at(c.start), at(c.end)) {
				got = append(got, iv.Start.Format(time.RFC3339), iv.End.Format(time.RFC3339))
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestHours(t *testing.T) {
	for _, c := range []struct {
		span time.Duration
		size int64
		want string
	}{
		{150 * time.Minute, 1, "2.50"},
		{time.Second, 1, "0.000278"}, // 1/3600 = 0.0002777… rounds up
		{2 * time.Second, 1, "0.000556"},
		{time.Hour, 100, "100.00"},
		{90 * time.Minute, 50, "75.00"},
		{31 * 24 * time.Hour, 1, "744.00"},
		{0, 1, "0.00"},
		{-time.Hour, 1, "0.00"},
	} {
		if got := Hours(c.span, c.size).String(); got != c.want {
			t.Errorf("Hours(%v, %d) = %s, want %s", c.span, c.size, got, c.want)
		}
	}
}

func TestSpreadDaily(t *testing.T) {
	t.Run("OneDay", func(t *testing.T) {
		got := SpreadDaily(at("2026-10-05T10:00:00Z"), at("2026-10-05T12:30:00Z"), 2_500_000)
		if len(got) != 1 || got[0].Quantity != 2_500_000 || got[0].Day.Time() != at("2026-10-05T00:00:00Z") {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("EndsAtMidnight", func(t *testing.T) {
		got := SpreadDaily(at("2026-10-05T00:00:00Z"), at("2026-10-06T00:00:00Z"), 24_000_000)
		if len(got) != 1 || got[0].Day != DayOf(at("2026-10-05T00:00:00Z")) {
			t.Fatalf("a whole day is one part: %+v", got)
		}
	})
	t.Run("Proportional", func(t *testing.T) {
		// 22:00 → 04:00: two hours on the first day, four on the second
		got := SpreadDaily(at("2026-10-31T22:00:00Z"), at("2026-11-01T04:00:00Z"), 6_000_000)
		if len(got) != 2 || got[0].Quantity != 2_000_000 || got[1].Quantity != 4_000_000 {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("PartsAddUpExactly", func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		base := at("2026-01-01T00:00:00Z")
		for range 5000 {
			start := base.Add(time.Duration(r.Int64N(int64(400 * 24 * time.Hour))))
			end := start.Add(time.Duration(1 + r.Int64N(int64(90*24*time.Hour))))
			q := money.Micro(r.Int64N(1 << 50))
			var sum money.Micro
			prev := Day(-1 << 40)
			for _, p := range SpreadDaily(start, end, q) {
				if p.Quantity < 0 || p.Day <= prev {
					t.Fatalf("%v → %v, %d: bad part %+v", start, end, q, p)
				}
				prev = p.Day
				sum += p.Quantity
			}
			if sum != q {
				t.Fatalf("%v → %v: parts add up to %d, want %d", start, end, sum, q)
			}
		}
	})
}

func FuzzSpreadDaily(f *testing.F) {
	f.Add(int64(0), int64(3_600_000), int64(1_000_000))
	f.Add(int64(86_399_999), int64(2), int64(7))
	f.Fuzz(func(t *testing.T, startMS, spanMS, q int64) {
		if spanMS <= 0 || q < 0 || startMS < 0 || startMS > 1<<45 || spanMS > 1<<40 {
			return
		}
		start := time.UnixMilli(startMS).UTC()
		var sum money.Micro
		for _, p := range SpreadDaily(start, start.Add(time.Duration(spanMS)*time.Millisecond), money.Micro(q)) {
			if p.Quantity < 0 {
				t.Fatalf("negative part %+v", p)
			}
			sum += p.Quantity
		}
		if sum != money.Micro(q) {
			t.Fatalf("sum %d, want %d", sum, q)
		}
	})
}

func TestCheck(t *testing.T) {
	now := at("2026-11-10T12:00:00Z")
	known := func(m string) bool { return m == "network.egress" }
	good := Input{InfrastructureID: "inf_1", Metric: "network.egress", Quantity: 1, Start: at("2026-11-10T10:00:00Z"),
		End: at("2026-11-10T11:00:00Z"), Key: "k1"}
	if code, msg := good.Check(known, now); code != "" {
		t.Fatalf("a good record is refused: %s %s", code, msg)
	}
	for name, c := range map[string]struct {
		edit func(*Input)
		code string
	}{
		"NoKey":           {func(in *Input) { in.Key = " " }, CodeInvalid},
		"LongKey":         {func(in *Input) { in.Key = string(make([]byte, MaxKey+1)) }, CodeInvalid},
		"NoInfra":         {func(in *Input) { in.InfrastructureID = "" }, CodeInvalid},
		"UnknownMetric":   {func(in *Input) { in.Metric = "gpu.hour" }, CodeUnknownMetric},
		"EndBeforeStart":  {func(in *Input) { in.Start, in.End = in.End, in.Start }, CodeInvalid},
		"Empty":           {func(in *Input) { in.End = in.Start }, CodeInvalid},
		"FarFuture":       {func(in *Input) { in.End = now.Add(FutureSlack + time.Second) }, CodeInvalid},
		"AcrossMonths":    {func(in *Input) { in.Start = at("2026-10-31T23:00:00Z") }, CodeInvalid},
		"NoStart":         {func(in *Input) { in.Start = time.Time{} }, CodeInvalid},
		"ClockDriftIsOK":  {func(in *Input) { in.End = now.Add(FutureSlack) }, ""},
		"EndsAtMonthEdge": {func(in *Input) { in.Start, in.End = at("2026-10-31T23:00:00Z"), at("2026-11-01T00:00:00Z") }, ""},
	} {
		t.Run(name, func(t *testing.T) {
			in := good
			c.edit(&in)
			if code, msg := in.Check(known, now); code != c.code || (code != "" && msg == "") {
				t.Fatalf("code %q (%s), want %q", code, msg, c.code)
			}
		})
	}
}

func TestHash(t *testing.T) {
	s, e := at("2026-11-10T10:00:00Z"), at("2026-11-10T11:00:00Z")
	h := Hash("inf_1", "m", 5, s, e)
	if string(h) != string(Hash("inf_1", "m", 5, s, e)) {
		t.Fatal("the same content hashes differently")
	}
	for name, other := range map[string][]byte{
		"Infra":    Hash("inf_2", "m", 5, s, e),
		"Metric":   Hash("inf_1", "n", 5, s, e),
		"Quantity": Hash("inf_1", "m", 6, s, e),
		"Start":    Hash("inf_1", "m", 5, s.Add(time.Second), e),
		"End":      Hash("inf_1", "m", 5, s, e.Add(time.Second)),
		// the lengths are hashed, so moving a byte between fields shows
		"Boundary": Hash("inf_1m", "", 5, s, e),
	} {
		if string(other) == string(h) {
			t.Errorf("%s: another content hashes the same", name)
		}
	}
}
