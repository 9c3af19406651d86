package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// Metrics returns the provider's metric catalogue, by key. Any signed-in
// user may read it.
func (db *DB) Metrics(ctx context.Context) ([]tenantry.Metric, error) {
	return metrics(ctx, db.read)
}

func metrics(ctx context.Context, q querier) ([]tenantry.Metric, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, name, unit, COALESCE(resource_type, '') FROM metrics ORDER BY key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.Metric
	for rows.Next() {
		var m tenantry.Metric
		if err := rows.Scan(&m.Key, &m.Name, &m.Unit, &m.ResourceType); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// provider returns the provider's account if the scope's actor may manage
// the catalogue there: only on the platform domain, with plans.manage.
func (s *Scope) provider() (*tenantry.Account, error) {
	if !s.tenant.IsPlatform() {
		return nil, tenantry.ErrNotFound
	}
	p := &s.tenant.Account
	if err := tenantry.Authorize(s.actor, tenantry.PermPlansManage, p); err != nil {
		return nil, err
	}
	return p, nil
}

// SaveMetric adds a metric to the catalogue, or renames or re-units an
// existing one (the key never changes). Provider staff only. Errors:
// EINVALID, ENOTFOUND (not the provider), EFORBIDDEN, ECONFLICT (a new
// metric whose key exists).
func (s *Scope) SaveMetric(ctx context.Context, m tenantry.Metric, create bool) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *tx) error {
		if create {
			_, err := tx.ExecContext(ctx, `INSERT INTO metrics (key, name, unit, resource_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
				m.Key, m.Name, m.Unit, nullString(m.ResourceType), ms(tx.now), ms(tx.now))
			if isUniqueViolation(err) {
				return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "metric_exists", Message: "A metric with this key exists.",
					Fields: map[string]string{"key": "A metric with this key exists."}}
			}
			if err != nil {
				return err
			}
			return s.audit(ctx, tx, p, "metric.create", "metric", m.Key, fmt.Sprintf("added metric %s (%s, per %s%s)", m.Key, m.Name, m.Unit, meters(m)))
		}
		// live resources metered by it keep their type: it may not change
		// under them
		var inUse int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM resources r JOIN metrics m ON m.key = r.metric_key
			WHERE r.metric_key = ? AND r.state <> 'deleted' AND (COALESCE(m.resource_type, '') <> ? OR m.unit <> ?)`,
			m.Key, m.ResourceType, m.Unit).Scan(&inUse); err != nil {
			return err
		}
		if inUse > 0 {
			msg := fmt.Sprintf("%d resources are metered by this metric: its unit and resource type stay while they exist.", inUse)
			return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "metric_in_use", Message: msg,
				Fields: map[string]string{"resource_type": msg}}
		}
		res, err := tx.ExecContext(ctx, `UPDATE metrics SET name = ?, unit = ?, resource_type = ?, updated_at = ? WHERE key = ?`,
			m.Name, m.Unit, nullString(m.ResourceType), ms(tx.now), m.Key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantry.ErrNotFound
		}
		return s.audit(ctx, tx, p, "metric.update", "metric", m.Key, fmt.Sprintf("metric %s is now %s, per %s%s", m.Key, m.Name, m.Unit, meters(m)))
	})
}

// meters says, for the audit, which resources a metric meters.
func meters(m tenantry.Metric) string {
	if m.ResourceType == "" {
		return ""
	}
	return ", metering " + strings.ToLower(tenantry.ResourceTypeLabel(m.ResourceType)) + "s"
}

const planColumns = `p.id, p.owner_id, p.name, p.currency, p.audience, p.markup_micro, p.status, p.created_at, p.updated_at`

func scanPlan(row scanner) (*tenantry.Plan, error) {
	var p tenantry.Plan
	var created, updated, markup int64
	if err := row.Scan(&p.ID, &p.OwnerID, &p.Name, &p.Currency, &p.Audience, &markup, &p.Status, &created, &updated); err != nil {
		return nil, err
	}
	p.MarkupPercent, p.CreatedAt, p.UpdatedAt = money.Micro(markup), fromMS(created), fromMS(updated)
	return &p, nil
}

