// Package money holds exact decimal amounts as integer millionths
// ("micro-units"). The database stores them as integers so that SQL sums
// stay exact; parsing and formatting go through shopspring/decimal, never
// through float64.
package money

import (
	"errors"
	"math"
	"strings"

	"github.com/shopspring/decimal"
)

// Micro is an amount, price, quantity or percentage in millionths.
type Micro int64

// Places is how many decimal places a Micro keeps.
const Places = 6

// ErrTooPrecise, ErrNegative, ErrTooLarge and ErrSyntax say why a decimal
// string was refused.
var (
	ErrSyntax     = errors.New("not a decimal number")
	ErrTooPrecise = errors.New("more than 6 decimal places")
	ErrNegative   = errors.New("negative")
	ErrTooLarge   = errors.New("too large")
)

// Parse reads a non-negative decimal string such as "0.0042" or "12".
func Parse(s string) (Micro, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrSyntax
	}
	d, err := decimal.NewFromString(s)
	if err != nil || strings.ContainsAny(s, "eE") {
		return 0, ErrSyntax
	}
	if d.IsNegative() {
		return 0, ErrNegative
	}
	shifted := d.Shift(Places)
	if !shifted.Equal(shifted.Truncate(0)) {
		return 0, ErrTooPrecise
	}
	if shifted.GreaterThan(decimal.NewFromInt(math.MaxInt64 / 1000)) {
		return 0, ErrTooLarge
	}
	return Micro(shifted.IntPart()), nil
}

// Message explains a Parse error to a person.
func Message(err error) string {
	switch {
	case errors.Is(err, ErrTooPrecise):
		return "Use at most 6 decimal places."
	case errors.Is(err, ErrNegative):
		return "Enter zero or more."
	case errors.Is(err, ErrTooLarge):
		return "This number is too large."
	default:
		return "Enter a number such as 12.50."
	}
}

// Decimal returns m as an exact decimal.
func (m Micro) Decimal() decimal.Decimal { return decimal.New(int64(m), -Places) }

// Fixed formats m with exactly n decimal places, rounding half away from
// zero when n < 6: Fixed(2) for money, Fixed(6) for unit prices.
func (m Micro) Fixed(n int32) string { return m.Decimal().StringFixed(n) }

// String formats m with as many places as it needs, at least two:
// "20.00", "8.875", "0.004200" → "0.0042".
func (m Micro) String() string {
	s := m.Decimal().String()
	dot := strings.IndexByte(s, '.')
	switch {
	case dot < 0:
		return s + ".00"
	case len(s)-dot-1 < 2:
		return s + "0"
	}
	return s
}
