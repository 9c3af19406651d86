package tenantry

import "context"

type ctxKey int

const (
	tenantKey ctxKey = iota
	actorKey
)

// NewTenantContext returns ctx carrying the request's tenant.
func NewTenantContext(ctx context.Context, t *Tenant) context.Context {
	return context.WithValue(ctx, tenantKey, t)
}

// TenantFromContext returns the request's tenant, or nil outside a tenant.
func TenantFromContext(ctx context.Context) *Tenant {
	t, _ := ctx.Value(tenantKey).(*Tenant)
	return t
}

// NewActorContext returns ctx carrying the signed-in actor.
func NewActorContext(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// ActorFromContext returns the signed-in actor, or nil when nobody is.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey).(*Actor)
	return a
}
