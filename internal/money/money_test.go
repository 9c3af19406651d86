package money_test

import (
	"errors"
	"testing"

	"github.com/tenantry/tenantry/internal/money"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want money.Micro
		err  error
	}{
		{"0", 0, nil},
		{"12", 12_000_000, nil},
		{"12.5", 12_500_000, nil},
		{"0.004200", 4_200, nil},
		{"0.000001", 1, nil},
		{" 3.10 ", 3_100_000, nil},
		{"1.1000000", 1_100_000, nil},
		{"0.0000001", 0, money.ErrTooPrecise},
		{"-1", 0, money.ErrNegative},
		{"1e3", 0, money.ErrSyntax},
		{"abc", 0, money.ErrSyntax},
		{"", 0, money.ErrSyntax},
		{"1,5", 0, money.ErrSyntax},
		{"99999999999999999999", 0, money.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := money.Parse(tt.in)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Errorf("Parse(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		m           money.Micro
		fixed2      string
		fixed6, str string
	}{
		{0, "0.00", "0.000000", "0.00"},
		{4_200, "0.00", "0.004200", "0.0042"},
		{12_500_000, "12.50", "12.500000", "12.50"},
		{8_875_000, "8.88", "8.875000", "8.875"},
		{5_000, "0.01", "0.005000", "0.005"}, // half away from zero
		{20_000_000, "20.00", "20.000000", "20.00"},
	}
	for _, tt := range tests {
		if got := tt.m.Fixed(2); got != tt.fixed2 {
			t.Errorf("%d.Fixed(2) = %q, want %q", tt.m, got, tt.fixed2)
		}
		if got := tt.m.Fixed(6); got != tt.fixed6 {
			t.Errorf("%d.Fixed(6) = %q, want %q", tt.m, got, tt.fixed6)
		}
		if got := tt.m.String(); got != tt.str {
			t.Errorf("%d.String() = %q, want %q", tt.m, got, tt.str)
		}
	}
}
