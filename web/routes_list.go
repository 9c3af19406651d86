package web

// RouteInfo is one registered route: an HTTP method and Echo's path
// pattern ("/reseller/accounts/:id").
type RouteInfo struct {
	Method string
	Path   string
}

// Routes lists every route registered on the server, as Echo knows them.
// Tests use it to check that each route has an entry in the route ×
// role × tenant matrix.
func (s *Server) Routes() []RouteInfo {
	rs := s.echo.Routes()
	out := make([]RouteInfo, 0, len(rs))
	for _, r := range rs {
		out = append(out, RouteInfo{Method: r.Method, Path: r.Path})
	}
	return out
}
