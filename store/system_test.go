package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/jobs"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// The system scope names its reason on what it writes: the demo's audit
// events are system:demo's, not the provider admin's, and a reseller's
// log shows them as its vendor's, like any change from above.
func TestSystemScope(t *testing.T) {
	ctx := context.Background()
	t.Run("NeedsAReason", func(t *testing.T) {
		for _, reason := range []string{"", "  ", "mail\x00"} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("System(%q) did not panic", reason)
					}
				}()
				newEmptyDB(t).System(reason)
			}()
		}
		if got := newEmptyDB(t).System("invoices").Actor(); got != "system:invoices" {
			t.Errorf("Actor() = %q", got)
		}
	})

	t.Run("DemoEventsCarryTheReason", func(t *testing.T) {
		db := newEmptyDB(t)
		if _, err := db.System("demo").LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
		var system, others int
		if err := db.read.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE actor_email = 'system:demo' AND actor_user_id IS NULL`).
			Scan(&system); err != nil {
			t.Fatal(err)
		}
		if err := db.read.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'account.create' AND actor_email <> 'system:demo'`).
			Scan(&others); err != nil {
			t.Fatal(err)
		}
		if system == 0 || others != 0 {
			t.Errorf("%d events by system:demo, %d accounts created by someone else; want all by system:demo", system, others)
		}
		if _, err := db.System("demo").LoadDemo(ctx); err == nil {
			t.Error("LoadDemo on a loaded database succeeded, want an error")
		}
	})

	t.Run("ShownAsTheVendorsOnAReseller", func(t *testing.T) {
		f := newDemo(t)
		page, err := f.acme(t).AuditEvents(ctx, f.id(t, "Acme Hosting"), AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			if e.ActorEmail == "system:demo" {
				t.Fatalf("a reseller's log names the platform's system work: %+v", e)
			}
		}
		page, err = f.provider(t).AuditEvents(ctx, f.id(t, "Acme Hosting"), AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		named := false
		for _, e := range page.Items {
			named = named || e.ActorEmail == "system:demo"
		}
		if !named {
			t.Error("the platform's log does not name system:demo")
		}
	})
}

