package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Branding returns a vendor's white label, or an empty one (the portal's
// defaults) when it has saved none. It is unscoped: every page on a
// tenant's domain, signed in or not, is dressed in the tenant's brand.
func (db *DB) Branding(ctx context.Context, accountID string) (*tenantry.Branding, error) {
	return brandingOf(ctx, db.read, accountID)
}

func brandingOf(ctx context.Context, q querier, accountID string) (*tenantry.Branding, error) {
	b := &tenantry.Branding{AccountID: accountID}
	var updated int64
	err := q.QueryRowContext(ctx, `SELECT display_name, primary_color, accent_color, footer_text,
			logo_type, favicon_type, updated_at
		FROM account_branding WHERE account_id = ?`, accountID).
		Scan(&b.DisplayName, &b.PrimaryColor, &b.AccentColor, &b.FooterText, &b.LogoType, &b.FaviconType, &updated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("branding of %s: %w", accountID, err)
	default:
		b.UpdatedAt = fromMS(updated)
	}
	st, err := settingsOf(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	b.SupportEmail = st.SupportEmail
	return b, nil
}

// Logo returns a vendor's logo with its MIME type and when the branding
// last changed, for serving on its domains; ENOTFOUND when it has none.
// It is unscoped, like the pages the logo appears on.
func (db *DB) Logo(ctx context.Context, accountID string) ([]byte, string, time.Time, error) {
	return db.brandImage(ctx, accountID, "logo")
}

// Favicon is Logo for the favicon.
func (db *DB) Favicon(ctx context.Context, accountID string) ([]byte, string, time.Time, error) {
	return db.brandImage(ctx, accountID, "favicon")
}

func (db *DB) brandImage(ctx context.Context, accountID, which string) ([]byte, string, time.Time, error) {
	query := `SELECT logo, logo_type, updated_at FROM account_branding WHERE account_id = ? AND logo_type <> ''`
	if which == "favicon" {
		query = `SELECT favicon, favicon_type, updated_at FROM account_branding WHERE account_id = ? AND favicon_type <> ''`
	}
	var data []byte
	var typ string
	var updated int64
	err := db.read.QueryRowContext(ctx, query, accountID).Scan(&data, &typ, &updated)
	if err != nil {
		return nil, "", time.Time{}, notFound(err)
	}
	if len(data) == 0 {
		return nil, "", time.Time{}, tenantry.ErrNotFound
	}
	return data, typ, fromMS(updated), nil
}

// Branding returns a vendor's branding to those who may view the account;
// ENOTFOUND for an account out of reach or a customer (customers have no
// brand of their own).
func (s *Scope) Branding(ctx context.Context, accountID string) (*tenantry.Branding, error) {
	a, err := s.vendor(ctx, s.db.read, accountID, tenantry.PermAccountView)
	if err != nil {
		return nil, err
	}
	return brandingOf(ctx, s.db.read, a.ID)
}

// UpdateBranding changes a vendor's branding (branding.manage on it): the
// fields given, and the logo and favicon when the update carries them.
// The support email is saved with the vendor's settings, in the same
// transaction. Errors: EINVALID (per field), ENOTFOUND, EFORBIDDEN.
func (s *Scope) UpdateBranding(ctx context.Context, accountID string, in tenantry.BrandingUpdate) (*tenantry.Branding, error) {
	return s.changeBranding(ctx, accountID, brandingChange{in: in})
}

// SetLogo replaces a vendor's logo with a PNG, JPEG or WebP image, checked
// by content (see tenantry.LogoRule). Errors: EINVALID on "logo",
// ENOTFOUND, EFORBIDDEN.
func (s *Scope) SetLogo(ctx context.Context, accountID string, data []byte) (*tenantry.Branding, error) {
	if data == nil {
		data = []byte{}
	}
	return s.changeBranding(ctx, accountID, brandingChange{in: tenantry.BrandingUpdate{Logo: data}})
}

// SetFavicon replaces a vendor's favicon (see tenantry.FaviconRule).
// Errors: EINVALID on "favicon", ENOTFOUND, EFORBIDDEN.
func (s *Scope) SetFavicon(ctx context.Context, accountID string, data []byte) (*tenantry.Branding, error) {
	if data == nil {
		data = []byte{}
	}
	return s.changeBranding(ctx, accountID, brandingChange{in: tenantry.BrandingUpdate{Favicon: data}})
}

// RemoveLogo removes a vendor's logo; its pages show the name alone.
// Removing no logo changes nothing. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Scope) RemoveLogo(ctx context.Context, accountID string) (*tenantry.Branding, error) {
	return s.changeBranding(ctx, accountID, brandingChange{removeLogo: true})
}

// RemoveFavicon removes a vendor's favicon. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Scope) RemoveFavicon(ctx context.Context, accountID string) (*tenantry.Branding, error) {
	return s.changeBranding(ctx, accountID, brandingChange{removeFavicon: true})
}

// brandingChange is one use case's change to a branding.
type brandingChange struct {
	in                        tenantry.BrandingUpdate
	removeLogo, removeFavicon bool
}

