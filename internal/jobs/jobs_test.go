package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fakeQueue holds jobs in memory and records every outcome.
type fakeQueue struct {
	due      []Job
	kinds    [][]string
	outcomes []string
}

func (q *fakeQueue) ClaimJob(_ context.Context, worker string, kinds []string, _ time.Duration) (*Job, error) {
	q.kinds = append(q.kinds, slices.Sorted(slices.Values(kinds)))
	for i, j := range q.due {
		if slices.Contains(kinds, j.Kind) {
			q.due = slices.Delete(q.due, i, i+1)
			j.Claim = worker + ":c"
			return &j, nil
		}
	}
	return nil, nil
}

func (q *fakeQueue) CompleteJob(_ context.Context, id, claim string) error {
	q.outcomes = append(q.outcomes, id+" done")
	return nil
}

func (q *fakeQueue) FailJob(_ context.Context, id, claim, reason string, retryAfter time.Duration) error {
	q.outcomes = append(q.outcomes, id+" failed: "+reason+" retry "+retryAfter.String())
	return nil
}

func TestRunner(t *testing.T) {
	q := &fakeQueue{due: []Job{
		{ID: "j1", Kind: "invoice.run", Payload: []byte("ok"), Attempts: 1},
		{ID: "j2", Kind: "invoice.run", Payload: []byte("flaky"), Attempts: 2},
		{ID: "j3", Kind: "invoice.run", Payload: []byte("bad"), Attempts: 1},
		{ID: "j4", Kind: "invoice.run", Payload: []byte("flaky"), Attempts: 8},
		{ID: "j5", Kind: "invoice.run", Payload: []byte("panic"), Attempts: 1},
		{ID: "j6", Kind: "usage.import", Attempts: 1},
	}}
	var seen []string
	r := &Runner{Queue: q, Worker: "w", Log: quiet, Handlers: map[string]Handler{
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
			}
			return nil
		},
	}}
	n, err := r.Drain(context.Background())
	if err != nil || n != 5 {
		t.Fatalf("Drain = %d, %v; want the 5 invoice runs", n, err)
	}
	want := []string{
		"j1 done",
		"j2 failed: tax service down retry 2m0s",
		"j3 failed: no such month retry 0s",
		"j4 failed: tax service down retry 0s", // out of attempts
		"j5 failed: panic: boom retry 1m0s",
	}
	if !slices.Equal(q.outcomes, want) {
		t.Errorf("outcomes = %q, want %q", q.outcomes, want)
	}
	if len(q.due) != 1 || q.due[0].ID != "j6" {
		t.Errorf("left = %+v, want the usage import no handler here knows", q.due)
	}
	for _, k := range q.kinds {
		if !slices.Equal(k, []string{"invoice.run"}) {
			t.Errorf("claimed kinds %v, want only those with a handler", k)
		}
	}
}

func TestRunnerWithoutHandlersClaimsNothing(t *testing.T) {
	q := &fakeQueue{due: []Job{{ID: "j1", Kind: "invoice.run"}}}
	r := &Runner{Queue: q, Log: quiet}
	if n, err := r.Drain(context.Background()); n != 0 || err != nil || len(q.kinds) != 0 {
		t.Errorf("Drain = %d, %v after %d claims; want no claim at all", n, err, len(q.kinds))
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	q := &fakeQueue{}
	r := &Runner{Queue: q, Log: quiet, Interval: time.Millisecond, Handlers: map[string]Handler{"x": func(context.Context, []byte) error { return nil }}}
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
	if len(q.kinds) < 2 {
		t.Errorf("Run polled %d times in 20 ms at a 1 ms interval", len(q.kinds))
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 7: time.Hour, 30: time.Hour} {
		if got := Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}
