package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/components"
)

// pendingSignups is a vendor dashboard's to-do list of the sign-ups that
// wait for the panel account's approval.
func (s *Server) pendingSignups(c echo.Context, root *tenantry.Account, base string) (components.PendingSignupsVM, error) {
	p, err := s.panelScope(c).PendingSignups(c.Request().Context(), root.ID)
	if err != nil {
		return components.PendingSignupsVM{}, err
	}
	vm := components.PendingSignupsVM{Base: base, Total: p.Total}
	for _, it := range p.Items {
		vm.Items = append(vm.Items, components.PendingSignupItem{AccountID: it.Account.ID, Company: it.Account.Name,
			OwnerName: it.OwnerName, OwnerEmail: it.OwnerEmail, EmailConfirmed: it.EmailConfirmed, CreatedAt: it.Account.CreatedAt})
	}
	return vm, nil
}

// reject deletes a sign-up that waits for the panel's approval, and goes
// back to the dashboard with what happened.
func (s *Server) reject(c echo.Context, h vendorPages) error {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return err
	}
	done, err := s.scope(c).RejectSignup(c.Request().Context(), a.ID)
	var msg string
	switch errs := formErrors(err); {
	case errs != nil:
		msg = errs["status"]
		if msg == "" {
			msg = tenantry.AsError(err).Message
		}
		if err := flash(c, msg); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, h.base+"/accounts/"+a.ID)
	case err != nil:
		return err
	}
	if err := flash(c, "The sign-up of "+done.Name+" is rejected and deleted."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base)
}
