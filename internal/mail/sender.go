package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Queued is a message claimed from the outbox for one sending attempt.
type Queued struct {
	ID string
	// Claim identifies this claim: only its holder may record the outcome.
	Claim string
	// Attempts counts the claims so far, this one included.
	Attempts int
	Message  Message
}

// Queue is the outbox as the sender sees it. The store implements it; a
// claim is one UPDATE ... RETURNING, so that two processes never hold a
// claim on the same message at once.
type Queue interface {
	// ClaimMail claims up to limit due messages for lease.
	ClaimMail(ctx context.Context, limit int, lease time.Duration) ([]Queued, error)
	// MailSent records a delivery.
	MailSent(ctx context.Context, id, claim string) error
	// MailFailed records a failed attempt: retried after retryAfter, or
	// given up on when retryAfter is zero.
	MailFailed(ctx context.Context, id, claim, reason string, retryAfter time.Duration) error
	// KeepDueMail marks every due message kept: listed, never sent.
	KeepDueMail(ctx context.Context) (int, error)
}

// Transport delivers one message.
type Transport interface {
	Send(ctx context.Context, m Message) error
}

// permanentError is a delivery failure that retrying cannot cure, such as
// a recipient the server refuses.
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

// Sender moves mail from the outbox to a transport. Several senders, in
// one process or many, may run on one database: each message is claimed
// before it is sent and only one claim on it is live at a time.
type Sender struct {
	Queue Queue
	// Transport delivers mail; nil keeps every message in the outbox,
	// marked kept, for the provider to read in its panel.
	Transport Transport
	Log       *slog.Logger
	// Interval is the pause between rounds when nothing is due (default 5 s).
	Interval time.Duration
	// SendTimeout bounds one delivery (default 30 s). It must stay well
	// below Lease, so that a claim never expires while its message is
	// still being handed over.
	SendTimeout time.Duration
	// Lease is how long a claim holds (default 2 min); a sender that dies
	// mid-send leaves the message to be claimed again once it expires.
	Lease time.Duration
	// MaxAttempts is how many claims a message gets before it is failed
	// for good (default 8, about two hours of backoff).
	MaxAttempts int
}

func (s *Sender) defaults() {
	if s.Interval <= 0 {
		s.Interval = 5 * time.Second
	}
	if s.SendTimeout <= 0 {
		s.SendTimeout = 30 * time.Second
	}
	if s.Lease <= 0 {
		s.Lease = 2 * time.Minute
	}
	if s.MaxAttempts <= 0 {
		s.MaxAttempts = 8
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
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

// Run sends (or keeps) due mail until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	s.defaults()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.Drain(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("outbox", "error", err)
		}
		t.Reset(s.Interval)
	}
}

// Drain handles every message due now and returns how many it handled.
// Messages are claimed one at a time, so that each claim's lease covers
// one delivery only.
func (s *Sender) Drain(ctx context.Context) (int, error) {
	s.defaults()
	if s.Transport == nil {
		return s.Queue.KeepDueMail(ctx)
	}
	n := 0
	for ctx.Err() == nil {
		claimed, err := s.Queue.ClaimMail(ctx, 1, s.Lease)
		if err != nil || len(claimed) == 0 {
			return n, err
		}
		if err := s.send(ctx, claimed[0]); err != nil {
			return n, err
		}
		n++
	}
	return n, ctx.Err()
}

// send attempts one claimed message and records the outcome.
func (s *Sender) send(ctx context.Context, q Queued) error {
	if q.Attempts > s.MaxAttempts {
		return s.Queue.MailFailed(ctx, q.ID, q.Claim, "gave up after too many attempts", 0)
	}
	sendCtx, cancel := context.WithTimeout(ctx, s.SendTimeout)
	err := s.Transport.Send(sendCtx, q.Message)
	cancel()
	if err == nil {
		return s.Queue.MailSent(ctx, q.ID, q.Claim)
	}
	retry := Backoff(q.Attempts)
	if IsPermanent(err) || q.Attempts >= s.MaxAttempts {
		retry = 0
	}
	s.Log.Warn("outbox: delivery failed", "id", q.ID, "attempt", q.Attempts, "permanent", retry == 0, "error", err)
	return s.Queue.MailFailed(ctx, q.ID, q.Claim, truncate(err.Error(), 500), retry)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