// changeBranding checks the actor's right, validates and applies the
// change, and writes it with its audit event in one transaction. Nothing
// is written (not even the audit event) when nothing changes.
func (s *Scope) changeBranding(ctx context.Context, accountID string, ch brandingChange) (*tenantry.Branding, error) {
	var out *tenantry.Branding
	err := s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.vendor(ctx, tx, accountID, tenantry.PermBrandingManage)
		if err != nil {
			return err
		}
		b, err := brandingOf(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		before := *b
		if err := ch.in.Apply(b); err != nil {
			return err
		}
		if ch.removeLogo {
			b.LogoType = ""
		}
		if ch.removeFavicon {
			b.FaviconType = ""
		}
		summary := brandingDiff(&before, b, ch)
		if summary == "" {
			out = b
			return nil
		}
		b.UpdatedAt = fromMS(ms(tx.now)) // as it will read back
		if err := saveBranding(ctx, tx, b, ch); err != nil {
			return err
		}
		if b.SupportEmail != before.SupportEmail {
			st, err := settingsOf(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			st.SupportEmail = b.SupportEmail
			if err := saveSettings(ctx, tx, st); err != nil {
				return err
			}
		}
		out = b
		return s.audit(ctx, tx, a, "branding.update", "account", a.ID, summary)
	})
	return out, err
}

// saveBranding writes b's texts and types and the images the change
// brings or removes.
func saveBranding(ctx context.Context, tx *tx, b *tenantry.Branding, ch brandingChange) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO account_branding (account_id, display_name, primary_color, accent_color,
			footer_text, logo_type, favicon_type, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET display_name = excluded.display_name,
			primary_color = excluded.primary_color, accent_color = excluded.accent_color,
			footer_text = excluded.footer_text, logo_type = excluded.logo_type,
			favicon_type = excluded.favicon_type, updated_at = excluded.updated_at`,
		b.AccountID, b.DisplayName, b.PrimaryColor, b.AccentColor, b.FooterText, b.LogoType, b.FaviconType, ms(tx.now))
	if err != nil {
		return fmt.Errorf("save branding: %w", err)
	}
	set := func(column string, data []byte) error {
		var v any // NULL removes
		if data != nil {
			v = data
		}
		// column is one of two literals below, never input
		if _, err := tx.ExecContext(ctx, `UPDATE account_branding SET `+column+` = ? WHERE account_id = ?`, v, b.AccountID); err != nil {
			return fmt.Errorf("save branding %s: %w", column, err)
		}
		return nil
	}
	switch {
	case ch.in.Logo != nil:
		err = set("logo", ch.in.Logo)
	case ch.removeLogo:
		err = set("logo", nil)
	}
	if err != nil {
		return err
	}
	switch {
	case ch.in.Favicon != nil:
		err = set("favicon", ch.in.Favicon)
	case ch.removeFavicon:
		err = set("favicon", nil)
	}
	return err
}

// brandingDiff summarises a branding change for the audit log, or returns
// "" when nothing changes.
func brandingDiff(a, b *tenantry.Branding, ch brandingChange) string {
	var out []string
	add := func(name, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s %q → %q", name, clip(x), clip(y)))
		}
	}
	add("display_name", a.DisplayName, b.DisplayName)
	add("primary_color", a.PrimaryColor, b.PrimaryColor)
	add("accent_color", a.AccentColor, b.AccentColor)
	add("footer_text", a.FooterText, b.FooterText)
	add("support_email", a.SupportEmail, b.SupportEmail)
	image := func(name string, data []byte, remove bool, had string) {
		switch {
		case data != nil:
			info := tenantry.DescribeImage(data)
			out = append(out, fmt.Sprintf("%s uploaded (%s, %d×%d, %d KiB)", name, info.Type, info.Width, info.Height, (len(data)+1023)/1024))
		case remove && had != "":
			out = append(out, name+" removed")
		}
	}
	image("logo", ch.in.Logo, ch.removeLogo, a.LogoType)
	image("favicon", ch.in.Favicon, ch.removeFavicon, a.FaviconType)
	return strings.Join(out, "; ")
}

// clip shortens a value for the audit log.
func clip(s string) string {
	const n = 60
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// demoBranding dresses the demo resellers. Their display names are their
// account names: tests across the repository expect to see those names
// on the resellers' domains.
var demoBranding = []struct {
	name, display, primary, accent, footer string
}{
	{"Acme Hosting", "Acme Hosting", "#7c2d12", "#ea580c", "Acme Hosting · Managed cloud since 2009 · Made in Springfield"},
	{"Orbit IT", "Orbit IT", "#134e4a", "#0d9488", "Orbit IT — your IT, in orbit. Support Mon–Fri 8:00–18:00."},
}

// loadDemoBranding gives the demo resellers Acme and Orbit a display name,
// colours of their own and a footer. byName maps account names to ids.
func loadDemoBranding(ctx context.Context, s *Scope, byName map[string]string) error {
	for _, d := range demoBranding {
		id, ok := byName[d.name]
		if !ok {
			return fmt.Errorf("demo branding: no account %q", d.name)
		}
		if _, err := s.UpdateBranding(ctx, id, tenantry.BrandingUpdate{DisplayName: &d.display,
			PrimaryColor: &d.primary, AccentColor: &d.accent, FooterText: &d.footer}); err != nil {
			return fmt.Errorf("demo branding of %s: %w", d.name, err)
		}
	}
	return nil
}
