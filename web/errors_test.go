package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestNotFoundPageMessage keeps the 404 page's general explanation for a
// bare "not found", and a message written for the case, such as a used
// invitation link's, where there is one.
func TestNotFoundPageMessage(t *testing.T) {
	f := newFixture(t)
	b := f.browser("portal.localhost")
	tests := []struct {
		name, path, want string
	}{
		{"UnknownPath", "/no/such/page", "There is nothing at this address"},
		{"UnknownInvitation", "/invitations/not-a-token", "This invitation is invalid, already used, revoked or expired."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.get(tt.path)
			if r.Code != http.StatusNotFound {
				t.Fatalf("GET %s = %d, want 404", tt.path, r.Code)
			}
			if got, _ := byTestID(r.body, "error-message"); !strings.HasPrefix(got, tt.want) {
				t.Errorf("GET %s says %q, want it to start with %q", tt.path, got, tt.want)
			}
		})
	}
}
