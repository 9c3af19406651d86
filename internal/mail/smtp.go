package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/tenantry/tenantry/internal/jobs"
)

// SMTP delivers mail through an SMTP server. It dials per message: the
// portal sends a few mails a minute, and a fresh connection per message
// keeps each claim's work inside its deadline.
type SMTP struct {
	client *gomail.Client
	// from, when set, replaces every message's sender address (the
	// brand's name stays): for servers that only relay mail from their
	// own domain.
	from string
}

// NewSMTP configures a transport from a URL:
//
//	smtp://user:pass@host:587   STARTTLS (required, except on loopback hosts)
//	smtps://user:pass@host:465  TLS from the first byte
//
// Query parameters: tls=starttls|opportunistic|none overrides the
// STARTTLS policy of smtp://; from=addr sends every message from addr.
func NewSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil, errors.New("the SMTP URL must look like smtp://user:password@host:port")
	}
	var opts []gomail.Option
	port := 0
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return nil, fmt.Errorf("the SMTP URL's port %q is not a port number", p)
		}
	}
	q := u.Query()
	switch u.Scheme {
	case "smtps":
		if port == 0 {
			port = gomail.DefaultPortSSL
		}
		opts = append(opts, gomail.WithSSL())
	case "smtp":
		if port == 0 {
			port = gomail.DefaultPortTLS
		}
		policy := gomail.TLSMandatory
		if isLoopback(u.Hostname()) {
			policy = gomail.TLSOpportunistic // a mail catcher on a laptop
		}
		switch q.Get("tls") {
		case "":
		case "starttls":
			policy = gomail.TLSMandatory
		case "opportunistic":
			policy = gomail.TLSOpportunistic
		case "none":
			policy = gomail.NoTLS
		default:
			return nil, fmt.Errorf("the SMTP URL's tls=%q must be starttls, opportunistic or none", q.Get("tls"))
		}
		opts = append(opts, gomail.WithTLSPolicy(policy))
	default:
		return nil, fmt.Errorf("the SMTP URL's scheme must be smtp or smtps, not %q", u.Scheme)
	}
	opts = append(opts, gomail.WithPort(port))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	from := q.Get("from")
	if from != "" {
		if _, err := mail.ParseAddress(from); err != nil {
			return nil, fmt.Errorf("the SMTP URL's from=%q is not an email address", from)
		}
	}
	c, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client: %w", err)
	}
	return &SMTP{client: c, from: from}, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}

// Send delivers m as a multipart/alternative message (text and HTML).
// A recipient the server refuses for good is a jobs.Permanent error.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	from := m.FromAddress
	if s.from != "" {
		from = s.from
	}
	if err := msg.FromFormat(m.FromName, from); err != nil {
		return jobs.Permanent(fmt.Errorf("sender %q: %w", from, err))
	}
	if err := msg.To(m.To); err != nil {
		return jobs.Permanent(fmt.Errorf("recipient %q: %w", m.To, err))
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return jobs.Permanent(fmt.Errorf("reply-to %q: %w", m.ReplyTo, err))
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	err := s.client.DialAndSendWithContext(ctx, msg)
	var se *gomail.SendError
	if errors.As(err, &se) && !se.IsTemp() && (se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrGetRcpts) {
		return jobs.Permanent(err)
	}
	return err
}
