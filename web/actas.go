package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/components"
)

// Acting on behalf lasts an hour at most; the session holds the target
// and the deadline, and every request checks both again.
const (
	actingTTL      = time.Hour
	keyActingAs    = "acting_as"
	keyActingUntil = "acting_until"
)

func actingFromContext(ctx context.Context) *tenantry.Account {
	a, _ := ctx.Value(actingKey).(*tenantry.Account)
	return a
}

// resumeActing puts the account the session acts on behalf of into the
// request, or ends acting when the hour is over or the right is gone
// (both audited). While acting, the request's actor is narrowed to that
// account's subtree (tenantry.Actor.NarrowedTo), so every scope built for
// the request reaches nothing outside it: the user's own panel and any
// other account are 404 until they exit.
func (s *Server) resumeActing(c echo.Context, sess *sessions.Session) error {
	id, _ := sess.Values[keyActingAs].(string)
	if id == "" {
		return nil
	}
	ctx := c.Request().Context()
	until, _ := strconv.ParseInt(stringValue(sess, keyActingUntil), 10, 64)
	sc := s.scope(c)
	if s.db.Now().Unix() >= until {
		if err := sc.EndActingAs(ctx, id, "expired after one hour"); err != nil && tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			return err
		}
		return clearActing(c, sess)
	}
	a, err := sc.CanActAs(ctx, id)
	if err != nil {
		if tenantry.AsError(err) == nil {
			return err
		}
		return clearActing(c, sess) // the right is gone: so is acting
	}
	chrome := components.ChromeFromContext(ctx)
	chrome.ActingAs, chrome.Until = a.Name, time.Unix(until, 0).UTC().Format("15:04")
	chrome.ActingID, chrome.ActingPanel = a.ID, panelPath(a.Kind)
	ctx = tenantry.NewActorContext(ctx, tenantry.ActorFromContext(ctx).NarrowedTo(a))
	c.SetRequest(c.Request().WithContext(context.WithValue(ctx, actingKey, a)))
	return nil
}

// actingPanelOnly follows openPanel: while acting on behalf, the only
// panel that opens is the acted-for account's; the user's own panels are
// outside the narrowed scope until they exit. A page asked for there (a
// bookmark, the back button) leads to the acted-for panel with a word on
// how to get back, before any object of the route is looked at, so it
// reveals nothing; anything else (a post) is not found (404).
func actingPanelOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a := actingFromContext(c.Request().Context())
		if a == nil || panelAccount(c).ID == a.ID {
			return next(c)
		}
		if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
			return tenantry.ErrNotFound
		}
		if err := flash(c, "You are acting on behalf of "+a.Name+": exit to return to your own panel."); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, panelPath(a.Kind))
	}
}

func stringValue(sess *sessions.Session, key string) string {
	v, _ := sess.Values[key].(string)
	return v
}

func clearActing(c echo.Context, sess *sessions.Session) error {
	delete(sess.Values, keyActingAs)
	delete(sess.Values, keyActingUntil)
	return sess.Save(c.Request(), c.Response())
}

// actAs starts acting on behalf of an account below the panel's account,
// with a reason, and opens its panel.
func (h vendorPages) actAs(c echo.Context) error {
	a, err := h.below(c, c.Param("id"))
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	target, err := h.s.scope(c).StartActingAs(c.Request().Context(), a.ID, reason)
	if errs := formErrors(err); errs != nil {
		vm, verr := h.detailVM(c, a)
		if verr != nil {
			return verr
		}
		vm.ActErrors, vm.ActReason = errs, reason
		return render(c, formStatus(err), accounts.Account(h.panel, vm))
	}
	if err != nil {
		return err
	}
	sess := sessionFromContext(c.Request().Context())
	sess.Values[keyActingAs] = target.ID
	sess.Values[keyActingUntil] = strconv.FormatInt(h.s.db.Now().Add(actingTTL).Unix(), 10)
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, panelPath(target.Kind))
}

// exitActing ends acting on behalf and returns to the user's own panel.
func (s *Server) exitActing(c echo.Context) error {
	ctx := c.Request().Context()
	sess := sessionFromContext(ctx)
	if a := actingFromContext(ctx); a != nil {
		if err := s.scope(c).EndActingAs(ctx, a.ID, "exit"); err != nil {
			return err
		}
	}
	if err := clearActing(c, sess); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, landing(tenantry.ActorFromContext(ctx)))
}

// apiActAs records an audited act-as start on an account below the
// caller's (API.md); 404 for any other.
func (s *Server) apiActAs(c echo.Context) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if _, err := s.scope(c).StartActingAs(c.Request().Context(), c.Param("id"), in.Reason); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
