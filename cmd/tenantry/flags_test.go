package main

import (
	"errors"
	"testing"
)

// The links in mail come from configuration: by default what `make run`
// needs (http on the listening port), https with no port behind a TLS
// proxy, or what --public-scheme and --public-port say.
func TestPublicLinks(t *testing.T) {
	tests := []struct {
		name, scheme, port string
		secure             bool
		listening          string
		wantScheme         string
		wantPort           string
	}{
		{"MakeRun", "", "", false, "[::]:8080", "http", "8080"},
		{"Port80", "", "", false, "0.0.0.0:80", "http", ""},
		{"BehindTLSProxy", "", "", true, "127.0.0.1:8080", "https", ""},
		{"Configured", "https", "8443", false, "127.0.0.1:8080", "https", "8443"},
		{"DefaultPortDropped", "https", "443", true, "127.0.0.1:8080", "https", ""},
		{"HTTPWithPort", "http", "9000", true, "127.0.0.1:8080", "http", "9000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scheme, port, err := publicLinks(tt.scheme, tt.port, tt.secure, tt.listening)
			if err != nil {
				t.Fatal(err)
			}
			if scheme != tt.wantScheme || port != tt.wantPort {
				t.Errorf("publicLinks = %q, %q, want %q, %q", scheme, port, tt.wantScheme, tt.wantPort)
			}
		})
	}
	for _, bad := range [][2]string{{"javascript", ""}, {"ftp", ""}, {"https", "http"}, {"http", "0"}, {"http", "70000"}} {
		if _, _, err := publicLinks(bad[0], bad[1], false, ":8080"); !errors.Is(err, errUsage) {
			t.Errorf("publicLinks(%q, %q) error = %v, want a usage error", bad[0], bad[1], err)
		}
	}
}
