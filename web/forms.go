package web

import (
	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// bindForm fills dst from the posted form by its `form` tags.
func bindForm(c echo.Context, dst any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, dst); err != nil {
		return tenantry.Errorf(tenantry.EINVALID, "The form could not be read.")
	}
	return nil
}

// formErrors returns the per-field messages of a refused form, keyed by
// input name, with "" holding a message that belongs to no field. It
// returns nil for errors that are not the user's to fix, which the caller
// passes on to the error handler.
func formErrors(err error) map[string]string {
	e := tenantry.AsError(err)
	if e == nil || (e.Kind != tenantry.EINVALID && e.Kind != tenantry.ECONFLICT && e.Code != "resellers_disabled") {
		return nil
	}
	out := map[string]string{}
	for k, v := range e.Fields {
		out[k] = v
	}
	if len(e.Fields) == 0 {
		out[""] = e.Message
	}
	return out
}

// formStatus is the status of a re-rendered refused form.
func formStatus(err error) int {
	_, status := asDomainError(err)
	return status
}
