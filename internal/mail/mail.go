// Package mail composes the portal's emails and sends them from the outbox.
//
// Every mail belongs to a tenant (the provider or a reseller) and is
// dressed in that tenant's brand only: its display name, its colour, its
// support address and links on its own domain. A reseller's mail never
// names the provider. Composing is pure (no SQL, no HTTP): the store
// composes a mail inside the transaction that causes it and queues it in
// the outbox; a Sender, the job runner of internal/jobs on the outbox,
// claims queued mail and hands it to a Transport (SMTP, or a fake in
// tests).
package mail

import (
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Kinds of mail, stored with each message so that it can be told apart.
const (
	KindVerifyEmail   = "verify_email"
	KindSignupExists  = "signup_exists"
	KindResetPassword = "reset_password"
	KindAccountActive = "account_active"
	// KindSignupAwaitsApproval goes to a vendor's Owners and Admins.
	KindSignupAwaitsApproval = "signup_awaits_approval"
)

// DefaultColor is a brand's primary colour when it has chosen none.
const DefaultColor = "#2451b7"

// Message is one composed email, ready to queue.
type Message struct {
	// Kind is one of the Kind* constants.
	Kind string
	// TenantID is the account whose brand and domain the mail carries.
	TenantID string
	To       string
	// FromName is the tenant's brand name.
	FromName string
	// FromAddress is the default sender address, on the tenant's domain;
	// a transport may be configured to send from its own address instead.
	FromAddress string
	// ReplyTo is the tenant's support address, or "".
	ReplyTo string
	// Color is the brand colour the mail is dressed in.
	Color   string
	Subject string
	Text    string
	HTML    string
}

// Links builds absolute URLs the way the portal is published: the public
// scheme and port from configuration (in production https and no port; on
// a laptop http and :8080), on a tenant's domain. They never come from a
// request, whose Host port and forwarded scheme its client chooses.
type Links struct {
	Scheme string
	// Port is "" for the scheme's default port.
	Port string
}

// URL returns scheme://host[:port]path, without the port when it is the
// scheme's default.
func (l Links) URL(host, path string) string {
	scheme := l.Scheme
	if scheme == "" {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: host, Path: path}
	if l.Port != "" && !(scheme == "http" && l.Port == "80") && !(scheme == "https" && l.Port == "443") {
		u.Host = net.JoinHostPort(host, l.Port)
	}
	return u.String()
}

// Tenant is who a mail comes from: a tenant's brand and the domain its
// links point to.
type Tenant struct {
	// ID is the tenant's account id.
	ID string
	// Name is the brand's display name.
	Name string
	// Color is the brand's primary colour ("#rrggbb"); DefaultColor when
	// empty or malformed.
	Color        string
	SupportEmail string
	// Host is the domain the mail's links point to: the one on which its
	// recipient signs up or signs in.
	Host  string
	Links Links
}

// URL returns an absolute link to path on the tenant's domain.
func (t Tenant) URL(path string) string { return t.Links.URL(t.Host, path) }

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// color returns the tenant's colour, or DefaultColor.
func (t Tenant) color() string {
	if hexColor.MatchString(t.Color) {
		return strings.ToLower(t.Color)
	}
	return DefaultColor
}

// OnColor returns black or white, whichever reads better on the colour
// c ("#rrggbb"; DefaultColor when malformed), by its relative luminance.
func OnColor(c string) string {
	if !hexColor.MatchString(c) {
		c = DefaultColor
	}
	var rgb [3]float64
	for i := range rgb {
		v, _ := strconv.ParseUint(c[1+2*i:3+2*i], 16, 8) // c is checked by hexColor
		s := float64(v) / 255
		if s <= 0.04045 {
			rgb[i] = s / 12.92
		} else {
			rgb[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	l := 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	// contrast with white (1.05/(l+0.05)) beats contrast with black
	// ((l+0.05)/0.05) exactly when l is below about 0.179
	if l < 0.179 {
		return "#ffffff"
	}
	return "#111111"
}
