package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/store"
)

// The redirect after sign-in goes to a path on this host only.
func TestLoginNext(t *testing.T) {
	tests := []struct {
		next, want string
	}{
		{"/reseller", "/reseller"},
		{"/reseller/accounts?q=acme&status=active", "/reseller/accounts?q=acme&status=active"},
		{"/reseller/accounts?q=Caf%C3%A9", "/reseller/accounts?q=Caf%C3%A9"},
		{"/\t/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r/evil.example", ""},
		{"/ /evil.example", ""},
		{"/\\evil.example", ""},
		{"/x\\..\\evil", ""},
		{"//evil.example", ""},
		{"///evil.example", ""},
		{"https://evil.example/", ""},
		{"javascript:alert(1)", ""},
		{"evil.example", ""},
		{"", ""},
		{"/%09/evil.example", ""},
		{"/%2F/evil.example", ""},
		{"/%5Cevil.example", ""},
		{"/%0d%0aSet-Cookie:x=1", ""},
		{"/\u202e/elpmaxe.live", ""},
		{"/%E2%80%AE/elpmaxe.live", ""},
		{"/\x00", ""},
		{"/\u3000/evil.example", ""},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(url.PathEscape(tt.next), func(t *testing.T) {
			b := f.browser("acme.localhost")
			page := b.get("/login?next=" + url.QueryEscape(tt.next))
			if got := inputValueByName(page.body, "next"); got != tt.want {
				t.Errorf("login page keeps next = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("Redirect", func(t *testing.T) {
		for next, want := range map[string]string{"/\t/evil.example": "/reseller", "/reseller/branding": "/reseller/branding"} {
			b := f.browser("acme.localhost")
			r := b.submit("/login", "/login", url.Values{"email": {"admin@acme.example"}, "password": {store.DemoPassword}, "next": {next}})
			if r.Code != http.StatusSeeOther || r.location() != want {
				t.Errorf("sign-in with next %q = %d to %q, want 303 to %q", next, r.Code, r.location(), want)
			}
		}
	})
}

// inputValueByName returns the value of the (hidden) input with that name.
func inputValueByName(body, name string) string {
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		return ""
	}
	v := body[i+len(`name="`+name+`" value="`):]
	v = v[:strings.IndexByte(v, '"')]
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(v)
}
