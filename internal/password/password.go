// Package password hashes and checks passwords with argon2id, and judges
// whether a new password is strong enough. Forms and the API share it, so a
// password is checked the same way wherever it is set.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Parameters follow OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane):
// strong enough against offline guessing, cheap enough to keep a login
// well under 100 ms on a small machine.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	keyLen    = 32
	saltLen   = 16
)

// MinLength and MaxLength bound a new password's length in characters.
const (
	MinLength = 10
	MaxLength = 128
)

// Hash returns an encoded argon2id hash of pw in the PHC string format.
func Hash(pw string) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// dummyHash is verified against when there is no user, so that an unknown
// email takes as long to refuse as a wrong password.
var dummyHash = Hash("tenantry-dummy-password")

// Verify reports whether pw matches the encoded hash. An empty hash (a user
// who never set a password) matches nothing, after the same amount of work.
func Verify(encoded, pw string) bool {
	if encoded == "" {
		verify(dummyHash, pw)
		return false
	}
	return verify(encoded, pw)
}

func verify(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// common holds passwords that meet the length rule but are guessed first.
var common = map[string]bool{
	"password123": true, "password1234": true, "1234567890": true, "qwertyuiop": true,
	"letmein123": true, "iloveyou12": true, "administrator": true, "changeme123": true,
	"welcome123": true, "passw0rd123": true, "0123456789": true, "abcdefghij": true,
}

// Weakness explains why pw is too weak for the account with this email, or
// returns "" when it is acceptable.
func Weakness(pw, email string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return fmt.Sprintf("Use at least %d characters.", MinLength)
	case n > MaxLength:
		return fmt.Sprintf("Use at most %d characters.", MaxLength)
	case common[strings.ToLower(pw)]:
		return "This password is too common; choose another."
	case email != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(strings.Split(email, "@")[0])) && len(strings.Split(email, "@")[0]) >= 4:
		return "Do not build the password from your email address."
	case distinct(pw) < 5:
		return "Use a greater variety of characters."
	}
	return ""
}

func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}
