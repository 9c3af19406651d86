package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// settingsOf returns a vendor's configuration, or the defaults when it has
// saved none.
func settingsOf(ctx context.Context, q querier, accountID string) (*tenantry.Settings, error) {
	s := tenantry.DefaultSettings(accountID)
	var plan sql.NullString
	var tax int64
	err := q.QueryRowContext(ctx, `SELECT signup_enabled, signup_requires_approval, default_plan_id, currency,
			tax_rate_micro, invoice_prefix, support_email, terms_url
		FROM account_settings WHERE account_id = ?`, accountID).
		Scan(&s.SignupEnabled, &s.SignupRequiresApproval, &plan, &s.Currency, &tax, &s.InvoicePrefix, &s.SupportEmail, &s.TermsURL)
	if errors.Is(err, sql.ErrNoRows) {
		return &s, nil
	}
	if err != nil {
		return nil, err
	}
	s.DefaultPlanID, s.TaxRatePercent = plan.String, money.Micro(tax)
	return &s, nil
}

func saveSettings(ctx context.Context, tx *tx, s *tenantry.Settings) error {
	var plan any
	if s.DefaultPlanID != "" {
		plan = s.DefaultPlanID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO account_settings (account_id, signup_enabled, signup_requires_approval,
			default_plan_id, currency, tax_rate_micro, invoice_prefix, support_email, terms_url, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET signup_enabled = excluded.signup_enabled,
			signup_requires_approval = excluded.signup_requires_approval, default_plan_id = excluded.default_plan_id,
			currency = excluded.currency, tax_rate_micro = excluded.tax_rate_micro,
			invoice_prefix = excluded.invoice_prefix, support_email = excluded.support_email,
			terms_url = excluded.terms_url, updated_at = excluded.updated_at`,
		s.AccountID, s.SignupEnabled, s.SignupRequiresApproval, plan, s.Currency, int64(s.TaxRatePercent),
		s.InvoicePrefix, s.SupportEmail, s.TermsURL, ms(tx.now))
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

// vendor loads an account in reach that must be a vendor (provider or
// reseller) and checks p on it.
func (s *Scope) vendor(ctx context.Context, q querier, id string, p tenantry.Permission) (*tenantry.Account, error) {
	a, err := s.account(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := tenantry.Authorize(s.actor, p, a); err != nil {
		return nil, err
	}
	if !a.Kind.IsVendor() {
		return nil, tenantry.ErrNotFound // customers have no vendor settings
	}
	return a, nil
}

// Settings returns a vendor's configuration to its staff (or its vendors').
func (s *Scope) Settings(ctx context.Context, accountID string) (*tenantry.Settings, error) {
	a, err := s.vendor(ctx, s.db.read, accountID, tenantry.PermAccountView)
	if err != nil {
		return nil, err
	}
	return settingsOf(ctx, s.db.read, a.ID)
}

// UpdateSettings changes a vendor's configuration (account.manage). The
// default plan must be one of its own active plans for customers. The
// provider's reseller programme switch goes through SetResellersEnabled.
// Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Scope) UpdateSettings(ctx context.Context, accountID string, in tenantry.SettingsUpdate) (*tenantry.Settings, error) {
	var out *tenantry.Settings
	err := s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.vendor(ctx, tx, accountID, tenantry.PermAccountManage)
		if err != nil {
			return err
		}
		if in.ResellersEnabled != nil && a.Kind != tenantry.KindProvider {
			return tenantry.Invalid(map[string]string{"resellers_enabled": "Only the provider runs a reseller programme."})
		}
		st, err := settingsOf(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		before := *st
		if err := in.Apply(st); err != nil {
			return err
		}
		if st.DefaultPlanID != "" && st.DefaultPlanID != before.DefaultPlanID {
			p, err := planByID(ctx, tx, st.DefaultPlanID)
			if err != nil || p.OwnerID != a.ID {
				return tenantry.Invalid(map[string]string{"default_plan_id": "Choose one of your own plans."})
			}
			if p.Status != tenantry.PlanActive || p.Audience != tenantry.AudienceCustomers {
				return tenantry.Invalid(map[string]string{"default_plan_id": "Choose an active plan for customers."})
			}
		}
		if err := saveSettings(ctx, tx, st); err != nil {
			return err
		}
		if in.ResellersEnabled != nil {
			if err := setSetting(ctx, tx, resellersEnabledKey, fmt.Sprint(*in.ResellersEnabled)); err != nil {
				return err
			}
		}
		out = st
		return s.audit(ctx, tx, a, "settings.update", "account", a.ID, settingsDiff(&before, st, in.ResellersEnabled, func(id string) string {
			if p, err := planByID(ctx, tx, id); err == nil {
				return p.Name
			}
			return id
		}))
	})
	return out, err
}

func setSetting(ctx context.Context, tx *tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// settingsDiff summarises a settings change for the audit log in words
// ("Sign-up turned on; default plan set to Acme Retail"). planName names
// a plan by id; the name is recorded here so that the log still reads
// after the plan is gone.
func settingsDiff(a, b *tenantry.Settings, resellers *bool, planName func(id string) string) string {
	var ch []string
	onOff := func(on bool, what string) {
		if on {
			ch = append(ch, what+" turned on")
		} else {
			ch = append(ch, what+" turned off")
		}
	}
	change := func(what, x, y string) {
		switch {
		case x == y:
		case x == "":
			ch = append(ch, fmt.Sprintf("%s set to %s", what, y))
		case y == "":
			ch = append(ch, fmt.Sprintf("%s cleared (was %s)", what, x))
		default:
			ch = append(ch, fmt.Sprintf("%s changed from %s to %s", what, x, y))
		}
	}
	if a.SignupEnabled != b.SignupEnabled {
		onOff(b.SignupEnabled, "sign-up")
	}
	if a.SignupRequiresApproval != b.SignupRequiresApproval {
		if b.SignupRequiresApproval {
			ch = append(ch, "sign-ups now need approval")
		} else {
			ch = append(ch, "sign-ups no longer need approval")
		}
	}
	if a.DefaultPlanID != b.DefaultPlanID {
		x, y := "", ""
		if a.DefaultPlanID != "" {
			x = planName(a.DefaultPlanID)
		}
		if b.DefaultPlanID != "" {
			y = planName(b.DefaultPlanID)
		}
		change("default plan", x, y)
	}
	change("currency", a.Currency, b.Currency)
	change("tax rate", a.TaxRatePercent.String()+"%", b.TaxRatePercent.String()+"%")
	quote := func(v string) string {
		if v == "" {
			return ""
		}
		return strconv.Quote(v)
	}
	change("invoice prefix", quote(a.InvoicePrefix), quote(b.InvoicePrefix))
	change("support email", a.SupportEmail, b.SupportEmail)
	change("terms URL", a.TermsURL, b.TermsURL)
	if resellers != nil {
		onOff(*resellers, "reseller programme")
	}
	if len(ch) == 0 {
		return "Saved the settings unchanged"
	}
	out := strings.Join(ch, "; ")
	return strings.ToUpper(out[:1]) + out[1:]
}
