package web

import "github.com/labstack/echo/v4"

// Feature route lists, each called from routes(); every route still
// starts in routes().

// brandingRoutes lists a vendor panel's branding pages (g is /provider or
// /reseller).
func (s *Server) brandingRoutes(g *echo.Group, panel string) {}

// brandAssetRoutes serves the tenant's brand stylesheet, logo and favicon.
func (s *Server) brandAssetRoutes(t *echo.Group) {}

// brandingAPIRoutes lists the branding endpoints of the JSON API.
func (s *Server) brandingAPIRoutes(api *echo.Group) {}

// signupRoutes lists sign-up, email verification and password reset pages.
func (s *Server) signupRoutes(pages *echo.Group) {}

// outboxRoutes lists the provider panel's outgoing-mail pages.
func (s *Server) outboxRoutes(provider *echo.Group) {}

// approvalRoutes lists a vendor panel's sign-up approval actions.
func (s *Server) approvalRoutes(g *echo.Group, panel string) {}
