package tenantry

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/image/webp"
)

// Branding is a vendor's white label, shown on its domains: sign-in and
// sign-up pages, panels, emails and invoices. Empty fields fall back to
// the portal's defaults (and DisplayName to the account's name).
type Branding struct {
	AccountID    string
	DisplayName  string
	PrimaryColor string // "#rrggbb" or ""
	AccentColor  string // "#rrggbb" or ""
	FooterText   string
	// SupportEmail is kept with the vendor's settings; it is here because
	// every branded page and email shows it.
	SupportEmail string
	LogoType     string // MIME type of the logo, "" when there is none
	FaviconType  string // MIME type of the favicon, "" when there is none
	// UpdatedAt changes with every change of the branding, images
	// included, so that it can version the URLs of the brand's assets.
	UpdatedAt time.Time
}

// Name is the name to show for the brand.
func (b *Branding) Name(a *Account) string {
	if b != nil && b.DisplayName != "" {
		return b.DisplayName
	}
	return a.Name
}

// Version is a cache-busting token for the brand's stylesheet and
// images: it changes whenever the branding does.
func (b *Branding) Version() string {
	if b == nil || b.UpdatedAt.IsZero() {
		return "0"
	}
	return fmt.Sprint(b.UpdatedAt.UnixMilli())
}

// The portal's own colours (static/css/app.css mirrors them), used where
// a vendor has chosen none.
const (
	DefaultPrimaryColor = "#2451b7"
	DefaultAccentColor  = "#2451b7"
	// PageBackground is the lightest surface brand-coloured text sits on
	// (the page's background; cards are white, which is lighter still).
	PageBackground = "#f5f6f8"
	// MinContrast is WCAG 2's AA contrast for normal text.
	MinContrast = 4.5
)

// Palette is a branding's colours as pages use them: each background with
// the text colour that stays readable on it.
type Palette struct {
	Brand      string // the primary colour: sidebar, headers
	BrandText  string // text on Brand
	BrandInk   string // the primary colour as text on the page (links)
	Accent     string // buttons
	AccentText string // text on Accent
}

// Palette returns the effective colours: the vendor's, or the portal's
// defaults; an accent left empty follows the primary colour. Stored values
// are checked again, so a bad row can never reach a stylesheet.
func (b *Branding) Palette() Palette {
	primary, accent := DefaultPrimaryColor, ""
	if b != nil {
		if c, ok := ParseColor(b.PrimaryColor); ok {
			primary = c
		}
		if c, ok := ParseColor(b.AccentColor); ok {
			accent = c
		}
	}
	if accent == "" {
		accent = primary
		if b == nil || b.PrimaryColor == "" {
			accent = DefaultAccentColor
		}
	}
	return Palette{Brand: primary, BrandText: TextColor(primary), BrandInk: InkOn(primary, PageBackground),
		Accent: accent, AccentText: TextColor(accent)}
}

// rgb is a colour with channels from 0 to 255.
type rgb struct{ r, g, b uint8 }

func (c rgb) String() string { return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b) }

func parseRGB(s string) (rgb, bool) {
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, false
	}
	var v [3]uint8
	for i := range v {
		hi, ok1 := hexDigit(s[1+2*i])
		lo, ok2 := hexDigit(s[2+2*i])
		if !ok1 || !ok2 {
			return rgb{}, false
		}
		v[i] = hi<<4 | lo
	}
	return rgb{v[0], v[1], v[2]}, true
}

