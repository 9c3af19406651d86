package components

import (
	"testing"

	"github.com/tenantry/tenantry/internal/money"
)

func TestQuantity(t *testing.T) {
	for _, c := range []struct {
		q    money.Micro
		unit string
		want string
	}{
		{12_500_000, "hour", "12.5 hours"},
		{1_000_000, "hour", "1 hour"},
		{556, "hour", "0.000556 hours"},
		{720_000_000, "GB-hour", "720 GB-hours"},
		{1_234_567_890, "GB-hour", "1234.6 GB-hours"},
		{90_000_000, "GB", "90 GB"},
		{2_345_678, "GB-month", "2.35 GB-months"},
		{0, "hour", "0 hours"},
	} {
		if got := Quantity(c.q, c.unit); got != c.want {
			t.Errorf("Quantity(%d, %q) = %q, want %q", c.q, c.unit, got, c.want)
		}
	}
}
