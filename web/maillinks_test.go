package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/web"
)

// Links in mail come from configuration and the tenant's primary domain,
// never from the request: a forged Host port or an alias the request came
// to does not reach the mail.
func TestMailLinksFromConfig(t *testing.T) {
	withPort := func(c *web.Config) { c.PublicPort = "8080" }
	t.Run("ForgedPort", func(t *testing.T) {
		f := newFixtureWith(t, withPort)
		b := f.browser("acme.localhost:6666")
		if r := b.submit("/forgot-password", "/forgot-password", url.Values{"email": {"owner@bluebakery.example"}}); r.Code != http.StatusOK {
			t.Fatalf("POST /forgot-password = %d", r.Code)
		}
		m := f.mailTo("owner@bluebakery.example")
		if !strings.Contains(m.Text, "http://acme.localhost:8080/reset-password/") || strings.Contains(m.Text, "6666") {
			t.Errorf("reset mail:\n%s\nwant links on http://acme.localhost:8080, the configured port", m.Text)
		}
	})
	t.Run("Alias", func(t *testing.T) {
		f := newFixtureWith(t, withPort)
		if err := f.provider().AddDomain(context.Background(), f.accountID("Acme Hosting"), "alias.acme.localhost"); err != nil {
			t.Fatal(err)
		}
		b := f.browser("alias.acme.localhost:6666")
		if r := b.submit("/forgot-password", "/forgot-password", url.Values{"email": {"owner@bluebakery.example"}}); r.Code != http.StatusOK {
			t.Fatalf("POST /forgot-password on the alias = %d", r.Code)
		}
		m := f.mailTo("owner@bluebakery.example")
		if !strings.Contains(m.Text, "http://acme.localhost:8080/reset-password/") || strings.Contains(m.Text, "alias.") {
			t.Errorf("reset mail:\n%s\nwant links on the primary domain acme.localhost", m.Text)
		}
	})
	t.Run("HTTPSBehindProxy", func(t *testing.T) {
		f := newFixtureWith(t, func(c *web.Config) { c.SecureCookies = true })
		b := f.browser("acme.localhost:6666")
		token := b.token("admin@acme.example")
		r := b.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": "Kappa Kiosk",
			"owner": map[string]string{"email": "k@kappa.example", "name": "Kai"}})
		if r.Code != http.StatusCreated || !strings.Contains(r.body, `"https://acme.localhost/invitations/`) {
			t.Errorf("create = %d %s, want the invitation link on https://acme.localhost", r.Code, excerpt(r.body))
		}
	})
}
