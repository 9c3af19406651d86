package tenantry

import "time"

// Branding is a vendor's white label, shown on its domains: sign-in and
// sign-up pages, panels, emails and invoices. Empty fields fall back to
// the portal's defaults (and DisplayName to the account's name).
type Branding struct {
	AccountID    string
	DisplayName  string
	PrimaryColor string // "#rrggbb" or ""
	AccentColor  string // "#rrggbb" or ""
	FooterText   string
	LogoType     string // MIME type of the logo, "" when there is none
	FaviconType  string // MIME type of the favicon, "" when there is none
	UpdatedAt    time.Time
}

// Name is the name to show for the brand.
func (b *Branding) Name(a *Account) string {
	if b != nil && b.DisplayName != "" {
		return b.DisplayName
	}
	return a.Name
}
