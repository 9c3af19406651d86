package tenantry

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseColor(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means refused
	}{
		{"#2451b7", "#2451b7"},
		{"#2451B7", "#2451b7"},
		{"  #ABCDEF ", "#abcdef"},
		{"#000000", "#000000"},
		{"#FFFFFF", "#ffffff"},
		{"", ""},
		{"2451b7", ""},
		{"#fff", ""},
		{"#12345", ""},
		{"#1234567", ""},
		{"#ggg000", ""},
		{"red", ""},
		{"#12 456", ""},
		{"rgb(1,2,3)", ""},
		{"#2451b7;}body{display:none", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseColor(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("ParseColor(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.want != "")
			}
		})
	}
}

func TestContrast(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 0.005 }
	lum := []struct {
		color string
		want  float64
	}{
		{"#000000", 0},
		{"#ffffff", 1},
		{"#ff0000", 0.2126},
		{"#00ff00", 0.7152},
		{"#0000ff", 0.0722},
		{"#808080", 0.2159},
	}
	for _, tt := range lum {
		t.Run("Luminance"+tt.color, func(t *testing.T) {
			if got := Luminance(tt.color); !near(got, tt.want) {
				t.Errorf("Luminance(%s) = %.4f, want %.4f", tt.color, got, tt.want)
			}
		})
	}
	ratios := []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#000000", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey that passes AA on white
		{"#777777", "#ffffff", 4.48}, // one step lighter fails
		{"#2451b7", "#ffffff", 7.15},
		{"#ff0000", "#ffffff", 4.00},
	}
	for _, tt := range ratios {
		t.Run("Ratio"+tt.a+"on"+tt.b, func(t *testing.T) {
			if got := ContrastRatio(tt.a, tt.b); !near(got, tt.want) {
				t.Errorf("ContrastRatio(%s, %s) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
			}
		})
	}
	text := []struct{ bg, want string }{
		{"#000000", White},
		{"#ffffff", Black},
		{"#2451b7", White},
		{"#ffff00", Black},
		{"#808080", Black},
		{"#0f766e", White},
		{"#ff6600", Black},
		{"#7f1d1d", White},
	}
	for _, tt := range text {
		t.Run("TextOn"+tt.bg, func(t *testing.T) {
			if got := TextColor(tt.bg); got != tt.want {
				t.Errorf("TextColor(%s) = %s, want %s", tt.bg, got, tt.want)
			}
		})
	}
	t.Run("TextAlwaysReadable", func(t *testing.T) {
		// API.md: text on a brand colour stays at 4.5:1 or more, whatever
		// the colour; a sweep of the RGB cube, its grey line included
		worst := 21.0
		for r := 0; r <= 255; r += 15 {
			for g := 0; g <= 255; g += 15 {
				for b := 0; b <= 255; b += 15 {
					bg := fmt.Sprintf("#%02x%02x%02x", r, g, b)
					worst = min(worst, ContrastRatio(bg, TextColor(bg)))
					if why := CheckColor(bg); why != "" {
						t.Fatalf("CheckColor(%s) = %q, want it accepted", bg, why)
					}
				}
			}
		}
		for v := 0; v <= 255; v++ {
			bg := fmt.Sprintf("#%02x%02x%02x", v, v, v)
			worst = min(worst, ContrastRatio(bg, TextColor(bg)))
		}
		if worst < MinContrast {
			t.Errorf("worst contrast of the automatic text colour = %.2f, want >= %.1f", worst, MinContrast)
		}
	})
	for _, fg := range []string{"#2451b7", "#000000", "#ffff00", "#ffffff", "#7dd3fc", "#ff6600"} {
		t.Run("InkOn"+fg, func(t *testing.T) {
			got := InkOn(fg, PageBackground)
			if r := ContrastRatio(got, PageBackground); r < MinContrast {
				t.Errorf("InkOn(%s) = %s with contrast %.2f, want >= %.1f", fg, got, r, MinContrast)
			}
			if ContrastRatio(fg, PageBackground) >= MinContrast && got != fg {
				t.Errorf("InkOn(%s) = %s, want the readable colour unchanged", fg, got)
			}
		})
	}
}

