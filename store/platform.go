package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// hashPassword is the store's one way to hash a password it is given.
func hashPassword(pw string) string { return password.Hash(pw) }

// IsEmpty reports whether the database holds no account yet.
func (db *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n)
	return n == 0, err
}

// PlatformInit is what `tenantry init` needs to create the platform.
type PlatformInit struct {
	Domain        string `json:"platform_domain" validate:"required"`
	ProviderName  string `json:"provider_name" validate:"required,max=200,printable"`
	AdminEmail    string `json:"admin_email" validate:"required,email,max=254"`
	AdminName     string `json:"admin_name" validate:"max=200,printable"`
	AdminPassword string `json:"admin_password" validate:"required"`
}

// Platform is what InitPlatform created.
type Platform struct {
	Provider *tenantry.Account
	Admin    *tenantry.User
	Domain   string
}

// InitPlatform creates the provider, its platform domain and its first
// admin (an Owner) on an empty database, in one transaction. It refuses a
// database that already has accounts (EINVALID).
func (db *DB) InitPlatform(ctx context.Context, in PlatformInit) (*Platform, error) {
	in.AdminEmail = tenantry.NormalizeEmail(in.AdminEmail)
	fields := tenantry.FieldErrors(in)
	host, why := tenantry.CheckFQDN(in.Domain)
	if why != "" {
		fields["platform_domain"] = why
	}
	if in.AdminPassword != "" {
		if why := password.Weakness(in.AdminPassword, in.AdminEmail); why != "" {
			fields["admin_password"] = why
		}
	}
	if len(fields) > 0 {
		return nil, tenantry.Invalid(fields)
	}
	if in.AdminName == "" {
		in.AdminName = in.AdminEmail
	}
	p := &Platform{Domain: host}
	err := db.inTx(ctx, func(tx *tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return tenantry.Errorf(tenantry.EINVALID, "The database already holds a platform; init only runs on an empty one.")
		}
		p.Provider = &tenantry.Account{Kind: tenantry.KindProvider, Name: in.ProviderName,
			ContactEmail: in.AdminEmail, Status: tenantry.StatusActive}
		if err := insertAccount(ctx, tx, p.Provider, nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO domains (fqdn, account_id, created_at) VALUES (?, ?, ?)`,
			host, p.Provider.ID, ms(tx.now)); err != nil {
			return fmt.Errorf("insert platform domain: %w", err)
		}
		p.Admin = &tenantry.User{Email: in.AdminEmail, Name: in.AdminName, PasswordHash: hashPassword(in.AdminPassword)}
		if err := insertUser(ctx, tx, p.Admin, "admin_email"); err != nil {
			return err
		}
		if err := insertMembership(ctx, tx, p.Provider.ID, p.Admin.ID, tenantry.RoleOwner); err != nil {
			return err
		}
		return insertAudit(ctx, tx, auditEvent{ActorID: p.Admin.ID, ActorEmail: p.Admin.Email, Account: p.Provider,
			Action: "platform.init", ObjectType: "account", ObjectID: p.Provider.ID,
			Summary: fmt.Sprintf("initialised platform %q on %s", in.ProviderName, host)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

const resellersEnabledKey = "resellers_enabled"

// ResellersEnabled reports whether the provider has switched the reseller
// programme on. `init` leaves it off.
func (db *DB) ResellersEnabled(ctx context.Context) (bool, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, resellersEnabledKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return v == "true", err
}

// SetResellersEnabled switches the reseller programme on or off; only the
// provider's staff with resellers.manage may.
func (s *Scope) SetResellersEnabled(ctx context.Context, on bool) error {
	if !s.tenant.IsPlatform() {
		return tenantry.ErrNotFound
	}
	provider := &s.tenant.Account
	if err := tenantry.Authorize(s.actor, tenantry.PermAccountManage, provider); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *tx) error {
		v := fmt.Sprint(on)
		if err := setSetting(ctx, tx, resellersEnabledKey, v); err != nil {
			return err
		}
		summary := "Reseller programme turned off"
		if on {
			summary = "Reseller programme turned on"
		}
		return s.audit(ctx, tx, provider, "settings.update", "account", provider.ID, summary)
	})
}
