package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/accounts"
)

// Account API keys: the API's routes and each panel's API keys page, and
// what a key may call once it has signed a request in (apiKeyMayCall).

// usagePath is the one route the usage:write scope opens. It is matched
// on the request's path, not on a registered route, so that the rule
// holds for the route whichever file registers it.
const usagePath = "/api/v1/usage"

// errInsufficientScope refuses a request its API key's scopes do not
// cover: 403, since the key is valid.
func errInsufficientScope(why string) error {
	return &tenantry.Error{Kind: tenantry.EFORBIDDEN, Code: "insufficient_scope",
		Message: why + " An API key with the read scope may call GET routes; one with usage:write may call POST " +
			usagePath + "; nothing else is open to API keys."}
}

// apiKeyMayCall is the one place that decides which routes an API key
// may call, by its scopes: GET routes with read, POST /api/v1/usage with
// usage:write, nothing else (keys make no keys, change no account). The
// store still authorizes every object the route touches, against the
// permissions the scopes give on the key's account. An unknown path is
// left to answer 404, as it does for everyone.
func apiKeyMayCall(c echo.Context, key *tenantry.APIKeyRef) error {
	r := c.Request()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == usagePath:
		if !key.Has(tenantry.ScopeUsageWrite) {
			return errInsufficientScope("This API key has no usage:write scope.")
		}
		return nil
	case c.Path() == "/api/v1/*" || c.Path() == "/api/v1":
		return nil // the catch-all: 404, as for everyone
	case r.Method == http.MethodGet:
		if strings.HasPrefix(r.URL.Path, "/api/v1/me/") {
			// a key is not a person: it holds no tokens or sessions
			return errInsufficientScope("An API key has no personal tokens or sessions.")
		}
		if !key.Has(tenantry.ScopeRead) {
			return errInsufficientScope("This API key has no read scope.")
		}
		return nil
	}
	return errInsufficientScope("API keys cannot make this request.")
}

// apiKeySignIn signs the request in with an API key's secret: 401 for an
// unknown, revoked or other domain's key, 403 insufficient_scope for a
// route its scopes do not open.
func (s *Server) apiKeySignIn(c echo.Context, secret string, next echo.HandlerFunc) error {
	ctx := c.Request().Context()
	actor, err := s.db.APIKeyActor(ctx, tenantry.TenantFromContext(ctx), secret)
	if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
		return errBadToken
	}
	if err != nil {
		return err
	}
	if err := apiKeyMayCall(c, actor.APIKey); err != nil {
		return err
	}
	c.SetRequest(c.Request().WithContext(tenantry.NewActorContext(ctx, actor)))
	if err := s.db.TouchAPIKey(ctx, actor.APIKey.ID); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "record api key use", slog.String("request_id", requestIDFromContext(ctx)),
			slog.String("error", err.Error()))
	}
	return next(c)
}

// apiKeyJSON is an API key as the API lists it; Key is set only in the
// answer that creates it.
type apiKeyJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Scopes     []string `json:"scopes"`
	Key        string   `json:"key,omitempty"`
	Status     string   `json:"status"`
	CreatedAt  string   `json:"created_at"`
	CreatedBy  *string  `json:"created_by"`
	LastUsedAt *string  `json:"last_used_at"`
	RevokedAt  *string  `json:"revoked_at"`
}

func toAPIKeyJSON(k *tenantry.APIKey) apiKeyJSON {
	out := apiKeyJSON{ID: k.ID, Name: k.Name, Scopes: k.Scopes, Status: "active", CreatedAt: k.CreatedAt.Format(time.RFC3339),
		LastUsedAt: timeOrNull(k.LastUsedAt), RevokedAt: timeOrNull(k.RevokedAt)}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	if !k.Live() {
		out.Status = "revoked"
	}
	if k.CreatedBy != "" {
		out.CreatedBy = &k.CreatedBy
	}
	return out
}

func (s *Server) apiListAPIKeys(c echo.Context) error {
	keys, err := s.scope(c).APIKeys(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	items := make([]apiKeyJSON, len(keys))
	for i := range keys {
		items[i] = toAPIKeyJSON(&keys[i])
	}
	if c.QueryParam("format") == "csv" {
		rows := make([][]string, len(items))
		for i, k := range items {
			rows[i] = []string{k.ID, csvSafe(k.Name), strings.Join(k.Scopes, " "), k.Status, k.CreatedAt,
				csvSafe(stringOrEmpty(k.CreatedBy)), stringOrEmpty(k.LastUsedAt), stringOrEmpty(k.RevokedAt)}
		}
		return writeCSV(c, []string{"id", "name", "scopes", "status", "created_at", "created_by", "last_used_at", "revoked_at"}, rows)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

// createdAPIKeyJSON is the answer that creates a key (API.md): its secret
// is in it, and in nothing else ever.
type createdAPIKeyJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Scopes    []string `json:"scopes"`
	Key       string   `json:"key"`
	CreatedAt string   `json:"created_at"`
}

func (s *Server) apiCreateAPIKey(c echo.Context) error {
	var in tenantry.APIKeyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	k, secret, err := s.scope(c).CreateAPIKey(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, createdAPIKeyJSON{ID: k.ID, Name: k.Name, Scopes: k.Scopes, Key: secret,
		CreatedAt: k.CreatedAt.Format(time.RFC3339)})
}

func (s *Server) apiRevokeAPIKey(c echo.Context) error {
	if _, err := s.scope(c).RevokeAPIKey(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiKeyPages is a panel's API keys page: the keys of the panel's own
// account, for those who may manage it.
type apiKeyPages struct {
	s     *Server
	panel string
	base  string
}

func (h apiKeyPages) page(c echo.Context, status int, vm accounts.APIKeysVM) error {
	a := panelAccount(c)
	keys, err := h.s.panelScope(c).APIKeys(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	vm.Base, vm.Account, vm.Items = h.base, *a, keys
	return render(c, status, accounts.APIKeys(h.panel, vm))
}

func (h apiKeyPages) list(c echo.Context) error {
	return h.page(c, http.StatusOK, accounts.APIKeysVM{NewScopes: []string{tenantry.ScopeRead}})
}

func (h apiKeyPages) create(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	in := tenantry.APIKeyInput{Name: form.Get("name"), Scopes: form["scopes"]}
	k, secret, err := h.s.panelScope(c).CreateAPIKey(c.Request().Context(), panelAccount(c).ID, in)
	if errs := formErrors(err); errs != nil {
		return h.page(c, formStatus(err), accounts.APIKeysVM{NewName: in.Name, NewScopes: in.Scopes, NewErrors: errs})
	}
	if err != nil {
		return err
	}
	// shown in this answer only: a flash would keep the secret in the
	// session's row, in clear
	return h.page(c, http.StatusOK, accounts.APIKeysVM{Created: k, Secret: secret, NewScopes: []string{tenantry.ScopeRead}})
}

func (h apiKeyPages) revoke(c echo.Context) error {
	a := panelAccount(c)
	sc := h.s.panelScope(c)
	ctx := c.Request().Context()
	// only a key of the panel's own account, even where the scope would
	// reach one below it
	keys, err := sc.APIKeys(ctx, a.ID)
	if err != nil {
		return err
	}
	found := false
	for _, k := range keys {
		found = found || k.ID == c.Param("id")
	}
	if !found {
		return tenantry.ErrNotFound
	}
	k, err := sc.RevokeAPIKey(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if err := flash(c, "API key "+k.Name+" revoked: it no longer opens the API."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/api-keys")
}