func hexDigit(c byte) (uint8, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// ParseColor accepts a colour written "#rrggbb" (either case, surrounding
// space ignored) and returns it in lower case, the form stored.
func ParseColor(s string) (string, bool) {
	c, ok := parseRGB(strings.TrimSpace(s))
	if !ok {
		return "", false
	}
	return c.String(), true
}

// linear is an sRGB channel's linear value (WCAG 2 relative luminance).
func linear(v uint8) float64 {
	c := float64(v) / 255
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

func (c rgb) luminance() float64 {
	return 0.2126*linear(c.r) + 0.7152*linear(c.g) + 0.0722*linear(c.b)
}

// Luminance is the WCAG 2 relative luminance of a "#rrggbb" colour, from
// 0 (black) to 1 (white). An invalid colour counts as black.
func Luminance(color string) float64 {
	c, _ := parseRGB(color)
	return c.luminance()
}

// ContrastRatio is the WCAG 2 contrast ratio of two colours, from 1 (the
// same) to 21 (black on white); the order does not matter.
func ContrastRatio(a, b string) float64 {
	la, lb := Luminance(a), Luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Black and white, the two text colours a brand colour can get.
const (
	Black = "#000000"
	White = "#ffffff"
)

// TextColor returns black or white, whichever contrasts more with the
// background bg (white on a tie). One of them always reaches at least
// 4.58:1, whatever bg is.
func TextColor(bg string) string {
	if ContrastRatio(bg, Black) > ContrastRatio(bg, White) {
		return Black
	}
	return White
}

// InkOn returns fg, darkened towards black just enough to reach
// MinContrast on the light background bg, for brand-coloured text such as
// links. A colour that is readable already comes back unchanged.
func InkOn(fg, bg string) string {
	c, ok := parseRGB(fg)
	if !ok {
		return Black
	}
	for i := 0; i <= 20; i++ {
		k := 1 - float64(i)/20
		d := rgb{uint8(math.Round(float64(c.r) * k)), uint8(math.Round(float64(c.g) * k)), uint8(math.Round(float64(c.b) * k))}
		if ContrastRatio(d.String(), bg) >= MinContrast {
			return d.String()
		}
	}
	return Black
}

// BrandingUpdate changes a vendor's branding, from the panel's form or the
// API: fields left nil stay as they are; an empty colour returns to the
// portal's default.
type BrandingUpdate struct {
	DisplayName  *string `json:"display_name"`
	PrimaryColor *string `json:"primary_color"`
	AccentColor  *string `json:"accent_color"`
	FooterText   *string `json:"footer_text"`
	SupportEmail *string `json:"support_email"`
	// LogoURL is read-only: the API accepts it back unchanged (a PUT of
	// the GET answer) and the web layer checks that it is; the logo itself
	// is uploaded as an image.
	LogoURL OptionalString `json:"logo_url"`
	// Logo and Favicon, when not nil, replace the images; they are uploads,
	// never JSON.
	Logo    []byte `json:"-"`
	Favicon []byte `json:"-"`
}

// Limits of the branding's texts, in characters.
const (
	MaxDisplayName = 100
	MaxFooterText  = 500
)

// Normalize trims the input the way every door should.
func (u *BrandingUpdate) Normalize() {
	trim := func(p **string, f func(string) string) {
		if *p != nil {
			s := f(strings.TrimSpace(**p))
			*p = &s
		}
	}
	same := func(s string) string { return s }
	trim(&u.DisplayName, same)
	trim(&u.FooterText, same)
	trim(&u.PrimaryColor, strings.ToLower)
	trim(&u.AccentColor, strings.ToLower)
	trim(&u.SupportEmail, NormalizeEmail)
}

// Validate checks the update on its own, images included, and returns an
// EINVALID error with a message per refused field.
func (u *BrandingUpdate) Validate() error {
	u.Normalize()
	if fields := u.fieldErrors(); len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

func (u *BrandingUpdate) fieldErrors() map[string]string {
	fields := map[string]string{}
	if u.DisplayName != nil {
		switch {
		case utf8.RuneCountInString(*u.DisplayName) > MaxDisplayName:
			fields["display_name"] = fmt.Sprintf("Use at most %d characters.", MaxDisplayName)
		case strings.ContainsAny(*u.DisplayName, "\r\n\t"):
			fields["display_name"] = "Use a single line."
		case UnsafeText(*u.DisplayName):
			fields["display_name"] = MsgUnsafeText
		}
	}
	if u.FooterText != nil {
		switch {
		case utf8.RuneCountInString(*u.FooterText) > MaxFooterText:
			fields["footer_text"] = fmt.Sprintf("Use at most %d characters.", MaxFooterText)
		case UnsafeMultiline(*u.FooterText):
			fields["footer_text"] = MsgUnsafeMultiline
		}
	}
	for name, p := range map[string]*string{"primary_color": u.PrimaryColor, "accent_color": u.AccentColor} {
		if p != nil && *p != "" {
			if why := CheckColor(*p); why != "" {
				fields[name] = why
			}
		}
	}
	if u.SupportEmail != nil && *u.SupportEmail != "" &&
		(validate.Var(*u.SupportEmail, "email") != nil || len(*u.SupportEmail) > 254) {
		fields["support_email"] = "Enter a valid email address."
	}
	if u.Logo != nil {
		if _, why := LogoRule.Check(u.Logo); why != "" {
			fields["logo"] = why
		}
	}
	if u.Favicon != nil {
		if _, why := FaviconRule.Check(u.Favicon); why != "" {
			fields["favicon"] = why
		}
	}
	return fields
}

// CheckColor says why c cannot be a brand colour, or "" when it can: it
// must be written #rrggbb, and black or white text on it must reach
// MinContrast (which any colour allows; the check keeps the promise
// explicit should the rule ever tighten).
func CheckColor(c string) string {
	norm, ok := ParseColor(c)
	if !ok {
		return "Use a colour written #rrggbb, e.g. #2451b7."
	}
	if r := ContrastRatio(norm, TextColor(norm)); r < MinContrast {
		return fmt.Sprintf("Text on this colour would not be readable (contrast %.1f:1, at least %.1f:1 needed).", r, MinContrast)
	}
	return ""
}

// Apply validates the update and applies it to b; on an error b is left
// as it was. Images set only their MIME type on b: storing their bytes
// is the caller's business.
func (u *BrandingUpdate) Apply(b *Branding) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if u.DisplayName != nil {
		b.DisplayName = *u.DisplayName
	}
	if u.PrimaryColor != nil {
		b.PrimaryColor = *u.PrimaryColor
	}
	if u.AccentColor != nil {
		b.AccentColor = *u.AccentColor
	}
	if u.FooterText != nil {
		b.FooterText = *u.FooterText
	}
	if u.SupportEmail != nil {
		b.SupportEmail = *u.SupportEmail
	}
	if u.Logo != nil {
		b.LogoType = ImageType(u.Logo)
	}
	if u.Favicon != nil {
		b.FaviconType = ImageType(u.Favicon)
	}
	return nil
}

// MaxImageBytes is the largest logo or favicon accepted.
const MaxImageBytes = 512 << 10

// ImageRule bounds an uploaded brand image.
type ImageRule struct {
	// What is the image's name in messages ("logo", "favicon").
	What             string
	MinSide, MaxSide int
	// MaxAspect, when set, bounds the ratio of the longer side to the
	// shorter one (favicons are square-ish).
	MaxAspect float64
}

// The rules of the two brand images.
var (
	LogoRule    = ImageRule{What: "logo", MinSide: 16, MaxSide: 2000}
	FaviconRule = ImageRule{What: "favicon", MinSide: 16, MaxSide: 512, MaxAspect: 1.25}
)

// ImageInfo describes an accepted image.
type ImageInfo struct {
	Type          string // image/png, image/jpeg or image/webp
	Width, Height int
}

// ImageType returns the MIME type of a PNG, JPEG or WebP image by its
// first bytes (never by a file name or a Content-Type), or "".
func ImageType(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "image/webp"
	}
	return ""
}

// looksLikeSVG reports whether data starts like an XML or SVG document.
func looksLikeSVG(data []byte) bool {
	head := data[:min(len(data), 1024)]
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.ToLower(bytes.TrimSpace(head))
	return bytes.HasPrefix(head, []byte("<")) && (bytes.Contains(head, []byte("<svg")) || bytes.HasPrefix(head, []byte("<?xml")))
}

// Check decides whether data is an acceptable image under the rule and
// says why not in words for the person who chose the file: PNG, JPEG or
// WebP only, recognised by content, at most MaxImageBytes, within the
// rule's dimensions, and decodable to the end.
func (r ImageRule) Check(data []byte) (ImageInfo, string) {
	accepted := "Upload a PNG, JPEG or WebP image."
	if len(data) == 0 {
		return ImageInfo{}, "The file is empty. " + accepted
	}
	if len(data) > MaxImageBytes {
		return ImageInfo{}, fmt.Sprintf("The file is larger than %d KiB: make the %s smaller.", MaxImageBytes>>10, r.What)
	}
	typ := ImageType(data)
	var cfg func([]byte) (image.Config, error)
	var decode func([]byte) (image.Image, error)
	switch typ {
	case "image/png":
		cfg = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	case "image/jpeg":
		cfg = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case "image/webp":
		cfg = func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }
	default:
		switch {
		case looksLikeSVG(data):
			return ImageInfo{}, "SVG images are not accepted. " + accepted
		case bytes.HasPrefix(data, []byte("GIF8")):
			return ImageInfo{}, "GIF images are not accepted. " + accepted
		}
		return ImageInfo{}, "This file is not an image. " + accepted
	}
	damaged := "This image is damaged or incomplete. " + accepted
	c, err := cfg(data)
	if err != nil {
		return ImageInfo{}, damaged
	}
	info := ImageInfo{Type: typ, Width: c.Width, Height: c.Height}
	w, h := c.Width, c.Height
	switch {
	case w < r.MinSide || h < r.MinSide:
		return info, fmt.Sprintf("The %s is %d×%d pixels: use at least %d×%d.", r.What, w, h, r.MinSide, r.MinSide)
	case w > r.MaxSide || h > r.MaxSide:
		return info, fmt.Sprintf("The %s is %d×%d pixels: use at most %d×%d.", r.What, w, h, r.MaxSide, r.MaxSide)
	case r.MaxAspect > 0 && float64(max(w, h)) > r.MaxAspect*float64(min(w, h)):
		return info, fmt.Sprintf("The %s is %d×%d pixels: make it square, e.g. 32×32 or 64×64.", r.What, w, h)
	}
	// the dimensions are bounded now, so decoding the whole image cannot
	// take much memory; it proves the file is an image to its end
	if _, err := decode(data); err != nil {
		return info, damaged
	}
	return info, ""
}

// DescribeImage reads the type and dimensions of a PNG, JPEG or WebP
// image from its header, without checking anything else (see
// ImageRule.Check); zero for anything else.
func DescribeImage(data []byte) ImageInfo {
	info := ImageInfo{Type: ImageType(data)}
	var c image.Config
	var err error
	switch info.Type {
	case "image/png":
		c, err = png.DecodeConfig(bytes.NewReader(data))
	case "image/jpeg":
		c, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case "image/webp":
		c, err = webp.DecodeConfig(bytes.NewReader(data))
	default:
		return ImageInfo{}
	}
	if err != nil {
		return ImageInfo{}
	}
	info.Width, info.Height = c.Width, c.Height
	return info
}