func TestPalette(t *testing.T) {
	tests := []struct {
		name string
		b    *Branding
		want Palette
	}{
		{"Nil", nil, Palette{"#2451b7", White, "#2451b7", "#2451b7", White}},
		{"Empty", &Branding{}, Palette{"#2451b7", White, "#2451b7", "#2451b7", White}},
		{"Both", &Branding{PrimaryColor: "#ffff00", AccentColor: "#7f1d1d"},
			Palette{"#ffff00", Black, InkOn("#ffff00", PageBackground), "#7f1d1d", White}},
		{"AccentFollowsPrimary", &Branding{PrimaryColor: "#0f766e"}, Palette{"#0f766e", White, "#0f766e", "#0f766e", White}},
		{"BadStoredValueIgnored", &Branding{PrimaryColor: "red;}", AccentColor: "#ffffff"},
			Palette{"#2451b7", White, "#2451b7", "#ffffff", Black}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Palette(); got != tt.want {
				t.Errorf("Palette() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBrandingName(t *testing.T) {
	a := &Account{Name: "Acme Hosting"}
	if got := (*Branding)(nil).Name(a); got != "Acme Hosting" {
		t.Errorf("nil branding: Name = %q", got)
	}
	if got := (&Branding{}).Name(a); got != "Acme Hosting" {
		t.Errorf("no display name: Name = %q", got)
	}
	if got := (&Branding{DisplayName: "Acme Cloud"}).Name(a); got != "Acme Cloud" {
		t.Errorf("display name: Name = %q", got)
	}
	if got := (&Branding{}).Version(); got != "0" {
		t.Errorf("Version of a never saved branding = %q, want 0", got)
	}
	if got := (&Branding{UpdatedAt: time.UnixMilli(1700000000123)}).Version(); got != "1700000000123" {
		t.Errorf("Version = %q", got)
	}
}

func TestBrandingUpdateValidate(t *testing.T) {
	s := func(v string) *string { return &v }
	tests := []struct {
		name  string
		in    BrandingUpdate
		field string // "" means valid
	}{
		{"Empty", BrandingUpdate{}, ""},
		{"Everything", BrandingUpdate{DisplayName: s("Acme Cloud"), PrimaryColor: s("#112233"), AccentColor: s("#FFAA00"),
			FooterText: s("© Acme"), SupportEmail: s("Help@Acme.example")}, ""},
		{"ClearColours", BrandingUpdate{PrimaryColor: s(""), AccentColor: s("  ")}, ""},
		{"DisplayName100Runes", BrandingUpdate{DisplayName: s(strings.Repeat("é", 100))}, ""},
		{"DisplayName101Runes", BrandingUpdate{DisplayName: s(strings.Repeat("é", 101))}, "display_name"},
		{"DisplayNameTwoLines", BrandingUpdate{DisplayName: s("Acme\nCloud")}, "display_name"},
		{"Footer500", BrandingUpdate{FooterText: s(strings.Repeat("x", 500))}, ""},
		{"Footer501", BrandingUpdate{FooterText: s(strings.Repeat("x", 501))}, "footer_text"},
		{"PrimaryShort", BrandingUpdate{PrimaryColor: s("#fff")}, "primary_color"},
		{"PrimaryName", BrandingUpdate{PrimaryColor: s("blue")}, "primary_color"},
		{"AccentInjection", BrandingUpdate{AccentColor: s("#000;}*{x:y")}, "accent_color"},
		{"SupportEmail", BrandingUpdate{SupportEmail: s("not-an-email")}, "support_email"},
		{"SupportEmailCleared", BrandingUpdate{SupportEmail: s("")}, ""},
		{"LogoSVG", BrandingUpdate{Logo: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)}, "logo"},
		{"LogoGood", BrandingUpdate{Logo: pngOf(t, 120, 40)}, ""},
		{"FaviconWide", BrandingUpdate{Favicon: pngOf(t, 64, 32)}, "favicon"},
		{"FaviconGood", BrandingUpdate{Favicon: pngOf(t, 32, 32)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			err := in.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v (%v), want nil", err, AsError(err).Fields)
				}
				return
			}
			e := AsError(err)
			if e == nil || e.Kind != EINVALID || e.Fields[tt.field] == "" {
				t.Fatalf("Validate() = %v, want EINVALID on %s", err, tt.field)
			}
			if len(e.Fields) != 1 {
				t.Errorf("fields = %v, want only %s", e.Fields, tt.field)
			}
		})
	}
	t.Run("ApplyNormalizes", func(t *testing.T) {
		b := &Branding{DisplayName: "Old", FooterText: "kept"}
		in := BrandingUpdate{DisplayName: s("  Acme Cloud "), PrimaryColor: s("#ABCDEF"), SupportEmail: s(" Help@Acme.Example "),
			Logo: pngOf(t, 64, 64)}
		if err := in.Apply(b); err != nil {
			t.Fatal(err)
		}
		want := Branding{DisplayName: "Acme Cloud", PrimaryColor: "#abcdef", FooterText: "kept",
			SupportEmail: "help@acme.example", LogoType: "image/png"}
		if *b != want {
			t.Errorf("after Apply: %+v, want %+v", *b, want)
		}
	})
	t.Run("ApplyRefusedLeavesBrandingAlone", func(t *testing.T) {
		b := &Branding{DisplayName: "Old"}
		in := BrandingUpdate{DisplayName: s("New"), PrimaryColor: s("nope")}
		if err := in.Apply(b); ErrorKind(err) != EINVALID {
			t.Fatalf("Apply = %v, want EINVALID", err)
		}
		if b.DisplayName != "Old" {
			t.Errorf("display name = %q after a refused update", b.DisplayName)
		}
	})
}

// pngOf encodes a w×h PNG with a little pattern in it.
func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), 0x80, 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gifOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// webpOf builds a lossless WebP of one colour by hand (the standard
// library has no WebP encoder): a VP8L header and five one-symbol prefix
// codes, so that every pixel takes no bits at all.
func webpOf(w, h int) []byte {
	var bits uint64
	var n uint
	var out []byte
	put := func(v uint64, width uint) {
		bits |= v << n
		n += width
		for n >= 8 {
			out = append(out, byte(bits))
			bits >>= 8
			n -= 8
		}
	}
	put(0x2f, 8)
	put(uint64(w-1), 14)
	put(uint64(h-1), 14)
	put(0, 1) // no alpha
	put(0, 3) // version 0
	put(0, 1) // no transform
	put(0, 1) // no colour cache
	put(0, 1) // no meta prefix codes
	// green, red, blue and alpha: one symbol each
	for _, sym := range []uint64{0x80, 0x40, 0xc0, 0xff} {
		put(1, 1) // simple code
		put(0, 1) // one symbol
		put(1, 1) // of 8 bits
		put(sym, 8)
	}
	put(1, 1) // distance: simple code
	put(0, 1) // one symbol
	put(0, 1) // of 1 bit
	put(0, 1)
	if n > 0 {
		out = append(out, byte(bits))
	}
	chunk := append([]byte("VP8L"), binary.LittleEndian.AppendUint32(nil, uint32(len(out)))...)
	chunk = append(chunk, out...)
	if len(out)%2 == 1 {
		chunk = append(chunk, 0)
	}
	riff := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(chunk)))...)
	return append(append(riff, "WEBP"...), chunk...)
}

