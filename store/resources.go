package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

// Resources inside infrastructures and their metered lifecycle. Seeing
// them needs infra.view on the infrastructure (a delegate's grant counts),
// changing them infra.manage; anything out of reach, a deleted resource
// included, is ENOTFOUND.
//
// Metering: running_since opens an interval; stop, resize and delete close
// it, in the same transaction that changes the resource, by writing
// lifecycle usage records split at month boundaries (closeInterval). So
// an interval is written exactly once whatever the process does between
// start and stop, and a running resource's usage up to now is its closed
// records plus the open interval, read without any job having run.

const resourceColumns = `r.id, r.infrastructure_id, r.account_id, r.type, r.name, r.metric_key, COALESCE(r.size_gb, 0),
	r.state, COALESCE(r.running_since, 0), r.created_at, r.updated_at`

func scanResource(row scanner) (*tenantry.Resource, error) {
	var r tenantry.Resource
	var since, created, updated int64
	if err := row.Scan(&r.ID, &r.InfrastructureID, &r.AccountID, &r.Type, &r.Name, &r.Metric, &r.SizeGB,
		&r.State, &since, &created, &updated); err != nil {
		return nil, err
	}
	if since != 0 {
		r.RunningSince = fromMS(since)
	}
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	return &r, nil
}

// resourceSize is what a resource's metric is multiplied by: a volume's
// size, 1 for the others.
func resourceSize(r *tenantry.Resource) int64 {
	if r.Type == tenantry.ResourceVolume {
		return r.SizeGB
	}
	return 1
}

// resource loads a live resource and its infrastructure and owner, and
// checks p on the infrastructure.
func (s *Scope) resource(ctx context.Context, q querier, id string, p tenantry.Permission) (*tenantry.Resource, *tenantry.Infrastructure, *tenantry.Account, error) {
	r, err := scanResource(q.QueryRowContext(ctx, `SELECT `+resourceColumns+` FROM resources r
		WHERE r.id = ? AND r.state <> 'deleted'`, id))
	if err != nil {
		return nil, nil, nil, notFound(err)
	}
	in, a, err := s.infra(ctx, q, r.InfrastructureID)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := tenantry.AuthorizeInfra(s.actor, p, a, in.ID); err != nil {
		return nil, nil, nil, err
	}
	return r, in, a, nil
}

// managedInfra loads an infrastructure and checks p on it, a delegate's
// grant included.
func (s *Scope) managedInfra(ctx context.Context, q querier, id string, p tenantry.Permission) (*tenantry.Infrastructure, *tenantry.Account, error) {
	in, a, err := s.infra(ctx, q, id)
	if err != nil {
		return nil, nil, err
	}
	if err := tenantry.AuthorizeInfra(s.actor, p, a, in.ID); err != nil {
		return nil, nil, err
	}
	return in, a, nil
}

// Resources lists an infrastructure's live resources by type and name,
// each with what it used this month up to now. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Scope) Resources(ctx context.Context, infraID string) ([]tenantry.Resource, error) {
	in, _, err := s.managedInfra(ctx, s.db.read, infraID, tenantry.PermInfraView)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+resourceColumns+` FROM resources r
		WHERE r.infrastructure_id = ? AND r.state <> 'deleted'
		ORDER BY CASE r.type WHEN 'server' THEN 0 WHEN 'volume' THEN 1 ELSE 2 END, lower(r.name), r.id`, in.ID)
	if err != nil {
		return nil, err
	}
	var out []tenantry.Resource
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.fillUsedThisMonth(ctx, s.db.read, out)
}

