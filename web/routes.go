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
// registers itself anywhere else.
func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(s.requestLog, middleware.Recover(), s.secureHeaders)

	// host-independent: health checks and static assets reveal no tenant
	e.GET("/healthz", s.healthz)
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))

	t := e.Group("", s.resolveTenant)
	s.brandAssetRoutes(t)

	api := t.Group("/api/v1", apiJSON, middleware.BodyLimit("1M"), s.apiAuth)
	api.POST("/auth/token", s.apiCreateToken)
	api.GET("/me", s.apiMe, requireActor)
	api.GET("/accounts", s.apiListAccounts, requireActor)
	api.POST("/accounts", s.apiCreateAccount, requireActor)
	api.GET("/accounts/:id", s.apiGetAccount, requireActor)
	api.PATCH("/accounts/:id", s.apiUpdateAccount, requireActor)
	api.POST("/accounts/:id/convert", s.apiConvert, requireActor)
	api.POST("/accounts/:id/act-as", s.apiActAs, requireActor)
	api.GET("/accounts/:id/domains", s.apiListDomains, requireActor)
	api.POST("/accounts/:id/domains", s.apiAddDomain, requireActor)
	api.DELETE("/accounts/:id/domains/:fqdn", s.apiRemoveDomain, requireActor)
	api.GET("/accounts/:id/settings", s.apiGetSettings, requireActor)
	api.PUT("/accounts/:id/settings", s.apiPutSettings, requireActor)
	api.GET("/metrics", s.apiMetrics, requireActor)
	api.POST("/metrics", s.apiCreateMetric, requireActor)
	api.PUT("/metrics/:key", s.apiUpdateMetric, requireActor)
	api.GET("/accounts/:id/members", s.apiMembers, requireActor)
	api.POST("/accounts/:id/members", s.apiInvite, requireActor)
	api.GET("/accounts/:id/invitations", s.apiInvitations, requireActor)
	api.POST("/accounts/:id/invitations", s.apiInvite, requireActor)
	api.DELETE("/invitations/:id", s.apiRevokeInvitation, requireActor)
	api.PATCH("/accounts/:id/members/:user_id", s.apiSetMemberRole, requireActor)
	api.DELETE("/accounts/:id/members/:user_id", s.apiRemoveMember, requireActor)
	api.GET("/accounts/:id/roles", s.apiRoles, requireActor)
	api.POST("/accounts/:id/roles", s.apiCreateRole, requireActor)
	api.GET("/permissions", s.apiPermissions, requireActor)
	api.GET("/accounts/:id/plans", s.apiListPlans, requireActor)
	api.POST("/accounts/:id/plans", s.apiCreatePlan, requireActor)
	api.GET("/plans/:plan_id", s.apiGetPlan, requireActor)
	api.PUT("/plans/:plan_id", s.apiUpdatePlan, requireActor)
	api.POST("/plans/:plan_id/copy", s.apiCopyPlan, requireActor)
	api.GET("/accounts/:id/plan", s.apiGetAccountPlan, requireActor)
	api.PUT("/accounts/:id/plan", s.apiAssignPlan, requireActor)
	api.GET("/accounts/:id/audit", s.apiAudit, requireActor)
	api.GET("/accounts/:id/infrastructures", s.apiListInfrastructures, requireActor)
	api.POST("/accounts/:id/infrastructures", s.apiCreateInfrastructure, requireActor)
	api.GET("/infrastructures/:id", s.apiGetInfrastructure, requireActor)
	api.PATCH("/infrastructures/:id", s.apiUpdateInfrastructure, requireActor)
	api.DELETE("/infrastructures/:id", s.apiDeleteInfrastructure, requireActor)
	api.GET("/infrastructures", s.apiReachedInfrastructures, requireActor)
	api.GET("/infrastructures/:id/delegates", s.apiInfraDelegates, requireActor)
	api.POST("/infrastructures/:id/delegates", s.apiAddInfraDelegate, requireActor)
	api.DELETE("/infrastructures/:id/delegates/:user_id", s.apiRemoveInfraDelegate, requireActor)
	api.GET("/accounts/:id/cost-centers", s.apiListCostCenters, requireActor)
	api.POST("/accounts/:id/cost-centers", s.apiCreateCostCenter, requireActor)
	api.PATCH("/cost-centers/:id", s.apiRenameCostCenter, requireActor)
	api.DELETE("/cost-centers/:id", s.apiDeleteCostCenter, requireActor)
	s.brandingAPIRoutes(api)
	s.profileAPIRoutes(api)
	api.Any("/*", apiNotFound)

	// forms carry at most a logo and a favicon (512 KiB each): 2 MiB is plenty
	pages := t.Group("", middleware.BodyLimit("2M"), s.loadSession, s.csrf)
	pages.GET("/", s.home)
	pages.GET("/login", s.loginPage)
	pages.POST("/login", s.login)
	pages.POST("/logout", s.logout)
	pages.GET("/set-password/:token", s.oneTimePasswordPage(s.setPasswordLink()))
	pages.POST("/set-password/:token", s.oneTimePasswordSubmit(s.setPasswordLink()))
	pages.GET("/choose", s.choosePage, requireLogin)
	pages.POST("/choose", s.choose, requireLogin)
	s.signupRoutes(pages)
	s.profileRoutes(pages)
	s.invitationRoutes(pages)
	s.reachedRoutes(pages)
	pages.POST("/act-as/exit", s.exitActing, requireLogin)

	provider := pages.Group("/provider", requireLogin, s.openPanel(layout.PanelProvider, tenantry.KindProvider))
	provider.GET("", s.providerDashboard)
	provider.GET("/metrics", s.metrics)
	provider.POST("/metrics", s.addMetric)
	provider.POST("/metrics/:key", s.saveMetric)
	provider.POST("/settings/resellers", settingsPages{s: s, panel: layout.PanelProvider, base: "/provider"}.resellers)
	s.vendorAccountRoutes(provider, layout.PanelProvider)
	s.brandingRoutes(provider, layout.PanelProvider)
	s.peopleRoutes(provider, layout.PanelProvider)
	s.costCenterRoutes(provider, layout.PanelProvider)
	s.approvalRoutes(provider, layout.PanelProvider)
	s.outboxRoutes(provider)
	s.infraRoutes(provider, layout.PanelProvider)
	s.auditRoutes(provider, layout.PanelProvider)

	reseller := pages.Group("/reseller", requireLogin, s.openPanel(layout.PanelReseller, tenantry.KindReseller))
	reseller.GET("", s.resellerDashboard)
	s.vendorAccountRoutes(reseller, layout.PanelReseller)
	s.brandingRoutes(reseller, layout.PanelReseller)
	s.peopleRoutes(reseller, layout.PanelReseller)
	s.costCenterRoutes(reseller, layout.PanelReseller)
	s.approvalRoutes(reseller, layout.PanelReseller)
	s.infraRoutes(reseller, layout.PanelReseller)
	s.auditRoutes(reseller, layout.PanelReseller)

	app := pages.Group("/app", requireLogin, s.openPanel(layout.PanelApp, tenantry.KindCustomer))
	app.GET("", s.appDashboard)
	s.infraRoutes(app, layout.PanelApp)
	s.costCenterRoutes(app, layout.PanelApp)
	s.auditRoutes(app, layout.PanelApp)
	s.peopleRoutes(app, layout.PanelApp)
}

