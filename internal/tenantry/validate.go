package tenantry

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

// validate is safe for concurrent use and caches struct metadata, so one
// instance serves the process. Field names come from the json tag, which
// forms reuse as input names, so a message lands on the right input
// whichever door the data came through.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// the one input rule of free text (see UnsafeText): printable for
	// one-line text such as names, multiline where line breaks and tabs
	// belong (a footer)
	_ = v.RegisterValidation("printable", func(fl validator.FieldLevel) bool {
		return !UnsafeText(fl.Field().String())
	})
	_ = v.RegisterValidation("multiline", func(fl validator.FieldLevel) bool {
		return !UnsafeMultiline(fl.Field().String())
	})
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name := strings.SplitN(f.Tag.Get("json"), ",", 2)[0]
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

// Check validates s against its `validate` tags and returns nil or an
// EINVALID error with one human message per offending field, keyed by the
// field's json name (nested fields as "owner.email").
func Check(s any) error {
	fields := FieldErrors(s)
	if len(fields) == 0 {
		return nil
	}
	return Invalid(fields)
}

// FieldErrors is Check's map of messages, for callers that add their own.
func FieldErrors(s any) map[string]string {
	err := validate.Struct(s)
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return map[string]string{}
	}
	fields := make(map[string]string, len(verrs))
	for _, fe := range verrs {
		// Namespace is "NewAccount.owner.email": drop the type name.
		key := fe.Namespace()
		if i := strings.IndexByte(key, '.'); i >= 0 {
			key = key[i+1:]
		}
		if _, seen := fields[key]; !seen {
			fields[key] = message(fe)
		}
	}
	return fields
}

func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "This field is required."
	case "email":
		return "Enter a valid email address."
	case "max":
		return fmt.Sprintf("Use at most %s characters.", fe.Param())
	case "min":
		return fmt.Sprintf("Use at least %s characters.", fe.Param())
	case "printable":
		return MsgUnsafeText
	case "multiline":
		return MsgUnsafeMultiline
	case "oneof":
		return fmt.Sprintf("Choose one of: %s.", strings.ReplaceAll(fe.Param(), " ", ", "))
	default:
		return "This value is not valid."
	}
}

// Messages of the input rule of free text, for fields checked by hand.
const (
	MsgUnsafeText      = "Remove the line breaks, control characters and invisible formatting characters (such as text-direction overrides) from this text."
	MsgUnsafeMultiline = "Remove the control characters and invisible formatting characters (such as text-direction overrides) from this text."
)

// UnsafeText reports whether one-line free text (a name, a reason) holds
// what no such text may: invalid UTF-8, a control character (NUL, escape,
// tab, line break), a line or paragraph separator, or a format character
// (Unicode Cf: the bidi overrides, embeddings, isolates and marks
// U+202A–U+202E, U+2066–U+2069, U+200E/F and U+061C, zero-width spaces,
// the byte-order mark, tag characters), which would let the text read
// differently from what it is, in a page, a log or a mail header. The
// zero-width joiner and non-joiner stay allowed: emoji sequences and
// several scripts need them.
func UnsafeText(s string) bool { return unsafeText(s, false) }

// UnsafeMultiline is UnsafeText for text of several lines (a footer): it
// allows tabs and line breaks (\n, \r\n).
func UnsafeMultiline(s string) bool { return unsafeText(s, true) }

func unsafeText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case r == '\u200c' || r == '\u200d': // ZWNJ, ZWJ
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', unicode.Is(unicode.Cf, r):
			return true
		}
	}
	return false
}
