package web

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

// throttle limits failed sign-ins per email and per IP. Only failures
// count, so a user who signs in correctly is never slowed down; the counts
// live in the database so that they hold across processes.
type throttle struct {
	db       *store.DB
	window   time.Duration
	perEmail int
	perIP    int
}

// buckets are per email on this tenant (so failures on one reseller's
// site cannot lock a user out of another's) and per IP everywhere.
func (t throttle) buckets(tenantID, email, ip string) (string, string) {
	return "login:email:" + tenantID + ":" + tenantry.NormalizeEmail(email), "login:ip:" + ip
}

// check returns an ETHROTTLED error (and sets Retry-After) when either
// bucket is full.
func (t throttle) check(c echo.Context, email, ip string) error {
	byEmail, byIP := t.buckets(tenantry.TenantFromContext(c.Request().Context()).Account.ID, email, ip)
	for _, b := range []struct {
		bucket string
		limit  int
	}{{byEmail, t.perEmail}, {byIP, t.perIP}} {
		n, until, err := t.db.Failures(c.Request().Context(), b.bucket, t.window)
		if err != nil {
			return err
		}
		if n >= b.limit {
			wait := int(math.Ceil(time.Until(until).Seconds()))
			if wait < 1 {
				wait = 1
			}
			c.Response().Header().Set("Retry-After", strconv.Itoa(wait))
			return &tenantry.Error{Kind: tenantry.ETHROTTLED, Code: "throttled",
				Message: fmt.Sprintf("Too many failed attempts. Try again in %s.", minutes(wait))}
		}
	}
	return nil
}

// fail records one failed attempt.
func (t throttle) fail(ctx context.Context, email, ip string) error {
	byEmail, byIP := t.buckets(tenantry.TenantFromContext(ctx).Account.ID, email, ip)
	return t.db.RecordFailure(ctx, byEmail, byIP)
}

func minutes(seconds int) string {
	if seconds < 60 {
		return fmt.Sprintf("%d seconds", seconds)
	}
	m := (seconds + 59) / 60
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}
