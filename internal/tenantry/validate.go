package tenantry

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/go-playground/validator/v10"
)

// validate is safe for concurrent use and caches struct metadata, so one
// instance serves the process. Field names come from the json tag, which
// forms reuse as input names, so a message lands on the right input
// whichever door the data came through.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// printable refuses control characters (NUL, escapes, newlines) in
	// one-line text such as names
	_ = v.RegisterValidation("printable", func(fl validator.FieldLevel) bool {
		return !HasControl(fl.Field().String())
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
		return "Remove the control characters (such as line breaks) from this text."
	case "oneof":
		return fmt.Sprintf("Choose one of: %s.", strings.ReplaceAll(fe.Param(), " ", ", "))
	default:
		return "This value is not valid."
	}
}

// HasControl reports whether s holds a control character.
func HasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}
