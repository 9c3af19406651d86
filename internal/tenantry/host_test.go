package tenantry_test

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

func TestNormalizeHost(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Plain", "acme.localhost", "acme.localhost"},
		{"Port", "acme.localhost:8080", "acme.localhost"},
		{"EmptyPort", "acme.localhost:", "acme.localhost"},
		{"UpperCase", "ACME.LocalHost", "acme.localhost"},
		{"TrailingDot", "acme.localhost.", "acme.localhost"},
		{"TrailingDotAndPort", "Acme.Localhost.:443", "acme.localhost"},
		{"Spaces", "  acme.localhost  ", "acme.localhost"},
		{"SingleLabel", "localhost:8080", "localhost"},
		{"IPv4", "127.0.0.1:8080", "127.0.0.1"},
		{"IDN", "bücher.example", "xn--bcher-kva.example"},
		{"IDNUpperCaseWithPort", "BÜCHER.example:80", "xn--bcher-kva.example"},
		{"Punycode", "xn--bcher-kva.example", "xn--bcher-kva.example"},
		// an IPv6 literal is never a tenant's domain
		{"IPv6WithPort", "[::1]:8080", ""},
		{"IPv6", "[::1]", ""},
		{"IPv6Bare", "::1", ""},
		{"Empty", "", ""},
		{"Blank", "   ", ""},
		{"Dot", ".", ""},
		{"Dots", "..", ""},
		{"EmptyLabel", "a..b", ""},
		{"LeadingDot", ".acme.localhost", ""},
		{"OnlyPort", ":8080", ""},
		{"NonNumericPort", "acme.localhost:x", ""},
		{"Scheme", "http://acme.localhost", ""},
		{"Path", "acme.localhost/admin", ""},
		{"Space", "acme localhost", ""},
		{"Underscore", "acme_x.localhost", ""},
		{"Userinfo", "evil@acme.localhost", ""},
		{"LeadingHyphen", "-acme.localhost", ""},
		{"Wildcard", "*.acme.localhost", ""},
		{"NUL", "acme.localhost\x00", ""},
		{"PercentEncoded", "%61cme.localhost", ""},
		{"LabelTooLong", strings.Repeat("a", 64) + ".example", ""},
		{"NameTooLong", strings.Repeat("a.", 127) + "example", ""},
		{"LongestLabel", strings.Repeat("a", 63) + ".example", strings.Repeat("a", 63) + ".example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tenantry.NormalizeHost(tt.in); got != tt.want {
				t.Errorf("NormalizeHost(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckFQDN(t *testing.T) {
	good := []struct {
		name, in, want string
	}{
		{"Plain", "panel.example.com", "panel.example.com"},
		{"TwoLabels", "example.com", "example.com"},
		{"UpperCase", "Panel.EXAMPLE.com", "panel.example.com"},
		{"TrailingDot", "panel.example.com.", "panel.example.com"},
		{"Spaces", "  panel.example.com ", "panel.example.com"},
		{"Hyphen", "my-panel.example.com", "my-panel.example.com"},
		{"Digits", "panel1.2example.com", "panel1.2example.com"},
		{"IDN", "bücher.example", "xn--bcher-kva.example"},
		{"Punycode", "xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"LongestLabel", strings.Repeat("a", 63) + ".example", strings.Repeat("a", 63) + ".example"},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			got, why := tenantry.CheckFQDN(tt.in)
			if why != "" {
				t.Fatalf("CheckFQDN(%q) refused: %s", tt.in, why)
			}
			if got != tt.want {
				t.Errorf("CheckFQDN(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}

	bad := []struct {
		name, in string
		// wantWhy is a substring of the message, when it must say something specific.
		wantWhy string
	}{
		{"Empty", "", "Enter a domain name"},
		{"Blank", "   ", "Enter a domain name"},
		{"SchemeHTTPS", "https://panel.example.com", "without http://"},
		{"SchemeHTTP", "http://panel.example.com", "without http://"},
		{"Port", "panel.example.com:8443", "without a port"},
		{"EmptyPort", "panel.example.com:", "without a port"},
		{"Path", "panel.example.com/login", "without a path"},
		{"Query", "panel.example.com?x=1", "without a path"},
		{"Fragment", "panel.example.com#top", "without a path"},
		{"Wildcard", "*.example.com", "Wildcard"},
		{"SingleLabel", "localhost", "fully qualified"},
		{"SingleLabelTrailingDot", "localhost.", "fully qualified"},
		{"LeadingHyphen", "-panel.example.com", ""},
		{"TrailingHyphen", "panel-.example.com", ""},
		{"LabelTooLong", strings.Repeat("a", 64) + ".example.com", ""},
		{"TooLong", strings.Repeat("abcdefghi.", 26) + "com", ""},
		{"Underscore", "_dmarc.example.com", ""},
		{"UnderscoreInside", "my_panel.example.com", ""},
		{"Space", "my panel.example.com", ""},
		{"EmptyLabel", "panel..example.com", ""},
		{"LeadingDot", ".example.com", ""},
		{"BadPunycode", "xn--zz.example", ""},
		{"Userinfo", "me@example.com", ""},
		{"IPv6", "[::1]", ""},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, why := tenantry.CheckFQDN(tt.in)
			if why == "" {
				t.Fatalf("CheckFQDN(%q) = %q, want a refusal", tt.in, got)
			}
			if got != "" {
				t.Errorf("CheckFQDN(%q) returned %q with a refusal, want \"\"", tt.in, got)
			}
			if !strings.Contains(why, tt.wantWhy) {
				t.Errorf("CheckFQDN(%q) says %q, want it to mention %q", tt.in, why, tt.wantWhy)
			}
		})
	}
}
