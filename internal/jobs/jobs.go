// Package jobs runs background work claimed through the database. Work is
// a row in a table (a job in the jobs table, a message in the outbox) that
// one runner at a time holds under a lease, so that several runners, in
// one process or many, share one queue and a runner that dies leaves its
// item to the next once the lease expires. The store's system scope
// provides the queues; a Runner drives any of them with one loop: claim,
// run under a deadline shorter than the lease, record the outcome, back
// off and retry, or give up for good.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"
)

// Claimed is an item of work claimed for one attempt.
type Claimed[T any] struct {
	ID string
	// Claim identifies this claim: only its holder may record the outcome.
	Claim string
	// Attempts counts the claims so far, this one included.
	Attempts int
	Work     T
}

// Queue is a table of claimable work as a runner sees it. The store
// implements it; a claim is one UPDATE ... RETURNING, so that two runners
// never hold a claim on the same item at once.
type Queue[T any] interface {
	// Claim claims the next due item for lease, or returns nil when none
	// is due. Each claim counts as an attempt.
	Claim(ctx context.Context, worker string, lease time.Duration) (*Claimed[T], error)
	// Complete records that the claimed item is done.
	Complete(ctx context.Context, id, claim string) error
	// Fail records a failed attempt: due again after retryAfter, or
	// failed for good when retryAfter is zero.
	Fail(ctx context.Context, id, claim, reason string, retryAfter time.Duration) error
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying (a recipient the mail server
// refuses, an invoice run for a month that does not exist).
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

// maxReason bounds the error text recorded on a failed attempt.
const maxReason = 500

// Runner polls a queue and does each due item with Do. It is the one
// claim, lease and retry loop of the portal: the mail sender is a
// Runner[mail.Message] on the outbox, and billing's jobs run on a
// Runner[Job] on the jobs table.
type Runner[T any] struct {
	Queue Queue[T]
	// Do does one item; an error marked with Permanent is not retried.
	Do func(ctx context.Context, work T) error
	// Name names the queue in the log (default "jobs").
	Name string
	// Worker names this runner in the claims it takes (default
	// host/pid).
	Worker string
	Log    *slog.Logger
	// Interval is the pause between rounds when nothing is due (default 5 s).
	Interval time.Duration
	// Lease is how long a claim holds (default 5 min); Timeout bounds one
	// item (default Lease/2, and always below Lease), so that a claim
	// never expires while its item is still being done.
	Lease   time.Duration
	Timeout time.Duration
	// MaxAttempts is how many claims an item gets before it is failed for
	// good (default 8, about two hours of backoff).
	MaxAttempts int
	// Backoff is the wait after n failed attempts (default Backoff).
	Backoff func(n int) time.Duration
}

func (r *Runner[T]) defaults() {
	if r.Name == "" {
		r.Name = "jobs"
	}
	if r.Worker == "" {
		host, _ := os.Hostname()
		r.Worker = fmt.Sprintf("%s/%d", host, os.Getpid())
	}
	if r.Log == nil {
		r.Log = slog.Default()
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

// Run does due items until ctx ends.
func (r *Runner[T]) Run(ctx context.Context) {
	r.defaults()
	Poll(ctx, r.Interval, r.Log, r.Name, r.Drain)
}

// Poll calls drain now and then again each interval (default 5 s) after
// the previous call returned, until ctx ends, logging its errors under
// name.
func Poll(ctx context.Context, interval time.Duration, log *slog.Logger, name string, drain func(context.Context) (int, error)) {
	if interval <= 0 {
		interval = 5 * time.Second
	}
	if log == nil {
		log = slog.Default()
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := drain(ctx); err != nil && ctx.Err() == nil {
			log.Error(name, "error", err)
		}
		t.Reset(interval)
	}
}

// Drain does every item due now and returns how many it did (done or
// failed). Items are claimed one at a time, so that each claim's lease
// covers one item only.
func (r *Runner[T]) Drain(ctx context.Context) (int, error) {
	r.defaults()
	n := 0
	for ctx.Err() == nil {
		c, err := r.Queue.Claim(ctx, r.Worker, r.Lease)
		if err != nil || c == nil {
			return n, err
		}
		if err := r.run(ctx, c); err != nil {
			return n, err
		}
		n++
	}
	return n, ctx.Err()
}

// run does one claimed item and records the outcome.
func (r *Runner[T]) run(ctx context.Context, c *Claimed[T]) error {
	if c.Attempts > r.MaxAttempts {
		// claimed again and again by runners that died before recording
		return r.Queue.Fail(ctx, c.ID, c.Claim, "gave up after too many attempts", 0)
	}
	wctx, cancel := context.WithTimeout(ctx, r.Timeout)
	err := safely(wctx, r.Do, c.Work)
	cancel()
	if err == nil {
		return r.Queue.Complete(ctx, c.ID, c.Claim)
	}
	if ctx.Err() != nil {
		// shutting down: the lease runs out and another claim retries it
		return ctx.Err()
	}
	retry := r.Backoff(c.Attempts)
	if IsPermanent(err) || c.Attempts >= r.MaxAttempts {
		retry = 0
	}
	r.Log.Warn(r.Name+": attempt failed", "id", c.ID, "attempt", c.Attempts, "permanent", retry == 0, "error", err)
	return r.Queue.Fail(ctx, c.ID, c.Claim, truncate(err.Error(), maxReason), retry)
}

// safely calls do, turning a panic into an error so one bad item does not
// take the runner down.
func safely[T any](ctx context.Context, do func(context.Context, T) error, work T) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return do(ctx, work)
}

// truncate cuts s to at most n bytes, on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// a character cut in two is dropped
	return strings.ToValidUTF8(s[:n], "")
}

// Job is the work of a job in the jobs table: its kind names the handler,
// its payload is the handler's to read.
type Job struct {
	Kind    string
	Payload []byte
}

// Handler does one job of its kind. An error marked with Permanent is not
// retried.
type Handler func(ctx context.Context, payload []byte) error

// Handlers are the kinds of job one process runs, by kind. Its queue
// claims only those kinds (store.SystemScope.Jobs(h.Kinds()...)), so that a
// kind it does not know is left for a process that does.
type Handlers map[string]Handler

// Kinds returns the kinds there is a handler for, sorted.
func (h Handlers) Kinds() []string {
	kinds := make([]string, 0, len(h))
	for k := range h {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// Do runs j by its kind's handler; a kind with no handler fails for good.
func (h Handlers) Do(ctx context.Context, j Job) error {
	do, ok := h[j.Kind]
	if !ok {
		return Permanent(errors.New("no handler for kind " + j.Kind))
	}
	return do(ctx, j.Payload)
}
