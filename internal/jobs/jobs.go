// Package jobs runs background work claimed through the database: a job
// is a row (kind, payload, when it is due) that one runner at a time
// holds under a lease, so that several runners, in one process or many,
// share one queue and a runner that dies leaves its job to the next once
// the lease expires. The store's system scope is the queue; billing runs,
// imports and the like register a handler for their kind.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Job is a job claimed for one attempt.
type Job struct {
	ID      string
	Kind    string
	Payload []byte
	// Claim identifies this claim: only its holder may record the outcome.
	Claim string
	// Attempts counts the claims so far, this one included.
	Attempts int
}

// Queue is the jobs table as a runner sees it.
type Queue interface {
	// ClaimJob claims the next due job of one of kinds for lease, or
	// returns nil when none is due.
	ClaimJob(ctx context.Context, worker string, kinds []string, lease time.Duration) (*Job, error)
	// CompleteJob records that the claimed job is done.
	CompleteJob(ctx context.Context, id, claim string) error
	// FailJob records a failed attempt: due again after retryAfter, or
	// failed for good when retryAfter is zero.
	FailJob(ctx context.Context, id, claim, reason string, retryAfter time.Duration) error
}

// Handler does one job. An error marked with Permanent is not retried.
type Handler func(ctx context.Context, payload []byte) error

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Backoff is the wait before attempt n+1 after n failed ones: a minute,
// doubling, at most an hour.
func Backoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Runner polls the queue and runs due jobs of the kinds it has handlers
// for; a kind it does not know is left for a runner that does.
type Runner struct {
	Queue    Queue
	Handlers map[string]Handler
	// Worker names this runner in the claims it takes (default "runner").
	Worker string
	Log    *slog.Logger
	// Interval is the pause between rounds when nothing is due (default 5 s).
	Interval time.Duration
	// Lease is how long a claim holds (default 5 min); Timeout bounds one
	// job (default Lease/2), so that a claim never expires mid-job.
	Lease   time.Duration
	Timeout time.Duration
	// MaxAttempts is how many claims a job gets before it is failed for
	// good (default 8).
	MaxAttempts int
	// Backoff is the wait after n failed attempts (default Backoff).
	Backoff func(n int) time.Duration
}

func (r *Runner) defaults() {
	if r.Worker == "" {
		r.Worker = "runner"
	}
	if r.Log == nil {
		r.Log = slog.Default()
	}
	if r.Interval <= 0 {
		r.Interval = 5 * time.Second
	}
	if r.Lease <= 0 {
		r.Lease = 5 * time.Minute
	}
	if r.Timeout <= 0 || r.Timeout >= r.Lease {
		r.Timeout = r.Lease / 2
	}
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 8
	}
	if r.Backoff == nil {
		r.Backoff = Backoff
	}
}

func (r *Runner) kinds() []string {
	kinds := make([]string, 0, len(r.Handlers))
	for k := range r.Handlers {
		kinds = append(kinds, k)
	}
	return kinds
}

// Run runs due jobs until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	r.defaults()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := r.Drain(ctx); err != nil && ctx.Err() == nil {
			r.Log.Error("jobs", "error", err)
		}
		t.Reset(r.Interval)
	}
}

// Drain runs every job due now, one claim at a time, and returns how many
// it ran (done or failed).
func (r *Runner) Drain(ctx context.Context) (int, error) {
	r.defaults()
	if len(r.Handlers) == 0 {
		return 0, nil
	}
	kinds := r.kinds()
	n := 0
	for ctx.Err() == nil {
		j, err := r.Queue.ClaimJob(ctx, r.Worker, kinds, r.Lease)
		if err != nil || j == nil {
			return n, err
		}
		if err := r.run(ctx, j); err != nil {
			return n, err
		}
		n++
	}
	return n, ctx.Err()
}

// run does one claimed job and records the outcome.
func (r *Runner) run(ctx context.Context, j *Job) error {
	h, ok := r.Handlers[j.Kind]
	if !ok {
		return r.Queue.FailJob(ctx, j.ID, j.Claim, "no handler for kind "+j.Kind, 0)
	}
	jctx, cancel := context.WithTimeout(ctx, r.Timeout)
	err := safely(jctx, h, j.Payload)
	cancel()
	if err == nil {
		return r.Queue.CompleteJob(ctx, j.ID, j.Claim)
	}
	if ctx.Err() != nil {
		// shutting down: the lease runs out and another claim retries it
		return ctx.Err()
	}
	r.Log.Warn("job failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "error", err)
	if IsPermanent(err) || j.Attempts >= r.MaxAttempts {
		return r.Queue.FailJob(ctx, j.ID, j.Claim, err.Error(), 0)
	}
	return r.Queue.FailJob(ctx, j.ID, j.Claim, err.Error(), r.Backoff(j.Attempts))
}

// safely calls h, turning a panic into an error so one bad job does not
// take the runner down.
func safely(ctx context.Context, h Handler, payload []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, payload)
}
