package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestPostRedirectGet: a refused form is answered with 303 to the page
// it was on, whose next GET shows the refusal (errors and input kept)
// once, to that session only; errors that are not refusals, posts
// without a page or with a page elsewhere are answered as before.
func TestPostRedirectGet(t *testing.T) {
	f := newFixture(t)
	orbit := f.accountID("Orbit IT")
	page := "/provider/accounts/" + orbit + "/service"
	action := "/provider/accounts/" + orbit + "/domain"
	b := f.browser("portal.localhost")
	b.login("admin@nimbus.example")
	other := f.browser("portal.localhost") // the same user, another session
	other.login("admin@nimbus.example")

	if !strings.Contains(b.get(page).body, `name="_page" value="`+page+`"`) {
		t.Fatalf("the forms of %s do not carry their page", page)
	}
	refused := func(t *testing.T) {
		t.Helper()
		r := b.submit(page, action, url.Values{"fqdn": {"acme.localhost"}, "_page": {page}})
		if r.Code != http.StatusSeeOther || r.location() != page {
			t.Fatalf("refused set-domain = %d %q, want 303 to %s", r.Code, r.location(), page)
		}
	}
	clean := func(t *testing.T, br *browser, who string) {
		t.Helper()
		r := br.get(page)
		if _, ok := byTestID(r.body, "error-fqdn"); r.Code != http.StatusOK || ok || strings.Contains(r.body, `value="acme.localhost"`) {
			t.Errorf("%s: GET %s = %d with the refusal (error shown: %v), want a clean form", who, page, r.Code, ok)
		}
	}

	t.Run("ShownOnce", func(t *testing.T) {
		refused(t)
		clean(t, other, "another session")
		r := b.get(page)
		if r.Code != http.StatusConflict {
			t.Errorf("GET after the refusal = %d, want 409", r.Code)
		}
		if msg, _ := byTestID(r.body, "error-fqdn"); msg == "" || !strings.Contains(r.body, `value="acme.localhost"`) {
			t.Errorf("the refusal lost its error (%q) or the typed input", msg)
		}
		if !strings.Contains(r.body, `name="_page" value="`+page+`"`) || strings.Contains(r.body, `name="_page" value="`+action+`"`) {
			t.Errorf("the forms of the refusal shown do not name %s as their page", page)
		}
		clean(t, b, "a second GET")
	})

	t.Run("OtherPageFirst", func(t *testing.T) {
		refused(t)
		if r := b.get("/provider/accounts"); r.Code != http.StatusOK {
			t.Errorf("another page meanwhile = %d", r.Code)
		}
		if r := b.get(page); r.Code != http.StatusConflict {
			t.Errorf("GET of the form's page after another = %d, want 409 (the refusal kept for it)", r.Code)
		}
	})

	t.Run("Expired", func(t *testing.T) {
		refused(t)
		real := f.db.Now
		f.db.Now = func() time.Time { return real().Add(6 * time.Minute) }
		defer func() { f.db.Now = real }()
		clean(t, b, "six minutes later")
	})

	t.Run("NoPage", func(t *testing.T) {
		r := b.submit(page, action, url.Values{"fqdn": {"acme.localhost"}})
		if r.Code != http.StatusConflict {
			t.Errorf("refused post without a page = %d, want 409 as before", r.Code)
		}
	})

	t.Run("PageElsewhere", func(t *testing.T) {
		for _, p := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "/api/v1/me", "relative"} {
			r := b.submit(page, action, url.Values{"fqdn": {"acme.localhost"}, "_page": {p}})
			if r.Code != http.StatusConflict || r.location() != "" {
				t.Errorf("_page %q: %d %q, want the refusal at the post's address", p, r.Code, r.location())
			}
		}
	})

	t.Run("NotARefusal", func(t *testing.T) {
		// Acme's admin names Orbit's account, which is not below Acme:
		// the usual 404 at the post's address, and nothing kept
		acme := f.browser(acmeHost)
		acme.login("admin@acme.example")
		own := "/reseller/accounts"
		r := acme.submit(own, "/reseller/accounts/"+orbit+"/domain", url.Values{"fqdn": {"x.localhost"}, "_page": {own}})
		if r.Code != http.StatusNotFound || r.location() != "" {
			t.Errorf("set-domain on another tenant's account = %d %q, want 404", r.Code, r.location())
		}
		if r := acme.get(own); r.Code != http.StatusOK {
			t.Errorf("GET %s after the 404 = %d, want 200", own, r.Code)
		}
	})

	t.Run("OtherTenant", func(t *testing.T) {
		// on Acme's domain: its admin sets Beta's domain to Orbit's
		acme := f.browser(acmeHost)
		acme.login("admin@acme.example")
		beta := f.accountID("Beta Resale")
		own := "/reseller/accounts/" + beta + "/service"
		r := acme.submit(own, "/reseller/accounts/"+beta+"/domain", url.Values{"fqdn": {"orbit.localhost"}, "_page": {own}})
		if r.Code != http.StatusSeeOther || r.location() != own {
			t.Fatalf("refused set-domain on acme = %d %q, want 303 to %s", r.Code, r.location(), own)
		}
		if msg, _ := byTestID(acme.get(own).body, "error-fqdn"); msg == "" {
			t.Errorf("the refusal on acme shows no error")
		}
		clean(t, b, "the provider's session")
	})
}
