package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

// NUL and bidi overrides are refused in every free-text field, whichever
// door the text comes through, with the field's message, and nothing is
// stored.
func TestFreeTextRefused(t *testing.T) {
	const rlo = "Acme\u202eduolC"
	t.Run("BrandingForm", func(t *testing.T) {
		for name, fields := range map[string]url.Values{
			"NULName":    brandingFields("Acme\x00Cloud", "", "", "kept footer", ""),
			"BidiName":   brandingFields(rlo, "", "", "kept footer", ""),
			"BidiFooter": brandingFields("Kept Name", "", "", "© Acme \u2067evil\u2069", ""),
		} {
			t.Run(name, func(t *testing.T) {
				f := newFixture(t)
				before := *f.branding("Acme Hosting")
				b := f.browser("acme.localhost")
				b.login("admin@acme.example")
				r := b.submitMultipart("/reseller/branding", "/reseller/branding", fields)
				if r.Code != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422; body: %s", r.Code, excerpt(r.body))
				}
				field := "display_name"
				if name == "BidiFooter" {
					field = "footer_text"
				}
				if got, _ := byTestID(r.body, "error-"+field); !strings.Contains(got, "invisible formatting characters") {
					t.Errorf("error on %s = %q, want the free-text rule's message", field, got)
				}
				if after := *f.branding("Acme Hosting"); after != before {
					t.Errorf("branding changed to %+v", after)
				}
			})
		}
	})
	t.Run("BrandingAPI", func(t *testing.T) {
		f := newFixture(t)
		before := *f.branding("Acme Hosting")
		b := f.browser("acme.localhost")
		token := b.token("admin@acme.example")
		r := b.api(http.MethodPut, "/api/v1/accounts/"+f.accountID("Acme Hosting")+"/branding", token,
			map[string]string{"display_name": "Acme\x00", "footer_text": "\u202eok"})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["display_name"] == "" || e.Error.Fields["footer_text"] == "" {
			t.Errorf("PUT = %d %+v, want 422 on display_name and footer_text", r.Code, e)
		}
		if after := *f.branding("Acme Hosting"); after != before {
			t.Errorf("branding changed to %+v", after)
		}
	})
	t.Run("PanelTokenName", func(t *testing.T) {
		f := newFixture(t)
		b := f.browser("acme.localhost")
		b.login("admin@acme.example")
		r := b.submit("/profile", "/profile/tokens", url.Values{"token_name": {rlo}, "token_password": {store.DemoPassword}})
		if r.Code != http.StatusUnprocessableEntity || newTokenSecret.MatchString(r.body) {
			t.Fatalf("token named with a bidi override = %d, want 422 and no secret", r.Code)
		}
		if got, _ := byTestID(r.body, "error-token_name"); got != tenantry.MsgUnsafeText {
			t.Errorf("error on token_name = %q, want %q", got, tenantry.MsgUnsafeText)
		}
	})
	t.Run("APITokenName", func(t *testing.T) {
		f := newFixture(t)
		b := f.browser("acme.localhost")
		r := b.api(http.MethodPost, "/api/v1/auth/token", "", map[string]string{
			"email": "admin@acme.example", "password": store.DemoPassword, "name": "ci\x00" + rlo})
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["name"] != tenantry.MsgUnsafeText {
			t.Errorf("POST /api/v1/auth/token = %d %+v, want 422 on name", r.Code, e)
		}
	})
}
