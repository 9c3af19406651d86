package tenantry

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"
)

// idEncoding is base32 with an alphabet in ASCII order, so that encoded ids
// sort like the bytes they encode.
var idEncoding = base32.NewEncoding("234567abcdefghijklmnopqrstuvwxyz").WithPadding(base32.NoPadding)

// NewID returns an opaque id with a readable type prefix, such as
// "acc_aaaqx3...": a millisecond timestamp, so that ids (and the account
// paths built from them) sort in creation order, then 64 random bits, so
// that ids cannot be guessed in sequence.
func NewID(prefix string) string {
	var b [14]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(b[6:])
	return prefix + "_" + idEncoding.EncodeToString(b[:])
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
