package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/jobs"
	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// quiet discards the sender's log in tests.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testLinks is how the tests' requests reach the portal.
var testLinks = mail.Links{Scheme: "http", Port: "8080"}

// mails returns every message in the outbox, oldest first, unscoped.
func (f *fixture) mails(t *testing.T) []OutboxMessage {
	t.Helper()
	rows, err := f.db.read.Query(`SELECT ` + outboxColumns + ` FROM outbox o JOIN accounts a ON a.id = o.tenant_id ORDER BY o.rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// lastMail returns the newest message to an address, failing t if none.
func (f *fixture) lastMail(t *testing.T, to string) OutboxMessage {
	t.Helper()
	all := f.mails(t)
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].To == to {
			return all[i]
		}
	}
	t.Fatalf("no mail to %s in the outbox", to)
	return OutboxMessage{}
}

var linkToken = regexp.MustCompile(`https?://([^/\s]+)/(verify|reset-password)/([a-z0-9]+)`)

// linkIn returns the host and token of a mail's one-time link.
func linkIn(t *testing.T, m OutboxMessage) (host, token string) {
	t.Helper()
	got := linkToken.FindStringSubmatch(m.Text)
	if got == nil {
		t.Fatalf("no one-time link in the %s mail to %s:\n%s", m.Kind, m.To, m.Text)
	}
	if !regexp.MustCompile(regexp.QuoteMeta(got[0])).MatchString(m.HTML) {
		t.Errorf("the HTML part lacks the link %s", got[0])
	}
	return got[1], got[3]
}

// queueMails puts n plain messages from Acme in the outbox.
func (f *fixture) queueMails(t *testing.T, n int) {
	t.Helper()
	acme := f.acc(t, "Acme Hosting")
	err := f.db.inTx(context.Background(), func(tx *tx) error {
		for i := range n {
			m := mail.Message{Kind: "test", TenantID: acme.ID, To: fmt.Sprintf("m%03d@example.test", i),
				FromName: "Acme Hosting", Subject: fmt.Sprintf("Message %d", i), Text: "text", HTML: "<p>html</p>"}
			if err := insertMail(context.Background(), tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutboxScope(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	f.signUp(t, "acme.localhost", "new@example.test")
	msg := f.lastMail(t, "new@example.test")

	t.Run("Provider", func(t *testing.T) {
		page, err := f.provider(t).OutboxMessages(ctx, OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 || len(page.Items) != 1 {
			t.Fatalf("outbox = %d items (total %d), want 1", len(page.Items), page.Total)
		}
		got := page.Items[0]
		if got.ID != msg.ID || got.TenantName != "Acme Hosting" || got.FromName != "Acme Hosting" || got.Color != "#7c2d12" {
			t.Errorf("listed %+v, want Acme's verification mail in Acme's brand", got)
		}
		one, err := f.provider(t).OutboxMessage(ctx, msg.ID)
		if err != nil || one.HTML == "" || one.Text == "" {
			t.Fatalf("OutboxMessage = %+v, %v", one, err)
		}
	})

	// everyone else: other tenants, reseller staff on the platform domain,
	// customers; and provider staff whose role may not read live links
	f.addMember(t, "Nimbus Cloud", "viewer@nimbus.example", tenantry.RoleViewer)
	for _, v := range []struct {
		host, email string
		kind        string
	}{
		{"acme.localhost", "admin@acme.example", tenantry.ENOTFOUND},
		{"portal.localhost", "admin@acme.example", tenantry.ENOTFOUND},
		{"orbit.localhost", "admin@orbit.example", tenantry.ENOTFOUND},
		{"beta.localhost", "admin@beta.example", tenantry.ENOTFOUND},
		{"acme.localhost", "owner@bluebakery.example", tenantry.ENOTFOUND},
		{"portal.localhost", "owner@harbor.example", tenantry.ENOTFOUND},
		{"portal.localhost", "viewer@nimbus.example", tenantry.EFORBIDDEN},
	} {
		t.Run(v.host+"/"+v.email, func(t *testing.T) {
			s := f.scope(t, v.host, v.email)
			page, err := s.OutboxMessages(ctx, OutboxFilter{Q: "new@"})
			wantKind(t, err, v.kind)
			if page != nil {
				t.Errorf("list = %+v, want nil", page)
			}
			got, err := s.OutboxMessage(ctx, msg.ID)
			_, absent := s.OutboxMessage(ctx, "msg_doesnotexist234567abcdef")
			wantKind(t, err, v.kind)
			if !errorsEqual(err, absent) {
				t.Errorf("error = %v; for an absent id %v: existence leaks", err, absent)
			}
			if got != nil {
				t.Errorf("message = %+v, want nil", got)
			}
		})
	}
}

func TestOutboxMessages(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	f.queueMails(t, 7)
	p := f.provider(t)

	t.Run("NewestFirstPaged", func(t *testing.T) {
		var got []string
		cursor := ""
		for {
			page, err := p.OutboxMessages(ctx, OutboxFilter{Cursor: cursor, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 7 {
				t.Errorf("total = %d, want 7", page.Total)
			}
			for _, m := range page.Items {
				got = append(got, m.To)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		want := []string{"m006@example.test", "m005@example.test", "m004@example.test", "m003@example.test",
			"m002@example.test", "m001@example.test", "m000@example.test"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("pages = %v, want %v", got, want)
		}
	})
	t.Run("SearchByAddress", func(t *testing.T) {
		page, err := p.OutboxMessages(ctx, OutboxFilter{Q: "M004@"})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 || page.Items[0].To != "m004@example.test" {
			t.Errorf("search = %+v, want m004 only", page.Items)
		}
	})
	t.Run("ByStatus", func(t *testing.T) {
		page, err := p.OutboxMessages(ctx, OutboxFilter{Status: OutboxSent})
		if err != nil || page.Total != 0 {
			t.Errorf("sent = %v, %v; want none", page, err)
		}
	})
	t.Run("BadCursor", func(t *testing.T) {
		_, err := p.OutboxMessages(ctx, OutboxFilter{Cursor: "!!"})
		wantField(t, err, tenantry.EINVALID, "cursor")
	})
}

// fakeTransport records deliveries; fail decides the outcome per message.
type fakeTransport struct {
	mu   sync.Mutex
	sent map[string]int // by recipient
	fail func(m mail.Message) error
}

func (ft *fakeTransport) Send(ctx context.Context, m mail.Message) error {
	time.Sleep(time.Millisecond) // let the other sender in between claims
	if ft.fail != nil {
		if err := ft.fail(m); err != nil {
			return err
		}
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if ft.sent == nil {
		ft.sent = map[string]int{}
	}
	ft.sent[m.To]++
	return nil
}

// statuses counts the outbox's messages by status.
func (f *fixture) statuses(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, m := range f.mails(t) {
		out[m.Status]++
	}
	return out
}

// Two senders, each with its own database handle as two processes would
// have, drain one outbox at once: every message is delivered exactly once.
// Beside them, each process runs the same runner on the jobs table, and
// every job runs exactly once too.
func TestSenderClaimsOnce(t *testing.T) {
	f := newDemo(t)
	const n = 40
	f.queueMails(t, n)
	for i := range n {
		if _, err := f.db.System("test").Enqueue(context.Background(), "work", []byte(fmt.Sprint(i)), time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	other := openDB(t, f.db.path)
	ft := &fakeTransport{}
	var wg sync.WaitGroup
	handled, jobsRun := make([]int, 2), make([]int, 2)
	var mu sync.Mutex
	ran := map[string]int{}
	hs := jobs.Handlers{"work": func(_ context.Context, p []byte) error {
		time.Sleep(time.Millisecond)
		mu.Lock()
		ran[string(p)]++
		mu.Unlock()
		return nil
	}}
	for i, db := range []*DB{f.db, other} {
		wg.Add(2)
		go func() {
			defer wg.Done()
			s := mail.NewSender(db.System("mail").Outbox(), ft, quiet)
			var err error
			handled[i], err = s.Drain(context.Background())
			if err != nil {
				t.Errorf("sender %d: %v", i, err)
			}
		}()
		go func() {
			defer wg.Done()
			r := &jobs.Runner[jobs.Job]{Queue: db.System("jobs").Jobs(hs.Kinds()...), Do: hs.Do, Log: quiet}
			var err error
			jobsRun[i], err = r.Drain(context.Background())
			if err != nil {
				t.Errorf("job runner %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if jobsRun[0]+jobsRun[1] != n || len(ran) != n {
		t.Errorf("runners ran %d + %d jobs, %d distinct; want %d", jobsRun[0], jobsRun[1], len(ran), n)
	}
	for p, c := range ran {
		if c != 1 {
			t.Errorf("job %s ran %d times, want 1", p, c)
		}
	}
	if handled[0]+handled[1] != n {
		t.Errorf("senders handled %d + %d messages, want %d in all", handled[0], handled[1], n)
	}
	if handled[0] == 0 || handled[1] == 0 {
		t.Logf("one sender did all the work (%v): the claims did not interleave this time", handled)
	}
	for i := range n {
		to := fmt.Sprintf("m%03d@example.test", i)
		if got := ft.sent[to]; got != 1 {
			t.Errorf("%s delivered %d times, want 1", to, got)
		}
	}
	if got := f.statuses(t); got[OutboxSent] != n {
		t.Errorf("statuses = %v, want %d sent", got, n)
	}
	for _, m := range f.mails(t) {
		if m.Attempts != 1 || m.SentAt.IsZero() {
			t.Errorf("%s: attempts %d, sent at %v; want 1 attempt and a time", m.To, m.Attempts, m.SentAt)
		}
	}
}

func TestSenderRetries(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	f.queueMails(t, 2)
	now := time.Now().UTC()
	f.db.Now = func() time.Time { return now }
	down := errors.New("451 try again later")
	ft := &fakeTransport{fail: func(m mail.Message) error {
		if m.To == "m001@example.test" {
			return jobs.Permanent(errors.New("550 no such user"))
		}
		return down
	}}
	s := mail.NewSender(f.db.System("mail").Outbox(), ft, quiet)
	if n, err := s.Drain(ctx); err != nil || n != 2 {
		t.Fatalf("Drain = %d, %v; want 2 handled", n, err)
	}
	byTo := map[string]OutboxMessage{}
	for _, m := range f.mails(t) {
		byTo[m.To] = m
	}
	if m := byTo["m000@example.test"]; m.Status != OutboxQueued || m.Attempts != 1 || m.LastError != down.Error() ||
		!m.NextAttemptAt.Equal(fromMS(ms(now.Add(jobs.Backoff(1))))) {
		t.Errorf("temporary failure left %+v; want queued for a retry in %v", m, jobs.Backoff(1))
	}
	if m := byTo["m001@example.test"]; m.Status != OutboxFailed || m.LastError != "550 no such user" {
		t.Errorf("permanent failure left status %s, error %q; want failed", m.Status, m.LastError)
	}

	// nothing is due before the backoff has passed
	if n, err := s.Drain(ctx); err != nil || n != 0 {
		t.Errorf("Drain during backoff = %d, %v; want 0", n, err)
	}
	now = now.Add(jobs.Backoff(1) + time.Second)
	ft.fail = nil
	if n, err := s.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("Drain after backoff = %d, %v; want 1", n, err)
	}
	if m := f.lastMail(t, "m000@example.test"); m.Status != OutboxSent || m.Attempts != 2 || ft.sent["m000@example.test"] != 1 {
		t.Errorf("after the retry: %+v; want sent on attempt 2", m)
	}

	t.Run("GivesUp", func(t *testing.T) {
		f.queueMails(t, 1) // m000 again: the newest mail to it
		ft.fail = func(mail.Message) error { return down }
		s := mail.NewRunner(f.db.System("mail").Outbox(), ft, quiet)
		s.MaxAttempts = 3
		for range 3 {
			if _, err := s.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Hour)
		}
		if m := f.lastMail(t, "m000@example.test"); m.Status != OutboxFailed || m.Attempts != 3 {
			t.Errorf("after 3 failures: status %s, attempts %d; want failed after 3", m.Status, m.Attempts)
		}
	})
}

func TestSenderKeepsWithoutTransport(t *testing.T) {
	f := newDemo(t)
	f.queueMails(t, 3)
	s := mail.NewSender(f.db.System("mail").Outbox(), nil, quiet)
	if n, err := s.Drain(context.Background()); err != nil || n != 3 {
		t.Fatalf("Drain = %d, %v; want 3 kept", n, err)
	}
	if got := f.statuses(t); got[OutboxKept] != 3 {
		t.Errorf("statuses = %v, want 3 kept", got)
	}
	if n, _ := s.Drain(context.Background()); n != 0 {
		t.Errorf("a second Drain kept %d more, want 0", n)
	}
}

// A claim holds for its lease; once it expires another sender may claim
// the message, and the first can no longer record an outcome.
func TestClaimLease(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	f.queueMails(t, 1)
	now := time.Now().UTC()
	f.db.Now = func() time.Time { return now }
	outbox := f.db.System("mail").Outbox()
	first, err := outbox.Claim(ctx, "w1", time.Minute)
	if err != nil || first == nil || first.Work.To != "m000@example.test" {
		t.Fatalf("first claim = %v, %v; want 1 message", first, err)
	}
	if again, err := outbox.Claim(ctx, "w2", time.Minute); err != nil || again != nil {
		t.Errorf("claim during the lease = %v, %v; want nothing", again, err)
	}
	now = now.Add(time.Minute + time.Millisecond)
	second, err := outbox.Claim(ctx, "w2", time.Minute)
	if err != nil || second == nil || second.Attempts != 2 {
		t.Fatalf("claim after the lease = %+v, %v; want the message on attempt 2", second, err)
	}
	if err := outbox.Complete(ctx, first.ID, first.Claim); !errors.Is(err, errClaimLost) {
		t.Errorf("Complete on an expired claim = %v, want errClaimLost", err)
	}
	if err := outbox.Complete(ctx, second.ID, second.Claim); err != nil {
		t.Errorf("Complete on the live claim: %v", err)
	}
}

func TestOutboxRetention(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	f.signUp(t, "acme.localhost", "old@example.test")
	if _, err := f.db.System("mail").Outbox().KeepDue(ctx); err != nil {
		t.Fatal(err)
	}
	f.signUp(t, "acme.localhost", "queued@example.test")
	real := f.db.Now
	f.db.Now = func() time.Time { return real().Add(OutboxRetention + time.Hour) }
	defer func() { f.db.Now = real }()
	if err := f.db.DeleteExpired(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, m := range f.mails(t) {
		left = append(left, m.To)
	}
	if len(left) != 1 || left[0] != "queued@example.test" {
		t.Errorf("after the retention the outbox holds %v, want only the still-queued mail", left)
	}
}

// TestTenantOutboxScope: a reseller's staff who manage users read the mail
// sent on their own domain, and none of another reseller's, a
// sub-reseller's or the provider's; a foreign message is not found.
func TestTenantOutboxScope(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	f.signUp(t, "acme.localhost", "acme-new@example.test")
	f.signUp(t, "orbit.localhost", "orbit-new@example.test")
	f.signUp(t, "beta.localhost", "beta-new@example.test")
	acmeMsg := f.lastMail(t, "acme-new@example.test")
	orbitMsg := f.lastMail(t, "orbit-new@example.test")
	betaMsg := f.lastMail(t, "beta-new@example.test")
	acmeID, orbitID, betaID := f.id(t, "Acme Hosting"), f.id(t, "Orbit IT"), f.id(t, "Beta Resale")

	acme := f.scope(t, "acme.localhost", "admin@acme.example")
	page, err := acme.TenantOutboxMessages(ctx, acmeID, OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != acmeMsg.ID {
		t.Fatalf("Acme's outbox = %+v (total %d), want only %s", page.Items, page.Total, acmeMsg.ID)
	}
	if m, err := acme.TenantOutboxMessage(ctx, acmeID, acmeMsg.ID); err != nil || m.HTML == "" {
		t.Fatalf("TenantOutboxMessage = %+v, %v", m, err)
	}
	for _, id := range []string{orbitMsg.ID, betaMsg.ID, "msg-none"} {
		_, err := acme.TenantOutboxMessage(ctx, acmeID, id)
		wantKind(t, err, tenantry.ENOTFOUND)
	}
	// Acme's staff reach Beta's account, but not the mail of Beta's domain
	_, err = acme.TenantOutboxMessages(ctx, betaID, OutboxFilter{})
	wantKind(t, err, tenantry.ENOTFOUND)
	_, err = acme.TenantOutboxMessage(ctx, betaID, betaMsg.ID)
	wantKind(t, err, tenantry.ENOTFOUND)

	orbit := f.scope(t, "orbit.localhost", "admin@orbit.example")
	_, err = orbit.TenantOutboxMessage(ctx, orbitID, acmeMsg.ID)
	wantKind(t, err, tenantry.ENOTFOUND)
	_, err = orbit.TenantOutboxMessages(ctx, acmeID, OutboxFilter{})
	wantKind(t, err, tenantry.ENOTFOUND)

	f.addMember(t, "Acme Hosting", "viewer@acme.example", tenantry.RoleViewer)
	for _, v := range []struct {
		host, email, account, kind string
	}{
		{"acme.localhost", "owner@bluebakery.example", acmeID, tenantry.ENOTFOUND},
		{"acme.localhost", "viewer@acme.example", acmeID, tenantry.EFORBIDDEN},
		{"portal.localhost", "admin@acme.example", acmeID, tenantry.ENOTFOUND},
		{"portal.localhost", "admin@nimbus.example", f.id(t, "Nimbus Cloud"), tenantry.ENOTFOUND},
	} {
		t.Run(v.host+"/"+v.email, func(t *testing.T) {
			s := f.scope(t, v.host, v.email)
			page, err := s.TenantOutboxMessages(ctx, v.account, OutboxFilter{})
			wantKind(t, err, v.kind)
			if page != nil {
				t.Errorf("list = %+v, want nil", page)
			}
			_, err = s.TenantOutboxMessage(ctx, v.account, acmeMsg.ID)
			wantKind(t, err, v.kind)
		})
	}
}
