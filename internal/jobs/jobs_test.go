package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fakeQueue holds jobs in memory, claims only its kinds (as the store's
// jobs queue does) and records every claim and outcome.
type fakeQueue struct {
	kinds    []string
	due      []Claimed[Job]
	claims   int
	outcomes []string
}

func (q *fakeQueue) Claim(_ context.Context, worker string, _ time.Duration) (*Claimed[Job], error) {
	q.claims++
	for i, j := range q.due {
		if slices.Contains(q.kinds, j.Work.Kind) {
			q.due = slices.Delete(q.due, i, i+1)
			j.Claim = worker + ":c"
			return &j, nil
		}
	}
	return nil, nil
}

func (q *fakeQueue) Complete(_ context.Context, id, claim string) error {
	q.outcomes = append(q.outcomes, id+" done")
	return nil
}

func (q *fakeQueue) Fail(_ context.Context, id, claim, reason string, retryAfter time.Duration) error {
	q.outcomes = append(q.outcomes, id+" failed: "+reason+" retry "+retryAfter.String())
	return nil
}

func job(id, kind, payload string, attempts int) Claimed[Job] {
	return Claimed[Job]{ID: id, Attempts: attempts, Work: Job{Kind: kind, Payload: []byte(payload)}}
}

func TestRunner(t *testing.T) {
	var seen []string
	hs := Handlers{
		"invoice.run": func(ctx context.Context, p []byte) error {
			seen = append(seen, string(p))
			if _, ok := ctx.Deadline(); !ok {
				t.Error("a job runs without a deadline")
			}
			switch string(p) {
			case "flaky":
				return errors.New("tax service down")
			case "bad":
				return Permanent(errors.New("no such month"))
			case "panic":
				panic("boom")
			case "long":
				return errors.New(strings.Repeat("é", 300))
			}
			return nil
		},
	}
	if got := hs.Kinds(); !slices.Equal(got, []string{"invoice.run"}) {
		t.Errorf("Kinds() = %v, want only those with a handler", got)
	}
	q := &fakeQueue{kinds: hs.Kinds(), due: []Claimed[Job]{
		job("j1", "invoice.run", "ok", 1),
		job("j2", "invoice.run", "flaky", 2),
		job("j3", "invoice.run", "bad", 1),
		job("j4", "invoice.run", "flaky", 8),
		job("j5", "invoice.run", "panic", 1),
		job("j6", "usage.import", "", 1),
		job("j7", "invoice.run", "ok", 9),
		job("j8", "invoice.run", "long", 1),
	}}
	r := &Runner[Job]{Queue: q, Do: hs.Do, Worker: "w", Log: quiet}
	n, err := r.Drain(context.Background())
	if err != nil || n != 7 {
		t.Fatalf("Drain = %d, %v; want the 7 invoice runs", n, err)
	}
	want := []string{
		"j1 done",
		"j2 failed: tax service down retry 2m0s",
		"j3 failed: no such month retry 0s",
		"j4 failed: tax service down retry 0s", // out of attempts
		"j5 failed: panic: boom retry 1m0s",
		"j7 failed: gave up after too many attempts retry 0s",    // not run again
		"j8 failed: " + strings.Repeat("é", 250) + " retry 1m0s", // cut to 500 bytes
	}
	if !slices.Equal(q.outcomes, want) {
		t.Errorf("outcomes = %q, want %q", q.outcomes, want)
	}
	if !slices.Equal(seen, []string{"ok", "flaky", "bad", "flaky", "panic", "long"}) {
		t.Errorf("ran %q", seen)
	}
	if len(q.due) != 1 || q.due[0].ID != "j6" {
		t.Errorf("left = %+v, want the usage import no handler here knows", q.due)
	}
}

// A job of a kind with no handler that reaches the runner anyway fails
// for good instead of being retried forever.
func TestHandlersUnknownKind(t *testing.T) {
	q := &fakeQueue{kinds: []string{"usage.import"}, due: []Claimed[Job]{job("j1", "usage.import", "", 1)}}
	r := &Runner[Job]{Queue: q, Do: Handlers{}.Do, Log: quiet}
	if n, err := r.Drain(context.Background()); n != 1 || err != nil {
		t.Fatalf("Drain = %d, %v", n, err)
	}
	if want := []string{"j1 failed: no handler for kind usage.import retry 0s"}; !slices.Equal(q.outcomes, want) {
		t.Errorf("outcomes = %q, want %q", q.outcomes, want)
	}
}

func TestRunnerWithoutHandlersRunsNothing(t *testing.T) {
	hs := Handlers{}
	q := &fakeQueue{kinds: hs.Kinds(), due: []Claimed[Job]{job("j1", "invoice.run", "", 1)}}
	r := &Runner[Job]{Queue: q, Do: hs.Do, Log: quiet}
	if n, err := r.Drain(context.Background()); n != 0 || err != nil || len(q.outcomes) != 0 || len(q.due) != 1 {
		t.Errorf("Drain = %d, %v, outcomes %q; want the job left alone", n, err, q.outcomes)
	}
}

// The deadline of one item stays below the lease whatever is configured,
// so that a claim never expires while its item is still being done.
func TestTimeoutBelowLease(t *testing.T) {
	for _, tc := range []struct{ lease, timeout, want time.Duration }{
		{0, 0, 150 * time.Second},
		{2 * time.Minute, 30 * time.Second, 30 * time.Second},
		{time.Minute, time.Minute, 30 * time.Second},
		{time.Minute, time.Hour, 30 * time.Second},
	} {
		r := &Runner[Job]{Lease: tc.lease, Timeout: tc.timeout}
		r.defaults()
		if r.Timeout != tc.want || r.Timeout >= r.Lease {
			t.Errorf("Lease %v, Timeout %v: got timeout %v under lease %v, want %v", tc.lease, tc.timeout, r.Timeout, r.Lease, tc.want)
		}
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	q := &fakeQueue{}
	r := &Runner[Job]{Queue: q, Do: Handlers{}.Do, Log: quiet, Interval: time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if q.claims < 2 {
		t.Errorf("Run polled %d times in 20 ms at a 1 ms interval", q.claims)
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := Backoff(30); got != time.Hour {
		t.Errorf("Backoff(30) = %v, want an hour", got)
	}
}
