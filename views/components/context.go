// Package components holds the small pieces every panel's pages share:
// form fields, the CSRF input, tables, pager, flash, and the per-request
// chrome (CSRF token, current account, flash) and tenant branding that
// layouts read from the request's context.
package components

import (
	"context"

	"github.com/tenantry/tenantry/internal/tenantry"
)

type ctxKey int

// PageField is the name of the hidden input that carries Chrome.Page.
const PageField = "_page"

const (
	chromeKey ctxKey = iota
	brandingKey
)

// Chrome is what a page's frame needs besides its own view model. The web
// layer fills it in middleware; templ renders with the request's context.
type Chrome struct {
	// CSRF is the token every state-changing form carries.
	CSRF string
	// Page is the address (path and query) of the page the browser is on,
	// which CSRFInput puts in every form (PageField), so that a refused
	// form can be shown again there (web.postRedirectGet); "" for none.
	Page string
	// Account is the account whose panel is open, if any.
	Account *tenantry.Account
	// Flash is a one-time message shown at the top of the next page.
	Flash string
	// ActingAs names the account the user acts on behalf of, and Until
	// when that ends by itself; "" when not acting. ActingID and
	// ActingPanel are that account's id and its panel's path.
	ActingAs    string
	Until       string
	ActingID    string
	ActingPanel string
}

// ActingElsewhere reports whether the user acts on behalf of an account
// whose panel is not the one open: the banner then leads back to it.
func (c *Chrome) ActingElsewhere() bool {
	return c.ActingAs != "" && (c.Account == nil || c.Account.ID != c.ActingID)
}

// NewChromeContext returns ctx carrying c.
func NewChromeContext(ctx context.Context, c *Chrome) context.Context {
	return context.WithValue(ctx, chromeKey, c)
}

// ChromeFromContext returns the request's chrome; never nil.
func ChromeFromContext(ctx context.Context) *Chrome {
	if c, ok := ctx.Value(chromeKey).(*Chrome); ok {
		return c
	}
	return &Chrome{}
}

// NewBrandingContext returns ctx carrying the tenant's branding.
func NewBrandingContext(ctx context.Context, b *tenantry.Branding) context.Context {
	return context.WithValue(ctx, brandingKey, b)
}

// BrandingFromContext returns the tenant's branding, or nil outside a
// tenant (a page for an unknown host shows no brand at all).
func BrandingFromContext(ctx context.Context) *tenantry.Branding {
	b, _ := ctx.Value(brandingKey).(*tenantry.Branding)
	return b
}

// BrandName is the name shown on a tenant's pages: the tenant's display
// name, else its account's name; never its vendor's.
func BrandName(ctx context.Context) string {
	if t := tenantry.TenantFromContext(ctx); t != nil {
		return BrandingFromContext(ctx).Name(&t.Account)
	}
	return ""
}