// Resource returns one live resource with its usage this month. Errors:
// ENOTFOUND, EFORBIDDEN.
func (s *Scope) Resource(ctx context.Context, id string) (*tenantry.Resource, error) {
	r, _, _, err := s.resource(ctx, s.db.read, id, tenantry.PermInfraView)
	if err != nil {
		return nil, err
	}
	list := []tenantry.Resource{*r}
	if err := s.fillUsedThisMonth(ctx, s.db.read, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// fillUsedThisMonth sets UsedThisMonth on each resource: its closed
// lifecycle records of this month (they are split at month starts, so
// each lies in one month) and its open interval from the month's start
// up to now.
func (s *Scope) fillUsedThisMonth(ctx context.Context, q querier, list []tenantry.Resource) error {
	if len(list) == 0 {
		return nil
	}
	now := usage.Second(s.db.Now())
	from := usage.MonthStart(now)
	ids := make([]any, 0, len(list)+1)
	ids = append(ids, ms(from))
	byID := map[string]*tenantry.Resource{}
	for i := range list {
		ids = append(ids, list[i].ID)
		byID[list[i].ID] = &list[i]
	}
	rows, err := q.QueryContext(ctx, `SELECT resource_id, metric_key, SUM(quantity_micro) FROM usage_records
		WHERE start_ms >= ? AND resource_id IN (?`+strings.Repeat(", ?", len(list)-1)+`)
		GROUP BY resource_id, metric_key ORDER BY resource_id, metric_key`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, metric string
		var qty int64
		if err := rows.Scan(&id, &metric, &qty); err != nil {
			return err
		}
		addQuantity(&byID[id].UsedThisMonth, metric, money.Micro(qty))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range list {
		r := &list[i]
		if r.State == tenantry.StateRunning {
			addQuantity(&r.UsedThisMonth, r.Metric, openQuantity(r, from, now, now))
		}
	}
	return nil
}

// openQuantity is what a running resource's open interval has used
// within [lo, hi) up to now, cut at month starts and rounded per piece as
// closeInterval will write it.
func openQuantity(r *tenantry.Resource, lo, hi, now time.Time) money.Micro {
	var q money.Micro
	for _, p := range usage.SplitMonths(usage.Later(r.RunningSince, lo), usage.Earlier(now, hi)) {
		q += usage.Hours(p.End.Sub(p.Start), resourceSize(r))
	}
	return q
}

func addQuantity(list *[]tenantry.MetricQuantity, metric string, q money.Micro) {
	for i := range *list {
		if (*list)[i].Metric == metric {
			(*list)[i].Quantity += q
			return
		}
	}
	*list = append(*list, tenantry.MetricQuantity{Metric: metric, Quantity: q})
}

func resourceNameTaken(err error) error {
	if isUniqueViolation(err) {
		msg := "This infrastructure already has a resource with this name."
		return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "resource_exists", Message: msg,
			Fields: map[string]string{"name": msg}}
	}
	return err
}

func describe(r *tenantry.Resource) string {
	d := fmt.Sprintf("%s %q (%s", strings.ToLower(tenantry.ResourceTypeLabel(r.Type)), r.Name, r.Metric)
	if r.Type == tenantry.ResourceVolume {
		d += fmt.Sprintf(", %d GB", r.SizeGB)
	}
	return d + ")"
}

// CreateResource adds a resource to an infrastructure, stopped unless
// in.Start. Errors: EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT (name taken).
func (s *Scope) CreateResource(ctx context.Context, infraID string, in tenantry.NewResource) (*tenantry.Resource, error) {
	catalogue, err := metrics(ctx, s.db.read)
	if err != nil {
		return nil, err
	}
	var out *tenantry.Resource
	err = s.db.inTx(ctx, func(tx *tx) error {
		infra, a, err := s.managedInfra(ctx, tx, infraID, tenantry.PermInfraManage)
		if err != nil {
			return err
		}
		if err := tenantry.CheckResource(catalogue, &in); err != nil {
			return err
		}
		now := usage.Second(tx.now)
		r := &tenantry.Resource{ID: tenantry.NewID("res"), InfrastructureID: infra.ID, AccountID: a.ID, Type: in.Type,
			Name: in.Name, Metric: in.Metric, State: tenantry.StateStopped, CreatedAt: tx.now, UpdatedAt: tx.now}
		var size any
		if in.Type == tenantry.ResourceVolume {
			r.SizeGB, size = *in.SizeGB, *in.SizeGB
		}
		var since any
		if in.Start {
			r.State, r.RunningSince, since = tenantry.StateRunning, now, ms(now)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO resources (id, infrastructure_id, account_id, type, name, metric_key,
			size_gb, state, running_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.InfrastructureID, r.AccountID, r.Type, r.Name, r.Metric, size, r.State, since, ms(tx.now), ms(tx.now)); err != nil {
			return resourceNameTaken(err)
		}
		summary := fmt.Sprintf("created %s in infrastructure %q", describe(r), infra.Name)
		if in.Start {
			summary += ", running"
		}
		out = r
		return s.audit(ctx, tx, a, "resource.create", "resource", r.ID, summary)
	})
	return out, err
}

// closeInterval ends r's open interval at end: its running time becomes
// lifecycle usage records, one per calendar month it spans, at r's metric
// and size. The caller changes or clears running_since in the same
// transaction.
func (s *Scope) closeInterval(ctx context.Context, tx *tx, r *tenantry.Resource, end time.Time) error {
	if r.State != tenantry.StateRunning || !r.RunningSince.Before(end) {
		return nil
	}
	var recs []usageRow
	for _, iv := range usage.SplitMonths(r.RunningSince, end) {
		recs = append(recs, usageRow{AccountID: r.AccountID, InfrastructureID: r.InfrastructureID, ResourceID: r.ID,
			Metric: r.Metric, Quantity: usage.Hours(iv.End.Sub(iv.Start), resourceSize(r)), Start: iv.Start, End: iv.End,
			Source: usage.SourceLifecycle})
	}
	w, err := s.db.newUsageWriter(ctx, tx, s.sentBy())
	if err != nil {
		return err
	}
	defer w.close()
	if _, err := w.insert(ctx, recs); err != nil {
		return err
	}
	return w.flush(ctx)
}

// changeResource runs one lifecycle step on a live resource in a
// transaction: fn gets the resource as it is and the second it happens,
// and returns the audit action and summary, or "" when nothing changed
// (starting a running resource answers 200 and writes nothing).
func (s *Scope) changeResource(ctx context.Context, id string, fn func(tx *tx, r *tenantry.Resource, now time.Time) (string, string, error)) (*tenantry.Resource, error) {
	var out *tenantry.Resource
	err := s.db.inTx(ctx, func(tx *tx) error {
		r, _, a, err := s.resource(ctx, tx, id, tenantry.PermInfraManage)
		if err != nil {
			return err
		}
		action, summary, err := fn(tx, r, usage.Second(tx.now))
		if err != nil || action == "" {
			out = r
			return err
		}
		out = r
		return s.audit(ctx, tx, a, action, "resource", r.ID, summary)
	})
	if err != nil {
		return nil, err
	}
	if out.State == tenantry.StateDeleted {
		return out, nil
	}
	list := []tenantry.Resource{*out}
	if err := s.fillUsedThisMonth(ctx, s.db.read, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// StartResource starts a stopped resource: metering begins. Starting a
// running one changes nothing. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Scope) StartResource(ctx context.Context, id string) (*tenantry.Resource, error) {
	return s.changeResource(ctx, id, func(tx *tx, r *tenantry.Resource, now time.Time) (string, string, error) {
		if r.State == tenantry.StateRunning {
			return "", "", nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE resources SET state = 'running', running_since = ?, updated_at = ? WHERE id = ?`,
			ms(now), ms(tx.now), r.ID); err != nil {
			return "", "", err
		}
		r.State, r.RunningSince, r.UpdatedAt = tenantry.StateRunning, now, tx.now
		return "resource.start", "started " + describe(r), nil
	})
}

// StopResource stops a running resource: its interval up to now becomes
// usage. Stopping a stopped one changes nothing. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Scope) StopResource(ctx context.Context, id string) (*tenantry.Resource, error) {
	return s.changeResource(ctx, id, func(tx *tx, r *tenantry.Resource, now time.Time) (string, string, error) {
		if r.State != tenantry.StateRunning {
			return "", "", nil
		}
		if err := s.closeInterval(ctx, tx, r, now); err != nil {
			return "", "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE resources SET state = 'stopped', running_since = NULL, updated_at = ? WHERE id = ?`,
			ms(tx.now), r.ID); err != nil {
			return "", "", err
		}
		ran := now.Sub(r.RunningSince).Round(time.Second)
		r.State, r.RunningSince, r.UpdatedAt = tenantry.StateStopped, time.Time{}, tx.now
		return "resource.stop", fmt.Sprintf("stopped %s after %s running", describe(r), ran), nil
	})
}

// ResizeResource gives a resource another metric (a server's flavor) or
// another size (a volume). A running resource's interval so far is
// metered at the old metric and size, and a new one opens at the new.
// Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Scope) ResizeResource(ctx context.Context, id string, in tenantry.ResourceResize) (*tenantry.Resource, error) {
	catalogue, err := metrics(ctx, s.db.read)
	if err != nil {
		return nil, err
	}
	return s.changeResource(ctx, id, func(tx *tx, r *tenantry.Resource, now time.Time) (string, string, error) {
		if err := tenantry.CheckResize(catalogue, r, &in); err != nil {
			return "", "", err
		}
		metric, size := r.Metric, r.SizeGB
		if in.Metric != nil {
			metric = *in.Metric
		}
		if in.SizeGB != nil && r.Type == tenantry.ResourceVolume {
			size = *in.SizeGB
		}
		if metric == r.Metric && size == r.SizeGB {
			return "", "", nil
		}
		before := describe(r)
		var since any
		if r.State == tenantry.StateRunning {
			if err := s.closeInterval(ctx, tx, r, now); err != nil {
				return "", "", err
			}
			since, r.RunningSince = ms(now), now
		}
		var sizeArg any
		if r.Type == tenantry.ResourceVolume {
			sizeArg = size
		}
		if _, err := tx.ExecContext(ctx, `UPDATE resources SET metric_key = ?, size_gb = ?, running_since = ?, updated_at = ? WHERE id = ?`,
			metric, sizeArg, since, ms(tx.now), r.ID); err != nil {
			return "", "", err
		}
		r.Metric, r.SizeGB, r.UpdatedAt = metric, size, tx.now
		return "resource.resize", fmt.Sprintf("resized %s to %s", before, describe(r)), nil
	})
}

// DeleteResource deletes a resource: a running one's interval up to now
// becomes usage, and it accrues nothing more. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Scope) DeleteResource(ctx context.Context, id string) error {
	_, err := s.changeResource(ctx, id, func(tx *tx, r *tenantry.Resource, now time.Time) (string, string, error) {
		if err := s.closeInterval(ctx, tx, r, now); err != nil {
			return "", "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE resources SET state = 'deleted', running_since = NULL, deleted_at = ?, updated_at = ?
			WHERE id = ?`, ms(tx.now), ms(tx.now), r.ID); err != nil {
			return "", "", err
		}
		r.State = tenantry.StateDeleted
		return "resource.delete", "deleted " + describe(r), nil
	})
	return err
}