// loadPrices fills the prices of the given plans in force at a time, in
// one query.
func loadPrices(ctx context.Context, q querier, at time.Time, plans ...*tenantry.Plan) error {
	if len(plans) == 0 {
		return nil
	}
	byID := map[string]*tenantry.Plan{}
	ids := make([]string, 0, len(plans))
	for _, p := range plans {
		byID[p.ID] = p
		p.Prices, p.PricesFrom = nil, time.Time{}
		ids = append(ids, p.ID)
	}
	rows, err := q.QueryContext(ctx, `SELECT v.plan_id, v.effective_from, vp.metric_key, vp.unit_price_micro
		FROM plan_price_versions v LEFT JOIN plan_version_prices vp ON vp.version_id = v.id
		WHERE v.plan_id IN (`+placeholders(len(ids))+`) AND v.effective_from = (
			SELECT MAX(w.effective_from) FROM plan_price_versions w WHERE w.plan_id = v.plan_id AND w.effective_from <= ?)
		ORDER BY v.plan_id, vp.metric_key`, append(anys(ids), ms(at))...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var from int64
		var metric sql.NullString
		var v sql.NullInt64
		if err := rows.Scan(&id, &from, &metric, &v); err != nil {
			return err
		}
		p := byID[id]
		p.PricesFrom = fromMS(from)
		if metric.Valid {
			p.Prices = append(p.Prices, tenantry.Price{Metric: metric.String, UnitPrice: money.Micro(v.Int64)})
		}
	}
	return rows.Err()
}

// planByID loads a plan with the prices in force at the transaction's
// time (q is a *tx) or now.
func planByID(ctx context.Context, q querier, id string) (*tenantry.Plan, error) {
	at := time.Now().UTC()
	if t, ok := q.(*tx); ok {
		at = t.now
	}
	return planAt(ctx, q, id, at)
}

// planAt loads a plan with the prices in force at a time.
func planAt(ctx context.Context, q querier, id string, at time.Time) (*tenantry.Plan, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans p WHERE p.id = ?`, id))
	if err != nil {
		return nil, notFound(err)
	}
	return p, loadPrices(ctx, q, at, p)
}

// priceVersions lists a plan's price versions, oldest first.
func priceVersions(ctx context.Context, q querier, planID string) ([]tenantry.PlanPrices, error) {
	rows, err := q.QueryContext(ctx, `SELECT v.id, v.effective_from, COALESCE(v.created_by, ''), v.created_at, vp.metric_key, vp.unit_price_micro
		FROM plan_price_versions v LEFT JOIN plan_version_prices vp ON vp.version_id = v.id
		WHERE v.plan_id = ? ORDER BY v.effective_from, vp.metric_key`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.PlanPrices
	for rows.Next() {
		var id, by string
		var from, created int64
		var metric sql.NullString
		var v sql.NullInt64
		if err := rows.Scan(&id, &from, &by, &created, &metric, &v); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, tenantry.PlanPrices{ID: id, PlanID: planID, EffectiveFrom: fromMS(from), CreatedBy: by, CreatedAt: fromMS(created)})
		}
		if metric.Valid {
			last := &out[len(out)-1]
			last.Prices = append(last.Prices, tenantry.Price{Metric: metric.String, UnitPrice: money.Micro(v.Int64)})
		}
	}
	return out, rows.Err()
}

// PlanFilter narrows a vendor's list of plans.
type PlanFilter struct {
	Audience string
	Status   string
}

// Plans lists the plans a vendor owns, by name, with their prices.
func (s *Scope) Plans(ctx context.Context, ownerID string, f PlanFilter) ([]tenantry.Plan, error) {
	owner, err := s.Account(ctx, ownerID)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + planColumns + ` FROM plans p WHERE p.owner_id = ?`
	args := []any{owner.ID}
	if f.Audience != "" {
		q += ` AND p.audience = ?`
		args = append(args, f.Audience)
	}
	if f.Status != "" {
		q += ` AND p.status = ?`
		args = append(args, f.Status)
	}
	rows, err := s.db.read.QueryContext(ctx, q+` ORDER BY p.status, p.name`, args...)
	if err != nil {
		return nil, err
	}
	var out []*tenantry.Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := loadPrices(ctx, s.db.read, s.db.Now(), out...); err != nil {
		return nil, err
	}
	plans := make([]tenantry.Plan, len(out))
	for i, p := range out {
		plans[i] = *p
	}
	return plans, nil
}

// Plan returns a plan the actor may see: one owned by an account it may
// view (account.view), or one assigned to such an account (a reseller
// sees its wholesale plan, never the rest of its vendor's plans).
// EFORBIDDEN when the owner or an assigned account is in reach but the
// actor may not view it (a customer's service user sees nothing of its
// account, its plan included); ENOTFOUND otherwise.
func (s *Scope) Plan(ctx context.Context, id string) (*tenantry.Plan, error) {
	p, err := planAt(ctx, s.db.read, id, s.db.Now())
	if err != nil {
		return nil, err
	}
	_, ownerErr := s.Account(ctx, p.OwnerID)
	if ownerErr == nil {
		return p, nil
	}
	assigned := func(where string, args []any) (bool, error) {
		var n int
		err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_assignments pa JOIN accounts a ON a.id = pa.account_id
			WHERE pa.plan_id = ? AND `+where, append([]any{id}, args...)...).Scan(&n)
		return n > 0, err
	}
	if ok, err := assigned(s.reachWith("a.path", tenantry.PermAccountView)); err != nil || ok {
		return p, err
	}
	ok, err := assigned(s.reach("a.path"))
	if err != nil {
		return nil, err
	}
	if ok || tenantry.ErrorKind(ownerErr) == tenantry.EFORBIDDEN {
		return nil, tenantry.RoleForbids()
	}
	return nil, tenantry.ErrNotFound
}