func TestImageRuleCheck(t *testing.T) {
	big := append(pngOf(t, 64, 64), make([]byte, MaxImageBytes)...)
	truncated := pngOf(t, 200, 100)
	truncated = truncated[:len(truncated)/2]
	tests := []struct {
		name     string
		rule     ImageRule
		data     []byte
		wantType string // "" means refused
		wantMsg  string // part of the refusal
	}{
		{"PNG", LogoRule, pngOf(t, 240, 80), "image/png", ""},
		{"JPEG", LogoRule, jpegOf(t, 300, 100), "image/jpeg", ""},
		{"WebP", LogoRule, webpOf(48, 24), "image/webp", ""},
		{"Smallest", LogoRule, pngOf(t, 16, 16), "image/png", ""},
		{"Largest", LogoRule, pngOf(t, 2000, 16), "image/png", ""},
		{"TooNarrow", LogoRule, pngOf(t, 15, 100), "", "at least 16×16"},
		{"TooTiny", LogoRule, webpOf(8, 8), "", "at least 16×16"},
		{"TooWide", LogoRule, pngOf(t, 2001, 16), "", "at most 2000×2000"},
		{"TooManyBytes", LogoRule, big, "", "larger than 512 KiB"},
		{"Empty", LogoRule, []byte{}, "", "empty"},
		{"SVG", LogoRule, []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`), "", "SVG"},
		{"SVGWithProlog", LogoRule, []byte("\ufeff  <?xml version=\"1.0\"?>\n<svg/>"), "", "SVG"},
		{"SVGNamedPNG", LogoRule, []byte("<svg onload=alert(1)>\x89PNG"), "", "SVG"},
		{"GIF", LogoRule, gifOf(t, 32, 32), "", "GIF"},
		{"Text", LogoRule, []byte("hello, world\n"), "", "not an image"},
		{"HTML", LogoRule, []byte("<html><script>alert(1)</script></html>"), "", "not an image"},
		{"Truncated", LogoRule, truncated, "", "damaged"},
		{"MagicOnly", LogoRule, []byte("\x89PNG\r\n\x1a\n"), "", "damaged"},
		{"FaviconSquare", FaviconRule, pngOf(t, 64, 64), "image/png", ""},
		{"FaviconNearlySquare", FaviconRule, pngOf(t, 40, 32), "image/png", ""},
		{"FaviconWide", FaviconRule, pngOf(t, 64, 32), "", "square"},
		{"FaviconTooBig", FaviconRule, pngOf(t, 600, 600), "", "at most 512×512"},
		{"FaviconTooSmall", FaviconRule, pngOf(t, 8, 8), "", "at least 16×16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, why := tt.rule.Check(tt.data)
			if tt.wantType != "" {
				if why != "" || info.Type != tt.wantType {
					t.Errorf("Check = %+v, %q; want %s accepted", info, why, tt.wantType)
				}
				return
			}
			if why == "" || !strings.Contains(why, tt.wantMsg) {
				t.Errorf("Check = %q, want a refusal mentioning %q", why, tt.wantMsg)
			}
		})
	}
}
