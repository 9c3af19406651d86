package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/jobs"
)

var acme = Tenant{ID: "acc_acme", Name: "Acme Hosting", Color: "#FFCC00", SupportEmail: "support@acme.example",
	Host: "acme.localhost", Links: Links{Scheme: "http", Port: "8080"}}

func TestLinks(t *testing.T) {
	tests := []struct {
		links Links
		want  string
	}{
		{Links{Scheme: "http", Port: "8080"}, "http://acme.localhost:8080/verify/abc"},
		{Links{Scheme: "https"}, "https://acme.localhost/verify/abc"},
		{Links{}, "https://acme.localhost/verify/abc"},
		{Links{Scheme: "http", Port: "80"}, "http://acme.localhost/verify/abc"},
		{Links{Scheme: "https", Port: "443"}, "https://acme.localhost/verify/abc"},
		{Links{Scheme: "https", Port: "8443"}, "https://acme.localhost:8443/verify/abc"},
	}
	for _, tt := range tests {
		if got := tt.links.URL("acme.localhost", VerifyPath("abc")); got != tt.want {
			t.Errorf("%+v.URL = %s, want %s", tt.links, got, tt.want)
		}
	}
}

func TestOnColor(t *testing.T) {
	for color, want := range map[string]string{
		"#2451b7": "#ffffff", "#000000": "#ffffff", "#ffffff": "#111111", "#ffcc00": "#111111",
		"#FFCC00": "#111111", "bogus": "#ffffff", "": "#ffffff",
	} {
		if got := OnColor(color); got != want {
			t.Errorf("OnColor(%q) = %s, want %s", color, got, want)
		}
	}
}

func TestCompose(t *testing.T) {
	compose := map[string]func(Tenant) (Message, error){
		KindVerifyEmail: func(tn Tenant) (Message, error) {
			return VerifyEmail(tn, "ann@example.test", "Ann", "Ann's <b>Bakery</b>", "tok123", 48*time.Hour, true)
		},
		KindSignupExists: func(tn Tenant) (Message, error) { return SignupExists(tn, "ann@example.test") },
		KindSignupAwaitsApproval: func(tn Tenant) (Message, error) {
			return SignupAwaitsApproval(tn, "ann@example.test", "Ann", "Bob's <b>Bikes</b>", "bob@example.test", "/reseller")
		},
		KindResetPassword: func(tn Tenant) (Message, error) {
			return ResetPassword(tn, "ann@example.test", "Ann", "tok123", time.Hour)
		},
		KindAccountActive: func(tn Tenant) (Message, error) {
			return AccountActive(tn, "ann@example.test", "Ann", "Ann's <b>Bakery</b>")
		},
		KindEmailChangeTaken: func(tn Tenant) (Message, error) { return EmailChangeTaken(tn, "ann@example.test") },
		KindWelcome: func(tn Tenant) (Message, error) {
			return Welcome(tn, "ann@example.test", "Ann", "Ann's <b>Bakery</b>", "Vera Vendor", "tok123", 7*24*time.Hour)
		},
	}
	for kind, fn := range compose {
		t.Run(kind, func(t *testing.T) {
			m, err := fn(acme)
			if err != nil {
				t.Fatal(err)
			}
			if m.Kind != kind || m.TenantID != "acc_acme" || m.To != "ann@example.test" || m.FromName != "Acme Hosting" ||
				m.FromAddress != "no-reply@acme.localhost" || m.ReplyTo != "support@acme.example" || m.Color != "#ffcc00" {
				t.Errorf("envelope = %+v", m)
			}
			if !strings.Contains(m.Subject, "Acme Hosting") {
				t.Errorf("subject %q does not name the brand", m.Subject)
			}
			for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
				if !strings.Contains(body, "Acme Hosting") || !strings.Contains(body, "support@acme.example") {
					t.Errorf("%s part lacks the brand or its support address:\n%s", part, body)
				}
				if !strings.Contains(body, "http://acme.localhost:8080/") {
					t.Errorf("%s part has no link on the tenant's domain:\n%s", part, body)
				}
			}
			if !strings.Contains(m.HTML, "background:#ffcc00") || !strings.Contains(m.HTML, "color:#111111") {
				t.Errorf("HTML part is not in the brand's colour with readable text")
			}
			if strings.Contains(m.HTML, "<b>Bakery</b>") {
				t.Error("HTML part does not escape what users typed")
			}
			if kind == KindVerifyEmail {
				if !strings.Contains(m.Text, "http://acme.localhost:8080/verify/tok123") || !strings.Contains(m.Text, "2 days") ||
					!strings.Contains(m.Text, "reviews new accounts") {
					t.Errorf("verification text:\n%s", m.Text)
				}
				if !strings.Contains(m.HTML, `href="http://acme.localhost:8080/verify/tok123"`) {
					t.Error("verification HTML has no button to the link")
				}
			}
			if kind == KindWelcome && (!strings.Contains(m.Text, "http://acme.localhost:8080/invitations/tok123") ||
				!strings.Contains(m.Text, "7 days") || !strings.Contains(m.Subject, "Welcome to Acme Hosting")) {
				t.Errorf("welcome %q:\n%s", m.Subject, m.Text)
			}
			if kind == KindResetPassword && !strings.Contains(m.Text, "/reset-password/tok123") {
				t.Errorf("reset text:\n%s", m.Text)
			}
		})
	}
	t.Run("DefaultsAndHostileBrand", func(t *testing.T) {
		tn := Tenant{ID: "acc_x", Name: `Evil "</td><script>alert(1)</script>`, Color: "red;background:url(x)", Host: "x.localhost"}
		m, err := SignupExists(tn, "a@example.test")
		if err != nil {
			t.Fatal(err)
		}
		if m.Color != DefaultColor || !strings.Contains(m.HTML, "background:"+DefaultColor) {
			t.Errorf("colour = %s, want the default %s", m.Color, DefaultColor)
		}
		if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "url(x)") {
			t.Error("HTML part lets the brand's name or colour inject markup")
		}
		if strings.Contains(m.Text, "Questions?") {
			t.Error("a brand without a support address offers one")
		}
	})
}