// ownPlan loads a plan for changing it: the actor needs plans.manage on
// its owner. ENOTFOUND when the plan is invisible; EFORBIDDEN when it is
// visible only as the plan assigned to the actor's account (a reseller's
// wholesale plan belongs to its vendor).
func (s *Scope) ownPlan(ctx context.Context, q querier, id string) (*tenantry.Plan, *tenantry.Account, error) {
	p, err := planAt(ctx, q, id, s.nowFor(q))
	if err != nil {
		return nil, nil, err
	}
	owner, err := s.account(ctx, q, p.OwnerID)
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		if _, verr := s.Plan(ctx, id); verr != nil {
			return nil, nil, verr
		}
		return nil, nil, &tenantry.Error{Kind: tenantry.EFORBIDDEN, Code: tenantry.EFORBIDDEN, Message: "This plan belongs to your vendor."}
	}
	if err != nil {
		return nil, nil, err
	}
	if err := tenantry.Authorize(s.actor, tenantry.PermPlansManage, owner); err != nil {
		return nil, nil, err
	}
	return p, owner, nil
}

// nowFor is the time a read through q sees: the transaction's clock, or
// the store's.
func (s *Scope) nowFor(q querier) time.Time {
	if t, ok := q.(*tx); ok {
		return t.now
	}
	return s.db.Now()
}

func planConflict(err error) error {
	if isUniqueViolation(err) {
		return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "plan_name_taken", Message: "You already have a plan with this name.",
			Fields: map[string]string{"name": "You already have a plan with this name."}}
	}
	return err
}

// writeVersion records prices in force for a plan from a time: a new
// version, or the prices of the version already starting then replaced.
func writeVersion(ctx context.Context, tx *tx, planID string, from time.Time, prices []tenantry.Price, byUserID string) error {
	var by any
	if byUserID != "" {
		by = byUserID
	}
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM plan_price_versions WHERE plan_id = ? AND effective_from = ?`, planID, ms(from)).Scan(&id)
	switch {
	case err == sql.ErrNoRows:
		id = tenantry.NewID("ppv")
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_price_versions (id, plan_id, effective_from, created_by, created_at)
			VALUES (?, ?, ?, ?, ?)`, id, planID, ms(from), by, ms(tx.now)); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if _, err := tx.ExecContext(ctx, `UPDATE plan_price_versions SET created_by = ?, created_at = ? WHERE id = ?`, by, ms(tx.now), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_version_prices WHERE version_id = ?`, id); err != nil {
			return err
		}
	}
	for _, pr := range prices {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_version_prices (version_id, metric_key, unit_price_micro) VALUES (?, ?, ?)`,
			id, pr.Metric, int64(pr.UnitPrice)); err != nil {
			return err
		}
	}
	return nil
}

