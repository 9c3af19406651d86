package tenantry_test

import (
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// TestUnsafeText checks the one input rule of free text: no control,
// bidi or other invisible formatting characters, line breaks only where
// the text has several lines.
func TestUnsafeText(t *testing.T) {
	tests := []struct {
		name           string
		in             string
		oneLine, multi bool // unsafe as one line, unsafe as several lines
	}{
		{"Plain", "Acme Cloud", false, false},
		{"Accents", "Café Müller & Søn", false, false},
		{"RightToLeftScript", "شركة النور", false, false},
		{"CJK", "雲サービス", false, false},
		{"EmojiZWJ", "Team 👩\u200d💻", false, false},
		{"ZWNJ", "می\u200cخواهم", false, false},
		{"Empty", "", false, false},
		{"NUL", "Acme\x00Cloud", true, true},
		{"Escape", "Acme\x1b[31m", true, true},
		{"DEL", "Acme\x7f", true, true},
		{"C1Control", "Acme\u0085", true, true},
		{"Newline", "Acme\nCloud", true, false},
		{"CRLF", "Acme\r\nCloud", true, false},
		{"Tab", "Acme\tCloud", true, false},
		{"RLO", "invoice\u202egnp.exe", true, true},
		{"LRE", "\u202aAcme", true, true},
		{"PDF", "Acme\u202c", true, true},
		{"RLI", "\u2067Acme\u2069", true, true},
		{"FSI", "\u2068Acme", true, true},
		{"RLM", "Acme\u200f", true, true},
		{"ArabicLetterMark", "Acme\u061c", true, true},
		{"ZeroWidthSpace", "Ac\u200bme", true, true},
		{"BOM", "\ufeffAcme", true, true},
		{"LineSeparator", "Acme\u2028Cloud", true, true},
		{"ParagraphSeparator", "Acme\u2029Cloud", true, true},
		{"TagCharacter", "Acme\U000E0041", true, true},
		{"InvalidUTF8", "Acme\xff", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tenantry.UnsafeText(tt.in); got != tt.oneLine {
				t.Errorf("UnsafeText(%q) = %v, want %v", tt.in, got, tt.oneLine)
			}
			if got := tenantry.UnsafeMultiline(tt.in); got != tt.multi {
				t.Errorf("UnsafeMultiline(%q) = %v, want %v", tt.in, got, tt.multi)
			}
		})
	}
}

// TestFreeTextFields checks that the rule reaches the inputs, through
// the validator tag and through the hand-written checks, with the field's
// message.
func TestFreeTextFields(t *testing.T) {
	rlo := "Acme\u202eduolC"
	ptr := func(s string) *string { return &s }
	tests := []struct {
		name  string
		check func() error
		field string
	}{
		{"AccountName", func() error {
			in := tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: rlo}
			return in.Validate()
		}, "name"},
		{"OwnerName", func() error {
			in := tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Fine",
				Owner: &tenantry.NewOwner{Email: "o@example.com", Name: "Ow\x00ner"}}
			return in.Validate()
		}, "owner.name"},
		{"SuspendReason", func() error { return (&tenantry.AccountUpdate{SuspendReason: ptr(rlo)}).Validate() }, "suspend_reason"},
		{"BrandingName", func() error { return (&tenantry.BrandingUpdate{DisplayName: ptr("Acme\x00")}).Validate() }, "display_name"},
		{"BrandingNameBidi", func() error { return (&tenantry.BrandingUpdate{DisplayName: ptr(rlo)}).Validate() }, "display_name"},
		{"Footer", func() error { return (&tenantry.BrandingUpdate{FooterText: ptr("© Acme\u2066")}).Validate() }, "footer_text"},
		{"InfraName", func() error { return tenantry.Check(tenantry.NewInfrastructure{Name: rlo}) }, "name"},
		{"CostCenterName", func() error { return tenantry.Check(tenantry.CostCenterInput{Name: rlo}) }, "name"},
		{"RoleName", func() error {
			_, _, err := (&tenantry.RoleInput{Name: rlo, Permissions: []string{string(tenantry.AllPermissions[0])}}).Parse()
			return err
		}, "name"},
		{"MetricName", func() error {
			return (&tenantry.Metric{Key: "instance.small", Name: rlo, Unit: tenantry.Units[0]}).Validate()
		}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check()
			e := tenantry.AsError(err)
			if e == nil || e.Kind != tenantry.EINVALID {
				t.Fatalf("error = %v, want EINVALID", err)
			}
			if got := e.Fields[tt.field]; got != tenantry.MsgUnsafeText && got != tenantry.MsgUnsafeMultiline {
				t.Errorf("message on %s = %q (fields %v), want the free-text rule's", tt.field, got, e.Fields)
			}
		})
	}
	t.Run("FooterKeepsLines", func(t *testing.T) {
		if err := (&tenantry.BrandingUpdate{FooterText: ptr("Acme Ltd\nSpringfield\t42")}).Validate(); err != nil {
			t.Errorf("a footer of several lines: %v", err)
		}
	})
}
