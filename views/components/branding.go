package components

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"strings"
	"unicode"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// brandCSSFormat is part of the brand stylesheet's version: bump it when
// BrandCSS changes what it writes, so that browsers holding a cached copy
// for a year fetch the new one.
const brandCSSFormat = "1"

// BrandCSSVersion is the version of a branding's stylesheet, in its URL.
func BrandCSSVersion(b *tenantry.Branding) string { return b.Version() + "-" + brandCSSFormat }

// BrandCSSURL is the tenant's brand stylesheet, versioned so that
// browsers may cache it until the branding changes.
func BrandCSSURL(b *tenantry.Branding) string { return "/brand.css?v=" + BrandCSSVersion(b) }

// BrandLogoURL is the tenant's logo, or "" when it has none.
func BrandLogoURL(b *tenantry.Branding) string {
	if b == nil || b.LogoType == "" {
		return ""
	}
	return "/brand/logo?v=" + b.Version()
}

// BrandFaviconURL is the tenant's uploaded favicon, or "" when it has none.
func BrandFaviconURL(b *tenantry.Branding) string {
	if b == nil || b.FaviconType == "" {
		return ""
	}
	return "/brand/favicon?v=" + b.Version()
}

// FaviconSVGType is the content type of the default favicon.
const FaviconSVGType = "image/svg+xml"

// BrandFavicon is the address and type of the favicon every page of the
// tenant links to: the uploaded one, or else the default drawn from the
// brand's name and colour (DefaultFavicon), versioned by its own content,
// since the name it shows may be the account's, which the branding's
// version does not follow.
func BrandFavicon(ctx context.Context) (href, typ string) {
	b := BrandingFromContext(ctx)
	if b == nil {
		return "", ""
	}
	if u := BrandFaviconURL(b); u != "" {
		return u, b.FaviconType
	}
	return "/brand/favicon?v=" + DefaultFaviconVersion(DefaultFavicon(BrandName(ctx), b.Palette())), FaviconSVGType
}

// DefaultFaviconVersion names a default favicon's content in its URL.
func DefaultFaviconVersion(svg []byte) string {
	sum := sha256.Sum256(svg)
	return "d" + hex.EncodeToString(sum[:6])
}

// DefaultFavicon is the favicon of a tenant that uploaded none: the first
// letter (or digit) of its brand name, in the text colour the palette
// gives for its primary colour, on a rounded square of that colour. The
// name is the tenant's own, so a reseller's icon never shows its vendor's.
func DefaultFavicon(name string, p tenantry.Palette) []byte {
	initial := "?"
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			initial = strings.ToUpper(string(r))
			break
		}
	}
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">`+
		`<rect width="64" height="64" rx="12" fill="%s"/>`+
		`<text x="32" y="32" dy=".35em" text-anchor="middle" font-family="system-ui, -apple-system, 'Segoe UI', Arial, sans-serif" font-size="40" font-weight="700" fill="%s">%s</text>`+
		`</svg>`+"\n", p.Brand, p.BrandText, html.EscapeString(initial))
}

// BrandCSS is a stylesheet setting a palette's custom properties on
// selector: ":root" for a tenant's pages, ".brand-preview" for the
// preview in the branding form. The colours come from
// tenantry.Branding.Palette, which only ever yields #rrggbb values, so
// nothing a user typed reaches the stylesheet verbatim.
func BrandCSS(selector string, p tenantry.Palette) []byte {
	return fmt.Appendf(nil, `%s {
  --brand: %s;
  --brand-text: %s;
  --brand-ink: %s;
  --accent: %s;
  --accent-text: %s;
}
`, selector, p.Brand, p.BrandText, p.BrandInk, p.Accent, p.AccentText)
}