// CreatePlan creates a plan owned by vendor ownerID. Errors: EINVALID,
// ENOTFOUND, EFORBIDDEN (plans.manage), ECONFLICT (name taken).
func (s *Scope) CreatePlan(ctx context.Context, ownerID string, in tenantry.PlanInput) (*tenantry.Plan, error) {
	var p *tenantry.Plan
	err := s.db.inTx(ctx, func(tx *tx) error {
		owner, err := s.account(ctx, tx, ownerID)
		if err != nil {
			return err
		}
		if err := tenantry.Authorize(s.actor, tenantry.PermPlansManage, owner); err != nil {
			return err
		}
		if !owner.Kind.IsVendor() {
			return tenantry.Errorf(tenantry.EFORBIDDEN, "Only the provider and resellers have plans.")
		}
		catalogue, err := metrics(ctx, tx)
		if err != nil {
			return err
		}
		if p, err = in.Parse(catalogue); err != nil {
			return err
		}
		if strings.TrimSpace(in.EffectiveFrom) != "" {
			return tenantry.Invalid(map[string]string{"effective_from": "A new plan's prices take effect when it is created; schedule a change once it exists."})
		}
		p.ID, p.OwnerID, p.CreatedAt, p.UpdatedAt, p.PricesFrom = tenantry.NewID("pln"), owner.ID, tx.now, tx.now, tx.now
		_, err = tx.ExecContext(ctx, `INSERT INTO plans (id, owner_id, name, currency, audience, markup_micro, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.OwnerID, p.Name, p.Currency, p.Audience, int64(p.MarkupPercent),
			p.Status, ms(tx.now), ms(tx.now))
		if err != nil {
			return planConflict(err)
		}
		if err := writeVersion(ctx, tx, p.ID, tx.now, p.Prices, s.actor.User.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, owner, "plan.create", "plan", p.ID, fmt.Sprintf("created plan %q for %s in %s with %d prices",
			p.Name, p.Audience, p.Currency, len(p.Prices)))
	})
	return p, err
}

// UpdatePlan replaces a plan's name, currency, audience and markup, and
// schedules its prices: prices that differ from the latest version become
// a new version in force from in.EffectiveFrom (default now), and the
// earlier versions keep rating the time before. The audience and currency
// of a plan in use cannot change. Errors as CreatePlan, and EINVALID on
// effective_from: a time in the past (usage up to now is rated at the
// prices then in force), or before a version already scheduled. Prices
// equal to those in force now, sent with no date, change nothing.
func (s *Scope) UpdatePlan(ctx context.Context, id string, in tenantry.PlanInput) (*tenantry.Plan, error) {
	var p *tenantry.Plan
	err := s.db.inTx(ctx, func(tx *tx) error {
		old, owner, err := s.ownPlan(ctx, tx, id)
		if err != nil {
			return err
		}
		catalogue, err := metrics(ctx, tx)
		if err != nil {
			return err
		}
		if p, err = in.Parse(catalogue); err != nil {
			return err
		}
		from, err := tenantry.ParseEffectiveFrom(in.EffectiveFrom, tx.now)
		if err != nil {
			return err
		}
		if from.Before(tx.now) {
			return tenantry.Invalid(map[string]string{"effective_from": "Choose today or a later date: usage up to now is rated at the prices in force when it was used, and changing them afterwards would change what is already owed."})
		}
		if from.After(tx.now.AddDate(5, 0, 0)) {
			return tenantry.Invalid(map[string]string{"effective_from": "Choose a date within five years from now."})
		}
		p.ID, p.OwnerID, p.Status, p.CreatedAt, p.UpdatedAt = old.ID, old.OwnerID, old.Status, old.CreatedAt, tx.now
		if p.Audience != old.Audience || p.Currency != old.Currency {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_assignments WHERE plan_id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 && p.Audience != old.Audience {
				return tenantry.Invalid(map[string]string{"audience": "This plan is assigned to accounts: its audience cannot change. Copy it instead."})
			}
			if n > 0 {
				return tenantry.Invalid(map[string]string{"currency": "This plan is assigned to accounts, whose usage is rated in " + old.Currency + ": its currency cannot change. Copy it instead."})
			}
		}
		versions, err := priceVersions(ctx, tx, id)
		if err != nil {
			return err
		}
		var latest *tenantry.PlanPrices
		if len(versions) > 0 {
			latest = &versions[len(versions)-1]
		}
		changed := latest == nil || !tenantry.SamePrices(latest.Prices, p.Prices)
		if changed && strings.TrimSpace(in.EffectiveFrom) == "" && tenantry.SamePrices(old.Prices, p.Prices) {
			// the prices in force now, sent back without a date (an API
			// client echoing GET): nothing to change, and a scheduled
			// version stays
			changed = false
		}
		if changed && latest != nil && from.Before(latest.EffectiveFrom) {
			msg := fmt.Sprintf("New prices are already scheduled from %s. Choose that date or later, or cancel the scheduled prices first: a change cannot take effect before one that is already planned.",
				latest.EffectiveFrom.Format(time.DateOnly))
			return tenantry.Invalid(map[string]string{"effective_from": msg})
		}
		_, err = tx.ExecContext(ctx, `UPDATE plans SET name = ?, currency = ?, audience = ?, markup_micro = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.Currency, p.Audience, int64(p.MarkupPercent), ms(tx.now), p.ID)
		if err != nil {
			return planConflict(err)
		}
		var was []tenantry.Price
		if latest != nil {
			was = latest.Prices
		}
		newPrices := p.Prices
		p.Prices, p.PricesFrom = old.Prices, old.PricesFrom
		if changed {
			if err := writeVersion(ctx, tx, p.ID, from, newPrices, s.actor.User.ID); err != nil {
				return err
			}
			if !from.After(tx.now) {
				p.Prices, p.PricesFrom = newPrices, from
			}
		}
		return s.audit(ctx, tx, owner, "plan.update", "plan", p.ID, planDiff(old, p, was, newPrices, from, tx.now))
	})
	return p, err
}