func TestJobs(t *testing.T) {
	ctx := context.Background()
	db := newEmptyDB(t)
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	sys := db.System("billing")
	invoices := sys.Jobs("invoice.run")

	if _, err := sys.Enqueue(ctx, " ", nil, time.Time{}); tenantry.ErrorKind(err) != tenantry.EINVALID {
		t.Errorf("Enqueue with no kind = %v, want EINVALID", err)
	}
	id, err := sys.Enqueue(ctx, "invoice.run", []byte(`{"month":"2026-04"}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	later, err := sys.Enqueue(ctx, "invoice.run", nil, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sys.Enqueue(ctx, "usage.import", nil, time.Time{}); err != nil {
		t.Fatal(err)
	}
	var reason string
	if err := db.read.QueryRow(`SELECT reason FROM jobs WHERE id = ?`, id).Scan(&reason); err != nil || reason != "billing" {
		t.Errorf("the job's reason = %q, %v; want the scope's", reason, err)
	}

	j, err := invoices.Claim(ctx, "w1", time.Minute)
	if err != nil || j == nil || j.ID != id || j.Work.Kind != "invoice.run" || string(j.Work.Payload) != `{"month":"2026-04"}` || j.Attempts != 1 {
		t.Fatalf("Claim = %+v, %v; want the due invoice run", j, err)
	}
	if again, err := invoices.Claim(ctx, "w2", time.Minute); err != nil || again != nil {
		t.Fatalf("a second claim = %+v, %v; want nothing (one is leased, one not due, one of another kind)", again, err)
	}
	if none, err := sys.Jobs().Claim(ctx, "w2", time.Minute); err != nil || none != nil {
		t.Errorf("a claim for no kinds = %+v, %v", none, err)
	}

	// the lease expires: another runner claims it, the first lost its claim
	now = now.Add(time.Minute)
	j2, err := invoices.Claim(ctx, "w2", time.Minute)
	if err != nil || j2 == nil || j2.ID != id || j2.Attempts != 2 {
		t.Fatalf("after the lease = %+v, %v; want the job again, attempt 2", j2, err)
	}
	if err := invoices.Complete(ctx, id, j.Claim); !errors.Is(err, errClaimLost) {
		t.Errorf("Complete on an expired claim = %v, want errClaimLost", err)
	}
	if err := invoices.Fail(ctx, id, j2.Claim, "tax service down", 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	if j, _ := invoices.Claim(ctx, "w1", time.Minute); j != nil {
		t.Fatalf("claimed %+v during its backoff", j)
	}
	now = now.Add(10 * time.Minute)
	j3, err := invoices.Claim(ctx, "w1", time.Minute)
	if err != nil || j3 == nil || j3.ID != id || j3.Attempts != 3 {
		t.Fatalf("after the backoff = %+v, %v", j3, err)
	}
	if err := invoices.Complete(ctx, id, j3.Claim); err != nil {
		t.Fatal(err)
	}
	if err := invoices.Complete(ctx, id, j3.Claim); !errors.Is(err, errClaimLost) {
		t.Errorf("completing twice = %v, want errClaimLost", err)
	}

	now = now.Add(time.Hour)
	j4, err := invoices.Claim(ctx, "w1", time.Minute)
	if err != nil || j4 == nil || j4.ID != later {
		t.Fatalf("the later job = %+v, %v", j4, err)
	}
	if err := invoices.Fail(ctx, later, j4.Claim, "bad payload", 0); err != nil {
		t.Fatal(err)
	}
	now = now.Add(24 * time.Hour)
	if j, _ := invoices.Claim(ctx, "w1", time.Minute); j != nil {
		t.Fatalf("claimed %+v after it failed for good", j)
	}
	rows, err := db.read.Query(`SELECT id, status, attempts, last_error, done_at IS NOT NULL FROM jobs ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var id, status, lastErr string
		var attempts int
		var done bool
		if err := rows.Scan(&id, &status, &attempts, &lastErr, &done); err != nil {
			t.Fatal(err)
		}
		got[id] = fmt.Sprintf("%s %d %q %v", status, attempts, lastErr, done)
	}
	if got[id] != `done 3 "" true` || got[later] != `failed 1 "bad payload" true` {
		t.Errorf("jobs = %v", got)
	}
}

// Two runners on one database file (two processes, as two *DB) drain the
// queue between them, and no job is claimed twice.
func TestJobsConcurrentClaimers(t *testing.T) {
	ctx := context.Background()
	db := newEmptyDB(t)
	other := openDB(t, db.path)
	const n = 60
	for i := range n {
		if _, err := db.System("test").Enqueue(ctx, "work", []byte(fmt.Sprint(i)), time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	claims := map[string]int{}
	var wg sync.WaitGroup
	for i, d := range []*DB{db, other} {
		wg.Go(func() {
			sys := d.System("test")
			for {
				j, err := sys.Jobs("work").Claim(ctx, fmt.Sprintf("w%d", i), time.Hour)
				if err != nil {
					t.Errorf("runner %d: %v", i, err)
					return
				}
				if j == nil {
					return
				}
				mu.Lock()
				claims[j.ID]++
				mu.Unlock()
				if err := sys.Jobs("work").Complete(ctx, j.ID, j.Claim); err != nil {
					t.Errorf("runner %d: complete %s: %v", i, j.ID, err)
				}
			}
		})
	}
	wg.Wait()
	if len(claims) != n {
		t.Errorf("%d jobs claimed, want %d", len(claims), n)
	}
	for id, c := range claims {
		if c != 1 {
			t.Errorf("%s claimed %d times", id, c)
		}
	}
}

// The runner in internal/jobs runs the store's jobs by kind: a failure is
// retried after its backoff, a kind it has no handler for is left alone.
func TestRunnerOnTheStore(t *testing.T) {
	ctx := context.Background()
	db := newEmptyDB(t)
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	db.Now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	sys := db.System("billing")
	for _, kind := range []string{"invoice.run", "usage.import"} {
		if _, err := sys.Enqueue(ctx, kind, []byte(kind), time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	calls := 0
	hs := jobs.Handlers{"invoice.run": func(ctx context.Context, payload []byte) error {
		calls++
		if calls == 1 {
			return errors.New("tax service down")
		}
		return nil
	}}
	r := &jobs.Runner[jobs.Job]{Queue: sys.Jobs(hs.Kinds()...), Do: hs.Do, Log: quiet,
		Backoff: func(int) time.Duration { return time.Minute }}
	if n, err := r.Drain(ctx); err != nil || n != 1 || calls != 1 {
		t.Fatalf("first drain = %d, %v (calls %d); want one failed run", n, err, calls)
	}
	if n, _ := r.Drain(ctx); n != 0 {
		t.Errorf("ran %d jobs during the backoff", n)
	}
	clock.Lock()
	now = now.Add(time.Minute)
	clock.Unlock()
	if n, err := r.Drain(ctx); err != nil || n != 1 || calls != 2 {
		t.Fatalf("after the backoff = %d, %v (calls %d)", n, err, calls)
	}
	var done, queued int
	if err := db.read.QueryRow(`SELECT COUNT(*) FILTER (WHERE status = 'done'), COUNT(*) FILTER (WHERE status = 'queued' AND kind = 'usage.import') FROM jobs`).
		Scan(&done, &queued); err != nil {
		t.Fatal(err)
	}
	if done != 1 || queued != 1 {
		t.Errorf("%d done, %d usage imports queued; want 1 and 1 (no handler for it here)", done, queued)
	}
}
