package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/static"
	"github.com/tenantry/tenantry/views/layout"
)

// routes lists every route and the middleware in front of it. Nothing
// registers itself anywhere else: the route matrix (matrix_test.go) walks
// what is registered here and fails for a route without a decision.
func (s *Server) routes() {
	e := s.echo
	// HEAD is routed as GET (contracts.go), so every GET route answers it
	e.Pre(headAsGet, middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	// compress is outermost so that the error pages requestLog renders
	// are compressed too
	e.Use(compress(), s.requestLog, middleware.Recover(), s.secureHeaders)

	// host-independent: health checks and static assets reveal no tenant
	e.GET("/healthz", s.healthz)
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))

	t := e.Group("", s.resolveTenant)
	// the tenant's brand needs no session, so browsers and proxies may
	// cache it; a matching ?v= makes it immutable
	t.GET("/brand.css", s.brandCSS)
	t.GET("/brand/logo", s.brandImage("logo"))
	t.GET("/brand/favicon", s.favicon)
	t.GET("/favicon.ico", s.favicon)

	// every API route reads at most 1 MiB but POST /usage, whose batches
	// of 10,000 records take more: it has the same chain with its own
	// limit, and the group's limit never sees it
	apiChain := func(limit string) []echo.MiddlewareFunc {
		return []echo.MiddlewareFunc{apiJSON, middleware.BodyLimit(limit), s.apiAuth, noStoreSignedIn}
	}
	t.POST("/api/v1/usage", s.apiIngestUsage, append(apiChain(usageBatchLimit), requireActor)...)
	api := t.Group("/api/v1", apiChain("1M")...)
	api.POST("/auth/token", s.apiCreateToken)
	// everything else of the API needs a caller: 401 without a valid token
	authed := api.Group("", requireActor)
	authed.GET("/me", s.apiMe)
	authed.GET("/me/tokens", s.apiMyTokens)
	authed.DELETE("/me/tokens/:id", s.apiRevokeMyToken)
	authed.GET("/me/sessions", s.apiMySessions)
	authed.GET("/accounts", s.apiListAccounts)
	authed.POST("/accounts", s.apiCreateAccount)
	authed.GET("/accounts/:id", s.apiGetAccount)
	authed.PATCH("/accounts/:id", s.apiUpdateAccount)
	authed.POST("/accounts/:id/convert", s.apiConvert)
	authed.POST("/accounts/:id/act-as", s.apiActAs)
	authed.GET("/accounts/:id/domains", s.apiListDomains)
	authed.POST("/accounts/:id/domains", s.apiAddDomain)
	authed.DELETE("/accounts/:id/domains/:fqdn", s.apiRemoveDomain)
	authed.GET("/accounts/:id/settings", s.apiGetSettings)
	authed.PUT("/accounts/:id/settings", s.apiPutSettings)
	authed.GET("/accounts/:id/branding", s.apiGetBranding)
	authed.PUT("/accounts/:id/branding", s.apiPutBranding)
	authed.PUT("/accounts/:id/branding/logo", s.apiPutLogo)
	authed.GET("/metrics", s.apiMetrics)
	authed.POST("/metrics", s.apiCreateMetric)
	authed.PUT("/metrics/:key", s.apiUpdateMetric)
	authed.GET("/accounts/:id/members", s.apiMembers)
	authed.POST("/accounts/:id/members", s.apiInvite)
	authed.GET("/accounts/:id/invitations", s.apiInvitations)
	authed.POST("/accounts/:id/invitations", s.apiInvite)
	authed.DELETE("/invitations/:id", s.apiRevokeInvitation)
	authed.PATCH("/accounts/:id/members/:user_id", s.apiSetMemberRole)
	authed.DELETE("/accounts/:id/members/:user_id", s.apiRemoveMember)
	authed.GET("/accounts/:id/roles", s.apiRoles)
	authed.POST("/accounts/:id/roles", s.apiCreateRole)
	authed.GET("/permissions", s.apiPermissions)
	authed.GET("/accounts/:id/plans", s.apiListPlans)
	authed.POST("/accounts/:id/plans", s.apiCreatePlan)
	authed.GET("/plans/:plan_id", s.apiGetPlan)
	authed.PUT("/plans/:plan_id", s.apiUpdatePlan)
	authed.POST("/plans/:plan_id/copy", s.apiCopyPlan)
	authed.GET("/accounts/:id/plan", s.apiGetAccountPlan)
	authed.PUT("/accounts/:id/plan", s.apiAssignPlan)
	authed.GET("/accounts/:id/audit", s.apiAudit)
	authed.GET("/accounts/:id/infrastructures", s.apiListInfrastructures)
	authed.POST("/accounts/:id/infrastructures", s.apiCreateInfrastructure)
	authed.GET("/infrastructures/:id", s.apiGetInfrastructure)
	authed.PATCH("/infrastructures/:id", s.apiUpdateInfrastructure)
	authed.DELETE("/infrastructures/:id", s.apiDeleteInfrastructure)
	authed.GET("/infrastructures", s.apiReachedInfrastructures)
	authed.GET("/infrastructures/:id/delegates", s.apiInfraDelegates)
	authed.POST("/infrastructures/:id/delegates", s.apiAddInfraDelegate)
	authed.DELETE("/infrastructures/:id/delegates/:user_id", s.apiRemoveInfraDelegate)
	authed.GET("/accounts/:id/cost-centers", s.apiListCostCenters)
	authed.POST("/accounts/:id/cost-centers", s.apiCreateCostCenter)
	authed.PATCH("/cost-centers/:id", s.apiRenameCostCenter)
	authed.DELETE("/cost-centers/:id", s.apiDeleteCostCenter)
	authed.GET("/accounts/:id/api-keys", s.apiListAPIKeys)
	authed.POST("/accounts/:id/api-keys", s.apiCreateAPIKey)
	authed.DELETE("/api-keys/:id", s.apiRevokeAPIKey)
	authed.GET("/infrastructures/:id/resources", s.apiListResources)
	authed.POST("/infrastructures/:id/resources", s.apiCreateResource)
	authed.GET("/resources/:id", s.apiGetResource)
	authed.POST("/resources/:id/start", s.apiStartResource)
	authed.POST("/resources/:id/stop", s.apiStopResource)
	authed.POST("/resources/:id/resize", s.apiResizeResource)
	authed.DELETE("/resources/:id", s.apiDeleteResource)
	authed.GET("/infrastructures/:id/usage", s.apiInfraUsage)
	// POST /usage is registered above, with its own body limit
	// an unknown API path is 404 with or without a token: the catch-all,
	// and for /api/v1 itself a fallback that replaces the authenticated
	// group's own (which would answer 401)
	api.RouteNotFound("", apiNotFound)
	api.Any("/*", apiNotFound)

	// forms carry at most a logo and a favicon (512 KiB each): 2 MiB is plenty
	// a refused form is shown again at the page it was on, after a
	// redirect; a post of a form that asks "are you sure?" without the
	// answer gets the confirmation page instead of its handler
	pages := t.Group("", middleware.BodyLimit("2M"), s.loadSession, noStoreSignedIn, s.csrf, s.postRedirectGet, s.confirmStep)
	pages.GET("/", s.home)
	pages.GET("/login", s.loginPage)
	pages.POST("/login", s.login)
	pages.POST("/logout", s.logout)
	pages.GET("/choose", s.choosePage, requireLogin)
	pages.POST("/choose", s.choose, requireLogin)
	// sign-up, email verification and password reset exist on every
	// tenant domain and are branded by it
	pages.GET("/signup", s.signupPage)
	pages.POST("/signup", s.signup)
	pages.GET("/verify/:token", s.verifyPage)
	pages.POST("/verify/:token", s.verify)
	pages.GET("/forgot-password", s.forgotPage)
	pages.POST("/forgot-password", s.forgot)
	pages.GET("/reset-password/:token", s.oneTimePasswordPage(s.resetPasswordLink()))
	pages.POST("/reset-password/:token", s.oneTimePasswordSubmit(s.resetPasswordLink()))

	// the signed-in user's own page, on every tenant domain: each route
	// acts on that user only
	profile := pages.Group("/profile", requireLogin)
	profile.GET("", s.profilePage)
	profile.POST("/name", s.profileName)
	profile.POST("/email", s.profileEmail)
	profile.GET("/email/:token", s.confirmEmailPage)
	profile.POST("/email/:token", s.confirmEmail)
	profile.POST("/password", s.profilePassword)
	profile.POST("/sessions/revoke-others", s.revokeOtherSessions)
	profile.POST("/sessions/:id/revoke", s.revokeSession)
	profile.POST("/tokens", s.createToken)
	profile.POST("/tokens/:id/revoke", s.revokeToken)
	profile.POST("/delegations/:account/leave", s.leaveDelegation)

	// an invitation link's page, on the tenant that sent it
	pages.GET("/invitations/:token", s.invitationPage)
	pages.POST("/invitations/:token", s.acceptInvitation)

	// infrastructures in one place and their delegate forms, which the
	// end-user panel's pages post to as well: outside the panels, like the
	// profile, because a delegate may have no account here at all
	reached := reachedPages{s: s}
	infras := pages.Group("/infrastructures", requireLogin)
	infras.GET("", reached.list)
	infras.POST("", reached.create)
	infras.GET("/:id", reached.show)
	infras.POST("/:id", reached.update)
	infras.POST("/:id/delete", reached.delete)
	infras.POST("/:id/leave", reached.leave)
	infras.POST("/:id/delegates", reached.addDelegate)
	infras.POST("/:id/delegates/:user/remove", reached.removeDelegate)
	infras.POST("/:id/invitations/:inv/resend", reached.resendInvitation)
	infras.POST("/:id/invitations/:inv/revoke", reached.revokeInvitation)
	// its resources and their usage
	infras.POST("/:id/resources", reached.createResource)
	infras.POST("/:id/resources/:rid/start", reached.lifecycle(true))
	infras.POST("/:id/resources/:rid/stop", reached.lifecycle(false))
	infras.POST("/:id/resources/:rid/resize", reached.resizeResource)
	infras.POST("/:id/resources/:rid/delete", reached.deleteResource)
	infras.GET("/:id/usage", reached.usage)
	pages.POST("/act-as/exit", s.exitActing, requireLogin)

	provider := pages.Group("/provider", requireLogin, s.openPanel(layout.PanelProvider, tenantry.KindProvider), actingPanelOnly)
	provider.GET("", s.providerDashboard)
	provider.GET("/metrics", s.metrics)
	provider.POST("/metrics", s.addMetric)
	provider.POST("/metrics/:key", s.saveMetric)
	provider.POST("/settings/resellers", settingsPages{s: s, panel: layout.PanelProvider, base: "/provider"}.resellers)
	// the outbox: the store lets provider staff read every tenant's mail
	// and a reseller's staff only the mail sent on their own domain
	reseller := pages.Group("/reseller", requireLogin, s.openPanel(layout.PanelReseller, tenantry.KindReseller), actingPanelOnly)
	reseller.GET("", s.resellerDashboard)
	for _, g := range []struct {
		g     *echo.Group
		panel string
	}{{provider, layout.PanelProvider}, {reseller, layout.PanelReseller}} {
		ob := outboxPages{s: s, panel: g.panel}
		g.g.GET("/outbox", ob.list)
		g.g.GET("/outbox/:id", ob.show)
		g.g.GET("/outbox/:id/html", ob.html)
	}

	// the pages the provider and reseller panels share
	for _, vendor := range []struct {
		g     *echo.Group
		panel string
	}{{provider, layout.PanelProvider}, {reseller, layout.PanelReseller}} {
		g, panel, base := vendor.g, vendor.panel, "/"+vendor.panel
		// the accounts below the panel's
		acc := vendorPages{s: s, panel: panel, base: base}
		g.GET("/accounts", acc.list)
		g.GET("/accounts/new", acc.newForm)
		g.POST("/accounts/new", acc.create)
		g.GET("/accounts/:id", acc.show)
		g.POST("/accounts/:id", acc.update)
		g.POST("/accounts/:id/status", acc.setStatus)
		g.POST("/accounts/:id/plan", acc.assignPlan)
		g.POST("/accounts/:id/convert", acc.convert)
		g.POST("/accounts/:id/act-as", acc.actAs)
		g.GET("/accounts/:id/service", acc.service)
		g.POST("/accounts/:id/domain", acc.setDomain)
		g.POST("/accounts/:id/domains", acc.addAlias)
		g.POST("/accounts/:id/domains/remove", acc.removeAlias)
		g.POST("/accounts/:id/depth", acc.setDepth)
		g.POST("/accounts/:id/approve", func(c echo.Context) error { return s.approve(c, acc) })
		g.POST("/accounts/:id/reject", func(c echo.Context) error { return s.reject(c, acc) })
		g.GET("/accounts/:id/infrastructures", acc.infrastructures)
		// plans and settings
		pl := planPages{s: s, panel: panel, base: base}
		g.GET("/plans", pl.list)
		g.GET("/plans/new", pl.newForm)
		g.POST("/plans/new", pl.create)
		g.GET("/plans/:id", pl.show)
		g.POST("/plans/:id", pl.update)
		g.POST("/plans/:id/copy", pl.copy)
		g.POST("/plans/:id/status", pl.setStatus)
		st := settingsPages{s: s, panel: panel, base: base}
		g.GET("/settings", st.show)
		g.POST("/settings", st.save)
		// branding
		br := brandingPages{s: s, panel: panel, base: base}
		g.GET("/branding", br.show)
		g.POST("/branding", br.save)
		g.GET("/branding/preview.css", br.previewCSS)
		g.GET("/branding/logo", br.image("logo"))
		g.GET("/branding/favicon", br.image("favicon"))
		g.POST("/branding/logo/remove", br.remove("logo"))
		g.POST("/branding/favicon/remove", br.remove("favicon"))
	}

	app := pages.Group("/app", requireLogin, s.openPanel(layout.PanelApp, tenantry.KindCustomer), actingPanelOnly)
	app.GET("", s.appDashboard)
	in := infraPages{s: s}
	app.GET("/infrastructures", in.list)
	app.POST("/infrastructures", in.create)
	app.GET("/infrastructures/:id", in.show)
	app.POST("/infrastructures/:id", in.update)
	app.POST("/infrastructures/:id/delete", in.delete)

	// every panel: its people, cost centers (a vendor panel's own or,
	// through the My Org / Customer switch, one customer's), audit log and
	// API keys
	for _, panel := range []struct {
		g    *echo.Group
		name string
	}{{provider, layout.PanelProvider}, {reseller, layout.PanelReseller}, {app, layout.PanelApp}} {
		g, base := panel.g, "/"+panel.name
		pp := peoplePages{orgSwitch: orgSwitch{s: s, base: base}, panel: panel.name}
		g.GET("/users", pp.users)
		g.POST("/users/:user/role", pp.setRole)
		g.POST("/users/:user/remove", pp.remove)
		g.POST("/users/invite", pp.invite)
		g.POST("/invitations/:id/resend", pp.resendInvitation)
		g.POST("/invitations/:id/revoke", pp.revokeInvitation)
		g.GET("/roles", pp.roles)
		g.POST("/roles", pp.createRole)
		g.POST("/roles/:role", pp.updateRole)
		g.POST("/roles/:role/delete", pp.deleteRole)
		cc := costCenterPages{orgSwitch: orgSwitch{s: s, base: base}, panel: panel.name}
		g.GET("/cost-centers", cc.list)
		g.POST("/cost-centers", cc.create)
		g.POST("/cost-centers/:id", cc.rename)
		g.POST("/cost-centers/:id/delete", cc.delete)
		au := auditPages{s: s, panel: panel.name, base: base}
		g.GET("/audit", au.list)
		g.GET("/audit/export", au.export)
		// the panel's own account's API keys
		ak := apiKeyPages{s: s, panel: panel.name, base: base}
		g.GET("/api-keys", ak.list)
		g.POST("/api-keys", ak.create)
		g.POST("/api-keys/:id/revoke", ak.revoke)
	}
}

func (s *Server) healthz(c echo.Context) error {
	if _, err := s.db.IsEmpty(c.Request().Context()); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ok\n")
}