// planDiff summarises what an edit changed, for the audit log: the plan's
// fields, and the prices against the latest version (was), with when the
// new ones take effect.
func planDiff(old, p *tenantry.Plan, was, prices []tenantry.Price, from, now time.Time) string {
	var changes []string
	if old.Name != p.Name {
		changes = append(changes, fmt.Sprintf("name %q → %q", old.Name, p.Name))
	}
	if old.Currency != p.Currency {
		changes = append(changes, fmt.Sprintf("currency %s → %s", old.Currency, p.Currency))
	}
	if old.Audience != p.Audience {
		changes = append(changes, fmt.Sprintf("audience %s → %s", old.Audience, p.Audience))
	}
	if old.MarkupPercent != p.MarkupPercent {
		changes = append(changes, fmt.Sprintf("markup %s%% → %s%%", old.MarkupPercent, p.MarkupPercent))
	}
	priceOf := func(list []tenantry.Price, metric string) (money.Micro, bool) {
		for _, pr := range list {
			if pr.Metric == metric {
				return pr.UnitPrice, true
			}
		}
		return 0, false
	}
	var priceChanges []string
	for _, pr := range prices {
		if w, ok := priceOf(was, pr.Metric); !ok || w != pr.UnitPrice {
			priceChanges = append(priceChanges, fmt.Sprintf("%s %s → %s", pr.Metric, priceText(w, ok), pr.UnitPrice.Fixed(6)))
		}
	}
	for _, pr := range was {
		if _, ok := priceOf(prices, pr.Metric); !ok {
			priceChanges = append(priceChanges, fmt.Sprintf("%s %s → none", pr.Metric, pr.UnitPrice.Fixed(6)))
		}
	}
	if len(priceChanges) > 0 {
		when := "now"
		if from.After(now) {
			when = "from " + from.Format("2006-01-02 15:04 UTC")
		}
		changes = append(changes, "prices "+when+": "+strings.Join(priceChanges, ", "))
	}
	if len(changes) == 0 {
		return fmt.Sprintf("saved plan %q unchanged", p.Name)
	}
	return fmt.Sprintf("plan %q: %s", p.Name, strings.Join(changes, "; "))
}

func priceText(m money.Micro, ok bool) string {
	if !ok {
		return "none"
	}
	return m.Fixed(6)
}

