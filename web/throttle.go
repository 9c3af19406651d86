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

// Throttles count attempts in buckets kept in the database, so that they
// hold across processes. Sign-ins count failures only, so a user who signs
// in correctly is never slowed down; sign-ups and reset requests count
// every attempt that passed validation, because each one sends a mail.

// limit is one throttle bucket: at most max attempts within window.
type limit struct {
	bucket string
	max    int
	window time.Duration
}

// Sign-in limits: per email on this tenant (so failures on one reseller's
// site cannot lock a user out of another's) and per IP everywhere.
const (
	loginsPerEmail = 10
	loginsPerIP    = 50
	loginWindow    = 15 * time.Minute
)

func loginLimits(ctx context.Context, email, ip string) []limit {
	tenantID := tenantry.TenantFromContext(ctx).Account.ID
	return []limit{
		{"login:email:" + tenantID + ":" + tenantry.NormalizeEmail(email), loginsPerEmail, loginWindow},
		{"login:ip:" + ip, loginsPerIP, loginWindow},
	}
}

// checkLimits returns an ETHROTTLED error, and sets Retry-After, when any
// bucket is full; what names the attempts in the message.
func (s *Server) checkLimits(c echo.Context, what string, limits ...limit) error {
	for _, l := range limits {
		n, until, err := s.db.Failures(c.Request().Context(), l.bucket, l.window)
		if err != nil {
			return err
		}
		if n < l.max {
			continue
		}
		wait := max(int(math.Ceil(until.Sub(s.db.Now()).Seconds())), 1)
		c.Response().Header().Set("Retry-After", strconv.Itoa(wait))
		return &tenantry.Error{Kind: tenantry.ETHROTTLED, Code: "throttled",
			Message: fmt.Sprintf("Too many %s. Try again in %s.", what, minutes(wait))}
	}
	return nil
}

// countLimits records one attempt in each bucket.
func (s *Server) countLimits(ctx context.Context, limits ...limit) error {
	buckets := make([]string, len(limits))
	for i, l := range limits {
		buckets[i] = l.bucket
	}
	return s.db.RecordFailure(ctx, buckets...)
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

// Creating an account answers alike whether or not the owner's address
// has a user (that user is invited instead), so it is no oracle; each
// creation still writes an audited account and may mail, so creations
// are counted, every one of them, per actor and per IP, and the panel's
// form and the API share the buckets.
const (
	createsPerActor = 30
	createsPerIP    = 100
	createWindow    = 15 * time.Minute
)

func createLimits(actorID, ip string) []limit {
	return []limit{
		{"create_account:actor:" + actorID, createsPerActor, createWindow},
		{"create_account:ip:" + ip, createsPerIP, createWindow},
	}
}

// createAccount is CreateAccount behind those limits: past them it
// answers ETHROTTLED (429 with Retry-After) and creates nothing.
func (s *Server) createAccount(c echo.Context, in tenantry.NewAccount) (*store.CreatedAccount, error) {
	ctx := c.Request().Context()
	limits := createLimits(tenantry.ActorFromContext(ctx).User.ID, c.RealIP())
	if err := s.checkLimits(c, "new accounts", limits...); err != nil {
		return nil, err
	}
	created, err := s.scope(c).CreateAccount(ctx, in, s.mailLinks(c))
	if err != nil {
		return nil, err
	}
	if err := s.countLimits(ctx, limits...); err != nil {
		return nil, err
	}
	return created, nil
}