// vendorAccountRoutes are the pages the provider and reseller panels
// share: accounts below them, plans and settings.
func (s *Server) vendorAccountRoutes(g *echo.Group, panel string) {
	h := vendorPages{s: s, panel: panel, base: "/" + panel}
	g.GET("/accounts", h.list)
	g.GET("/accounts/new", h.newForm)
	g.POST("/accounts/new", h.create)
	g.GET("/accounts/:id", h.show)
	g.POST("/accounts/:id", h.update)
	g.POST("/accounts/:id/status", h.setStatus)
	g.POST("/accounts/:id/plan", h.assignPlan)
	g.POST("/accounts/:id/convert", h.convert)
	g.POST("/accounts/:id/act-as", h.actAs)
	g.GET("/accounts/:id/service", h.service)
	g.POST("/accounts/:id/domain", h.setDomain)
	g.POST("/accounts/:id/domains", h.addAlias)
	g.POST("/accounts/:id/domains/remove", h.removeAlias)
	g.POST("/accounts/:id/depth", h.setDepth)

	p := planPages{s: s, panel: panel, base: "/" + panel}
	g.GET("/plans", p.list)
	g.GET("/plans/new", p.newForm)
	g.POST("/plans/new", p.create)
	g.GET("/plans/:id", p.show)
	g.POST("/plans/:id", p.update)
	g.POST("/plans/:id/copy", p.copy)
	g.POST("/plans/:id/status", p.setStatus)

	st := settingsPages{s: s, panel: panel, base: "/" + panel}
	g.GET("/settings", st.show)
	g.POST("/settings", st.save)
}

func (s *Server) healthz(c echo.Context) error {
	if _, err := s.db.IsEmpty(c.Request().Context()); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ok\n")
}