// SetPlanStatus archives a plan or makes it active again. An archived plan
// stays on the accounts that have it but cannot be newly assigned.
func (s *Scope) SetPlanStatus(ctx context.Context, id, status string) (*tenantry.Plan, error) {
	if status != tenantry.PlanActive && status != tenantry.PlanArchived {
		return nil, tenantry.Invalid(map[string]string{"status": "Choose active or archived."})
	}
	var p *tenantry.Plan
	err := s.db.inTx(ctx, func(tx *tx) error {
		var owner *tenantry.Account
		var err error
		if p, owner, err = s.ownPlan(ctx, tx, id); err != nil {
			return err
		}
		if p.Status == status {
			return nil
		}
		p.Status = status
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET status = ?, updated_at = ? WHERE id = ?`, status, ms(tx.now), id); err != nil {
			return err
		}
		action := "plan.archive"
		if status == tenantry.PlanActive {
			action = "plan.restore"
		}
		return s.audit(ctx, tx, owner, action, "plan", id, fmt.Sprintf("plan %q is now %s", p.Name, status))
	})
	return p, err
}

// CopyPlan creates an active copy of a plan under a new name, owned by the
// same vendor, with the prices in force now (not their history, nor a
// scheduled change).
func (s *Scope) CopyPlan(ctx context.Context, id, name string) (*tenantry.Plan, error) {
	src, _, err := s.ownPlan(ctx, s.db.read, id)
	if err != nil {
		return nil, err
	}
	in := tenantry.PlanInput{Name: name, Currency: src.Currency, Audience: src.Audience,
		MarkupPercent: src.MarkupPercent.String()}
	for _, pr := range src.Prices {
		in.Prices = append(in.Prices, tenantry.PriceInput{Metric: pr.Metric, UnitPrice: pr.UnitPrice.Fixed(6)})
	}
	return s.CreatePlan(ctx, src.OwnerID, in)
}

// PlanPriceVersions lists a plan's price versions, oldest first: the
// history, the version in force now, and any scheduled. Visible as Plan
// is; errors as Plan.
func (s *Scope) PlanPriceVersions(ctx context.Context, planID string) ([]tenantry.PlanPrices, error) {
	p, err := s.Plan(ctx, planID)
	if err != nil {
		return nil, err
	}
	return priceVersions(ctx, s.db.read, p.ID)
}

// PlanPricesAt returns the version of a plan's prices in force at t: what
// usage at t is rated at. Errors as Plan, and ENOTFOUND (code no_prices)
// when t is before the plan's first prices.
func (s *Scope) PlanPricesAt(ctx context.Context, planID string, t time.Time) (*tenantry.PlanPrices, error) {
	versions, err := s.PlanPriceVersions(ctx, planID)
	if err != nil {
		return nil, err
	}
	v := tenantry.PricesAt(versions, t)
	if v == nil {
		return nil, &tenantry.Error{Kind: tenantry.ENOTFOUND, Code: "no_prices", Message: "The plan had no prices at that time."}
	}
	return v, nil
}

// CancelPlanPrices drops a version of a plan's prices that is not yet in
// force; the one before it stays in force. Errors as UpdatePlan, ENOTFOUND
// (no such version of this plan), and ECONFLICT (already in force: history
// is kept).
func (s *Scope) CancelPlanPrices(ctx context.Context, planID, versionID string) error {
	return s.db.inTx(ctx, func(tx *tx) error {
		p, owner, err := s.ownPlan(ctx, tx, planID)
		if err != nil {
			return err
		}
		var from int64
		err = tx.QueryRowContext(ctx, `SELECT effective_from FROM plan_price_versions WHERE id = ? AND plan_id = ?`, versionID, p.ID).Scan(&from)
		if err != nil {
			return notFound(err)
		}
		if !fromMS(from).After(tx.now) {
			return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "prices_in_force",
				Message: "These prices are already in force and stay in the plan's history; schedule new prices instead."}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_price_versions WHERE id = ?`, versionID); err != nil {
			return err
		}
		return s.audit(ctx, tx, owner, "plan.prices_cancel", "plan", p.ID,
			fmt.Sprintf("plan %q: cancelled the prices scheduled from %s", p.Name, fromMS(from).Format("2006-01-02 15:04 UTC")))
	})
}

