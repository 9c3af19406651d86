package tenantry

import (
	"net"
	"strings"

	"golang.org/x/net/idna"
)

// NormalizeHost turns a request's Host header into the key of the domains
// table: lower-cased, port and trailing dot stripped, IDN in punycode. It
// returns "" when the host cannot be a domain name.
func NormalizeHost(host string) string {
	host = strings.TrimSpace(host)
	if h, port, err := net.SplitHostPort(host); err == nil {
		// SplitHostPort does not look at the port: "http://x.com" would
		// otherwise become the host "http"
		if strings.Trim(port, "0123456789") != "" {
			return ""
		}
		host = h
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return ""
	}
	ascii, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return ""
	}
	// the Lookup profile does not check lengths, so "a..b" and overlong
	// labels pass it; neither can be a domain name
	if len(ascii) > 253 {
		return ""
	}
	for _, l := range strings.Split(ascii, ".") {
		if len(l) == 0 || len(l) > 63 {
			return ""
		}
	}
	return strings.ToLower(ascii)
}

// CheckFQDN validates a domain name typed by a user and returns it in its
// stored form (lower-case, punycode). It refuses schemes, ports, paths,
// wildcards and single labels with a message saying what is wrong.
func CheckFQDN(s string) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", "Enter a domain name such as panel.example.com."
	case strings.Contains(s, "://"):
		return "", "Enter the domain name only, without http:// or https://."
	case strings.ContainsAny(s, "/?#"):
		return "", "Enter the domain name only, without a path."
	case strings.Contains(s, ":"):
		return "", "Enter the domain name without a port."
	case strings.Contains(s, "*"):
		return "", "Wildcard domains are not supported."
	}
	s = strings.TrimSuffix(s, ".")
	ascii, err := idna.Registration.ToASCII(strings.ToLower(s))
	if err != nil {
		return "", "This is not a valid domain name."
	}
	if len(ascii) > 253 {
		return "", "A domain name has at most 253 characters."
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", "Enter a fully qualified name, such as panel.example.com."
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", "Each part between dots must have 1 to 63 characters and not start or end with a hyphen."
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return "", "Use only letters, digits, hyphens and dots."
			}
		}
	}
	return ascii, ""
}