func TestNewSMTP(t *testing.T) {
	for _, bad := range []string{"", "http://host:25", "smtp://", "smtp://host:port", "smtp://host:99999",
		"smtp://host:25?tls=sometimes", "smtp://host:25?from=nobody", "::"} {
		if _, err := NewSMTP(bad); err == nil {
			t.Errorf("NewSMTP(%q) succeeded, want an error", bad)
		}
	}
	_, err := NewSMTP("smtp://user:s3cret@host:25?tls=sometimes")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v must not show the password", err)
	}
	for _, good := range []string{"smtp://user:pass@mail.example.com:587", "smtps://user:pass@mail.example.com",
		"smtp://127.0.0.1:1025", "smtp://relay.internal:25?tls=none&from=portal@example.com"} {
		if _, err := NewSMTP(good); err != nil {
			t.Errorf("NewSMTP(%q): %v", good, err)
		}
	}
}

// smtpServer is just enough of an SMTP server for one client on loopback:
// no TLS, no auth. It refuses recipients at refused.example.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	data []string // each message's DATA
	rcpt []string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = c.Write([]byte(line + "\r\n")) }
	say("220 test ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-test")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM"), cmd == "RSET", cmd == "NOOP":
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			if strings.Contains(cmd, "REFUSED.EXAMPLE") {
				say("550 5.1.1 no such user")
				continue
			}
			s.mu.Lock()
			s.rcpt = append(s.rcpt, strings.TrimSpace(line))
			s.mu.Unlock()
			say("250 ok")
		case cmd == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.data = append(s.data, b.String())
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

func TestSMTPSend(t *testing.T) {
	srv := newSMTPServer(t)
	tr, err := NewSMTP("smtp://" + srv.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	m, err := VerifyEmail(Tenant{ID: "acc_b", Name: "Bücher Stube", Host: "buecher.localhost"}, "ann@example.test", "Ann",
		"Ann GmbH", "tok123", 48*time.Hour, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tr.Send(ctx, m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	srv.mu.Lock()
	data := strings.Join(srv.data, "")
	srv.mu.Unlock()
	for _, want := range []string{"multipart/alternative", "text/plain", "text/html", "To: <ann@example.test>",
		"no-reply@buecher.localhost", "From: =?utf-8?q?B=C3=BCcher_Stube?= <no-reply@buecher.localhost>"} {
		if !strings.Contains(data, want) {
			t.Errorf("the message sent lacks %q:\n%s", want, data)
		}
	}

	m.To = "someone@refused.example"
	err = tr.Send(ctx, m)
	if err == nil || !jobs.IsPermanent(err) {
		t.Errorf("Send to a refused recipient = %v, want a permanent error", err)
	}

	srv.ln.Close()
	m.To = "ann@example.test"
	if err := tr.Send(ctx, m); err == nil || jobs.IsPermanent(err) {
		t.Errorf("Send with the server down = %v, want a temporary error", err)
	}
}

// An invitation to the tenant's own account does not name it twice, and
// a week reads as 7 days.
func TestInvitationWording(t *testing.T) {
	m, err := Invitation(acme, "new@example.test", "Ann Admin", "Acme Hosting", "Ops", "tok123", 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Ann Admin invites you to Acme Hosting" || !strings.Contains(m.Text, "expires in 7 days") {
		t.Errorf("subject %q, text:\n%s", m.Subject, m.Text)
	}
	m, err = Invitation(acme, "new@example.test", "Ann Admin", "Blue Bakery", "Ops", "tok123", 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Ann Admin invites you to Blue Bakery at Acme Hosting" {
		t.Errorf("subject %q", m.Subject)
	}
}

// The sender's runner gives a delivery less time than its claim holds,
// and with no transport the sender keeps mail instead of claiming it.
func TestNewSender(t *testing.T) {
	r := NewRunner(nil, &SMTP{}, nil)
	if r.Timeout != SendTimeout || r.Lease != Lease || SendTimeout >= Lease || r.MaxAttempts != 8 {
		t.Errorf("runner: timeout %v, lease %v, %d attempts; want %v < %v and 8", r.Timeout, r.Lease, r.MaxAttempts, SendTimeout, Lease)
	}
	if _, ok := NewSender(nil, &SMTP{}, nil).(*jobs.Runner[Message]); !ok {
		t.Error("a sender with a transport is not the job runner")
	}
	if _, ok := NewSender(nil, nil, nil).(keeper); !ok {
		t.Error("a sender without a transport does not keep mail")
	}
}
