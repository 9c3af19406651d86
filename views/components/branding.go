package components

import (
	"fmt"

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

// BrandFaviconURL is the tenant's favicon, or "" when it has none.
func BrandFaviconURL(b *tenantry.Branding) string {
	if b == nil || b.FaviconType == "" {
		return ""
	}
	return "/brand/favicon?v=" + b.Version()
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
