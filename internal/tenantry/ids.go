package tenantry

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns an opaque, unguessable id with a readable type prefix,
// such as "acc_k3x9...". 80 random bits make ids impossible to enumerate.
func NewID(prefix string) string {
	return prefix + "_" + RandomToken(10)
}

// RandomToken returns n random bytes encoded as lower-case base32.
func RandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return idEncoding.EncodeToString(b)
}

// NormalizeEmail lower-cases and trims an email address so that one person
// has one identity whatever case they type.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