// assignPlan records that account takes plan from the given time. It
// checks nothing: callers have.
func assignPlan(ctx context.Context, tx *tx, accountID, planID string, from time.Time, byUserID string) error {
	var by any
	if byUserID != "" {
		by = byUserID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO plan_assignments (id, account_id, plan_id, effective_from, assigned_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, tenantry.NewID("pas"), accountID, planID, ms(from), by, ms(tx.now))
	if err != nil {
		return fmt.Errorf("assign plan: %w", err)
	}
	return nil
}

// checkAssignable returns why a vendor's plan cannot be assigned to an
// account directly below it, as a domain error. A plan owned by anyone but
// the account's vendor is ENOTFOUND: vendors see only their own plans.
func checkAssignable(p *tenantry.Plan, a *tenantry.Account) error {
	switch {
	case p.OwnerID != a.ParentID:
		return tenantry.ErrNotFound
	case p.Status != tenantry.PlanActive:
		return &tenantry.Error{Kind: tenantry.EINVALID, Code: "plan_archived", Message: "This plan is archived and cannot be assigned.",
			Fields: map[string]string{"plan_id": "This plan is archived and cannot be assigned."}}
	case p.Audience != tenantry.AudienceFor(a.Kind):
		msg := fmt.Sprintf("This plan is for %s; choose a plan for %s.", p.Audience, tenantry.AudienceFor(a.Kind))
		return &tenantry.Error{Kind: tenantry.EINVALID, Code: "plan_audience", Message: msg, Fields: map[string]string{"plan_id": msg}}
	}
	return nil
}

// AssignPlan gives an account a plan of its vendor's from a date on (the
// start of that day UTC; zero means today). Errors: ENOTFOUND (account out
// of reach, or a plan its vendor does not own), EFORBIDDEN, EINVALID
// (archived plan, wrong audience).
func (s *Scope) AssignPlan(ctx context.Context, accountID, planID string, from time.Time) (*tenantry.PlanAssignment, error) {
	var out *tenantry.PlanAssignment
	err := s.db.inTx(ctx, func(tx *tx) error {
		a, err := s.account(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if err := tenantry.Authorize(s.actor, tenantry.PermissionForKind(a.Kind), a); err != nil {
			return err
		}
		if a.IsOrganization {
			return errAnchorNoPlan
		}
		p, err := planByID(ctx, tx, planID)
		if err != nil {
			return err
		}
		if err := checkAssignable(p, a); err != nil {
			return err
		}
		if from.IsZero() {
			from = tx.now
		}
		from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
		if err := assignPlan(ctx, tx, a.ID, p.ID, from, s.actor.User.ID); err != nil {
			return err
		}
		out = &tenantry.PlanAssignment{AccountID: a.ID, Plan: *p, EffectiveFrom: from, AssignedBy: s.actor.User.ID, CreatedAt: tx.now}
		return s.audit(ctx, tx, a, "plan.assign", "plan", p.ID, fmt.Sprintf("plan %q from %s", p.Name, from.Format("2006-01-02")))
	})
	return out, err
}

// PlanHistory lists an account's plan assignments, newest first.
func (s *Scope) PlanHistory(ctx context.Context, accountID string) ([]tenantry.PlanAssignment, error) {
	a, err := s.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT pa.id, pa.effective_from, COALESCE(pa.assigned_by, ''), pa.created_at, `+planColumns+`
		FROM plan_assignments pa JOIN plans p ON p.id = pa.plan_id
		WHERE pa.account_id = ? ORDER BY pa.effective_from DESC, pa.created_at DESC`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenantry.PlanAssignment
	for rows.Next() {
		var pa tenantry.PlanAssignment
		var from, created, pcreated, pupdated, markup int64
		p := &pa.Plan
		if err := rows.Scan(&pa.ID, &from, &pa.AssignedBy, &created, &p.ID, &p.OwnerID, &p.Name, &p.Currency, &p.Audience,
			&markup, &p.Status, &pcreated, &pupdated); err != nil {
			return nil, err
		}
		pa.AccountID, pa.EffectiveFrom, pa.CreatedAt = a.ID, fromMS(from), fromMS(created)
		p.MarkupPercent, p.CreatedAt, p.UpdatedAt = money.Micro(markup), fromMS(pcreated), fromMS(pupdated)
		out = append(out, pa)
	}
	return out, rows.Err()
}

// CurrentPlan returns the plan in effect for an account now, with its
// prices, or nil when it has none.
func (s *Scope) CurrentPlan(ctx context.Context, accountID string) (*tenantry.PlanAssignment, error) {
	history, err := s.PlanHistory(ctx, accountID)
	if err != nil {
		return nil, err
	}
	pa := tenantry.InEffect(history, s.db.Now())
	if pa == nil {
		return nil, nil
	}
	return pa, loadPrices(ctx, s.db.read, s.db.Now(), &pa.Plan)
}

// PlanUsage counts, for each plan a vendor owns, the accounts whose plan
// in effect now it is.
func (s *Scope) PlanUsage(ctx context.Context, ownerID string) (map[string]int, error) {
	owner, err := s.Account(ctx, ownerID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT plan_id, COUNT(*) FROM (
			SELECT a.id, (`+currentPlanSQL+`) AS plan_id FROM accounts a WHERE a.parent_id = ?)
		WHERE plan_id IS NOT NULL GROUP BY plan_id`, ms(s.db.Now()), owner.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// nullString stores "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
