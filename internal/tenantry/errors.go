// Package tenantry holds Tenantry's domain: accounts, users, roles and the
// rules between them. It has no HTTP and no SQL; the store and web layers
// depend on it, never the other way round.
package tenantry

import (
	"errors"
	"fmt"
)

// Error kinds. The web layer maps each to one HTTP status in one table.
const (
	EMALFORMED    = "bad_request"  // the request cannot even be read (bad JSON)
	EINVALID      = "invalid"      // the input breaks a rule; Fields says which
	ENOTFOUND     = "not_found"    // absent, or not visible to the caller
	EFORBIDDEN    = "forbidden"    // visible, but the caller may not do this
	ECONFLICT     = "conflict"     // clashes with existing data (duplicate email, domain)
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	ETHROTTLED    = "throttled"    // too many failures; try again later
	EINTERNAL     = "internal"     // a bug or an outage; details are logged, never shown
)

// Error is a domain error that is safe to show to the user.
type Error struct {
	// Kind is one of the E* constants above.
	Kind string
	// Code is a stable machine-readable code for API clients, such as
	// "account_suspended". It defaults to Kind.
	Code string
	// Message is a human-readable explanation shown to the user.
	Message string
	// Fields maps a form or JSON field name to why its value was refused.
	Fields map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("tenantry error: kind=%s code=%s message=%s", e.Kind, e.Code, e.Message)
}

// Errorf returns an Error of the given kind with a formatted message.
func Errorf(kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error carrying per-field messages.
func Invalid(fields map[string]string) *Error {
	return &Error{Kind: EINVALID, Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: fields}
}

// ErrNotFound is the error for anything absent or invisible to the caller.
// Both cases share it on purpose: existence must never leak across tenants.
var ErrNotFound = &Error{Kind: ENOTFOUND, Code: ENOTFOUND, Message: "Not found."}

// ErrorKind returns the kind of err, or EINTERNAL when err is not an *Error.
func ErrorKind(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return EINTERNAL
}

// AsError returns err as an *Error, or nil when it is not one.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
