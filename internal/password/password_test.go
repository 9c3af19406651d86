package password_test

import (
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/password"
)

func TestHashVerify(t *testing.T) {
	const pw = "correct horse battery"
	h := password.Hash(pw)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("Hash() = %q, want an argon2id PHC string with the OWASP parameters", h)
	}
	if strings.Contains(h, pw) {
		t.Errorf("Hash() = %q contains the password", h)
	}
	if h2 := password.Hash(pw); h2 == h {
		t.Errorf("Hash() twice = %q both times, want a fresh salt each time", h)
	}
	parts := strings.Split(h, "$")
	tampered := strings.Join(append(parts[:5:5], "AAAA"+parts[5][4:]), "$")

	tests := []struct {
		name    string
		encoded string
		pw      string
		want    bool
	}{
		{"RoundTrip", h, pw, true},
		{"WrongPassword", h, "correct horse battery!", false},
		{"CaseMatters", h, "Correct horse battery", false},
		{"EmptyPassword", h, "", false},
		{"EmptyHashNeverMatches", "", "", false},
		{"EmptyHashNeverMatchesAnything", "", pw, false},
		{"EmptyPasswordRoundTrip", password.Hash(""), "", true},
		{"Unicode", password.Hash("pässwörd-ünïcode"), "pässwörd-ünïcode", true},
		{"Garbage", "not a hash", pw, false},
		{"OtherAlgorithm", strings.Replace(h, "argon2id", "argon2i", 1), pw, false},
		{"BadParams", strings.Replace(h, "m=19456", "m=x", 1), pw, false},
		{"BadSalt", strings.Join(append(parts[:4:4], "!!!", parts[5]), "$"), pw, false},
		{"TamperedKey", tampered, pw, false},
		{"Truncated", h[:len(h)-10], pw, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := password.Verify(tt.encoded, tt.pw); got != tt.want {
				t.Errorf("Verify(%q, %q) = %v, want %v", tt.encoded, tt.pw, got, tt.want)
			}
		})
	}
}

func TestWeakness(t *testing.T) {
	tests := []struct {
		name, pw, email string
		// want is a substring of the reason; "" means acceptable.
		want string
	}{
		{"Good", "correct horse battery", "sam@example.com", ""},
		{"GoodNoEmail", "Tr0ub4dor&3x", "", ""},
		{"ExactlyMin", "abcde-1234", "", ""},
		{"ExactlyMax", strings.Repeat("abcdefgh", 16), "", ""},
		{"Empty", "", "", "at least 10"},
		{"TooShort", "abc-12345", "", "at least 10"},
		{"ShortInBytesNotRunes", "ääääääää", "", "at least 10"},
		{"LongInBytesButFitsInRunes", strings.Repeat("äöüßéèêëîï", 12), "", ""},
		{"TooLong", strings.Repeat("abcdefgh", 16) + "x", "", "at most 128"},
		{"Common", "password123", "", "too common"},
		{"CommonAnyCase", "PassWord123", "", "too common"},
		{"CommonDigits", "1234567890", "", "too common"},
		{"FromEmail", "johnsmith-2024!", "johnsmith@example.com", "email"},
		{"FromEmailAnyCase", "JohnSmith-2024!", "JOHNSMITH@example.com", "email"},
		// local parts shorter than 4 characters are too common to refuse
		{"ShortLocalPartAllowed", "bob-the-builder", "bob@example.com", ""},
		{"DomainPartAllowed", "example-is-fine", "sam@example.com", ""},
		{"LowVariety", "aaaaaaaaaaaa", "", "variety"},
		{"LowVarietyFour", "abcdabcdabcd", "", "variety"},
		{"FiveDistinct", "abcdeabcde", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := password.Weakness(tt.pw, tt.email)
			if tt.want == "" && got != "" {
				t.Errorf("Weakness(%q, %q) = %q, want acceptable", tt.pw, tt.email, got)
			}
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("Weakness(%q, %q) = %q, want it to mention %q", tt.pw, tt.email, got, tt.want)
			}
		})
	}
}
