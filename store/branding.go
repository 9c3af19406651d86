package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Branding returns a vendor's white label, or an empty one (the portal's
// defaults) when it has saved none. It is unscoped: every page on a
// tenant's domain, signed in or not, is dressed in the tenant's brand.
func (db *DB) Branding(ctx context.Context, accountID string) (*tenantry.Branding, error) {
	b := &tenantry.Branding{AccountID: accountID}
	var updated int64
	err := db.read.QueryRowContext(ctx, `SELECT display_name, primary_color, accent_color, footer_text,
			logo_type, favicon_type, updated_at
		FROM account_branding WHERE account_id = ?`, accountID).
		Scan(&b.DisplayName, &b.PrimaryColor, &b.AccentColor, &b.FooterText, &b.LogoType, &b.FaviconType, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	b.UpdatedAt = fromMS(updated)
	return b, nil
}
