package mail

import (
	"context"
	"log/slog"
	"time"

	"github.com/tenantry/tenantry/internal/jobs"
)

// Outbox is the store's outbox as the sender sees it: a queue of messages
// the job runner claims one at a time, and the keeping of due mail when
// there is no transport.
type Outbox interface {
	jobs.Queue[Message]
	// KeepDue marks every due, unclaimed message kept: listed, never sent.
	KeepDue(ctx context.Context) (int, error)
}

// Transport delivers one message. A failure retrying cannot cure (a
// recipient the server refuses) is marked with jobs.Permanent.
type Transport interface {
	Send(ctx context.Context, m Message) error
}

// Sender moves mail out of the outbox: each round (Run) or once (Drain).
type Sender interface {
	Run(ctx context.Context)
	// Drain handles every message due now and returns how many.
	Drain(ctx context.Context) (int, error)
}

// How the sender's runner holds its claims: a delivery gets SendTimeout,
// well below the Lease, so that a claim never expires while its message
// is still being handed over; a sender that dies mid-send leaves the
// message to be claimed again once the lease expires.
const (
	SendTimeout = 30 * time.Second
	Lease       = 2 * time.Minute
)

// NewRunner returns the job runner that delivers the outbox's mail through
// t: several, in one process or many, may run on one database, and each
// message is claimed before it is sent. A message gets jobs.Backoff
// between attempts and 8 attempts in all (about two hours).
func NewRunner(o Outbox, t Transport, log *slog.Logger) *jobs.Runner[Message] {
	return &jobs.Runner[Message]{Name: "outbox", Queue: o, Do: t.Send, Log: log,
		Lease: Lease, Timeout: SendTimeout, MaxAttempts: 8}
}

// NewSender returns the sender of the outbox: NewRunner's through t, or,
// with t nil, one that keeps every due message in the outbox, marked
// kept, for the provider to read in its panel.
func NewSender(o Outbox, t Transport, log *slog.Logger) Sender {
	if t == nil {
		return keeper{o, log}
	}
	return NewRunner(o, t, log)
}

// keeper is the sender with no transport.
type keeper struct {
	outbox Outbox
	log    *slog.Logger
}

func (k keeper) Drain(ctx context.Context) (int, error) { return k.outbox.KeepDue(ctx) }

func (k keeper) Run(ctx context.Context) { jobs.Poll(ctx, 0, k.log, "outbox", k.Drain) }
