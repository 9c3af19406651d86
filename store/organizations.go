package store

import (
	"context"
	"fmt"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// Customer Organizations (Umbrella): a customer marked as an organization
// anchor, to which other customers of the same vendor point. The anchor is
// chosen once and for ever, only among the vendor's active anchors; an
// anchor points to nothing itself and holds no infrastructures or usage.

// errNoSuchOrganization is the one answer to an organization_id that is not
// an active anchor of the vendor, whether it is absent, out of reach, of
// another vendor, inactive or no anchor at all: existence never leaks.
func errNoSuchOrganization() error {
	return tenantry.Invalid(map[string]string{"organization_id": "Choose an active organization of yours."})
}

// errOrganizationPermanent refuses a change of a customer's organization.
var errOrganizationPermanent = &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "organization_permanent",
	Message: "A customer's organization is permanent: it cannot be changed or removed."}

// errAnchorNoInfra refuses infrastructures (and, later, usage) on an anchor.
var errAnchorNoInfra = &tenantry.Error{Kind: tenantry.EINVALID, Code: "organization_anchor",
	Message: "An organization anchor holds no infrastructures or usage."}

// errAnchorNoPlan refuses a plan for an anchor: it is never invoiced.
var errAnchorNoPlan = &tenantry.Error{Kind: tenantry.EINVALID, Code: "organization_anchor",
	Message: "An organization anchor is never invoiced, so it takes no plan: give one to the customers that belong to it.",
	Fields:  map[string]string{"plan_id": "An organization anchor is never invoiced, so it takes no plan."}}

// organizationAnchor returns the anchor id for a customer of vendorID: an
// active customer of that same vendor, marked as an organization, within
// the scope's reach. Anything else is errNoSuchOrganization.
func (s *Scope) organizationAnchor(ctx context.Context, q querier, vendorID, id string) (*tenantry.Account, error) {
	anchor, err := s.account(ctx, q, id)
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		return nil, errNoSuchOrganization()
	}
	if err != nil {
		return nil, err
	}
	if anchor.ParentID != vendorID || anchor.Kind != tenantry.KindCustomer || !anchor.IsOrganization ||
		anchor.Status != tenantry.StatusActive {
		return nil, errNoSuchOrganization()
	}
	return anchor, nil
}

// setOrganization puts customer a in the organization id, once: the same
// id again changes nothing, another one or none is errOrganizationPermanent.
func (s *Scope) setOrganization(ctx context.Context, tx *tx, a *tenantry.Account, id string) error {
	if err := tenantry.Authorize(s.actor, tenantry.PermCustomersManage, a); err != nil {
		return err
	}
	if a.Kind != tenantry.KindCustomer {
		return tenantry.Invalid(map[string]string{"organization_id": "Only a customer belongs to an organization."})
	}
	switch {
	case id == a.OrganizationID:
		return nil
	case a.OrganizationID != "":
		return errOrganizationPermanent
	case a.IsOrganization:
		return tenantry.Invalid(map[string]string{"organization_id": "An organization cannot itself belong to an organization."})
	}
	anchor, err := s.organizationAnchor(ctx, tx, a.ParentID, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET organization_id = ?, updated_at = ?
		WHERE id = ? AND organization_id IS NULL`, anchor.ID, ms(tx.now), a.ID); err != nil {
		return err
	}
	a.OrganizationID = anchor.ID
	return s.audit(ctx, tx, a, "account.organization_set", "account", a.ID,
		fmt.Sprintf("joined the organization %q (%s)", anchor.Name, anchor.ID))
}

// setIsOrganization marks customer a as an organization anchor or unmarks
// it. Marking needs an active customer that belongs to no organization and
// never had infrastructures; unmarking needs an anchor no customer points to.
func (s *Scope) setIsOrganization(ctx context.Context, tx *tx, a *tenantry.Account, on bool) error {
	if err := tenantry.Authorize(s.actor, tenantry.PermCustomersManage, a); err != nil {
		return err
	}
	if a.Kind != tenantry.KindCustomer {
		return tenantry.Invalid(map[string]string{"is_organization": "Only a customer can be an organization."})
	}
	if on == a.IsOrganization {
		return nil
	}
	action, summary := "account.organization_unmark", "no longer an organization"
	if on {
		if a.OrganizationID != "" {
			return tenantry.Invalid(map[string]string{"is_organization": "A customer that belongs to an organization cannot become one."})
		}
		if a.Status != tenantry.StatusActive {
			return tenantry.Invalid(map[string]string{"is_organization": "Only an active customer can become an organization."})
		}
		// deleted infrastructures count: usage will point at them
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM infrastructures WHERE account_id = ?`, a.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return tenantry.Invalid(map[string]string{"is_organization": "This customer has or had infrastructures: " +
				"an organization holds no infrastructures or usage."})
		}
		action, summary = "account.organization_mark", "marked as an organization"
	} else {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE organization_id = ?`, a.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &tenantry.Error{Kind: tenantry.ECONFLICT, Code: "organization_has_members",
				Message: fmt.Sprintf("%d %s to this organization: it stays one.", n, plural(n, "customer belongs", "customers belong"))}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET is_organization = ?, updated_at = ? WHERE id = ?`,
		on, ms(tx.now), a.ID); err != nil {
		return err
	}
	a.IsOrganization = on
	return s.audit(ctx, tx, a, action, "account", a.ID, summary)
}
