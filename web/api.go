package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

// The JSON API under /api/v1 (see API.md). It is another door to the same
// scoped store and the same authorization as the panels, never a second
// implementation of their rules.

type apiErrorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// jsonContentType is the API's media type, charset spelled out as API.md says.
const jsonContentType = "application/json; charset=utf-8"

// apiJSON marks every API response as JSON with its charset; Echo's
// c.JSON keeps a Content-Type that is already set.
func apiJSON(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, jsonContentType)
		return next(c)
	}
}

func writeAPIError(c echo.Context, status int, e *tenantry.Error) error {
	c.Response().Header().Set(echo.HeaderContentType, jsonContentType)
	return c.JSON(status, apiErrorBody{Error: apiError{Code: e.Code, Message: e.Message, Fields: e.Fields}})
}

// decodeJSON reads a JSON body strictly: malformed JSON is 400, unknown
// fields and wrong types are 422 naming the field, and a body over the
// limit is 413.
func decodeJSON(c echo.Context, dst any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil && dec.More() {
		return errMalformed("The body must be a single JSON object.")
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return echo.ErrStatusRequestEntityTooLarge
	case errors.As(err, &typeErr):
		// Field is a dotted path that names embedded structs by their Go
		// type ("PlanInput.prices.unit_price"): keep the JSON names only
		parts := strings.Split(typeErr.Field, ".")
		for len(parts) > 0 && parts[0] != "" && parts[0][0] >= 'A' && parts[0][0] <= 'Z' {
			parts = parts[1:]
		}
		field := strings.Join(parts, ".")
		if field == "" {
			return errMalformed("The body must be a JSON object.")
		}
		return tenantry.Invalid(map[string]string{field: fmt.Sprintf("Expected a %s.", jsonType(typeErr.Type.Kind().String()))})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return tenantry.Invalid(map[string]string{field: "Unknown field."})
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errMalformed("The body is not valid JSON.")
	default:
		return errMalformed("The body could not be read as JSON.")
	}
}

func errMalformed(msg string) error {
	return &tenantry.Error{Kind: tenantry.EMALFORMED, Code: "malformed_json", Message: msg}
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "list"
	default:
		return "number"
	}
}

// apiAuth signs the request in from its bearer token, which is valid only
// on the tenant that issued it: a personal token, or an account's API key
// (apiKeySignIn), told apart by their prefixes. No header means
// anonymous; a bad token is 401.
func (s *Server) apiAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h == "" {
			return next(c)
		}
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			return errBadToken
		}
		if secret := strings.TrimSpace(token); tenantry.IsAPIKeySecret(secret) {
			return s.apiKeySignIn(c, secret, next)
		}
		ctx := c.Request().Context()
		t := tenantry.TenantFromContext(ctx)
		userID, err := s.db.APITokenUser(ctx, t, strings.TrimSpace(token))
		if tenantry.ErrorKind(err) == tenantry.ENOTFOUND {
			return errBadToken
		}
		if err != nil {
			return err
		}
		actor, err := s.db.ActorFor(ctx, t, userID)
		if err != nil {
			return err
		}
		active := actor.ActiveOnly()
		if !active.Reaches() {
			if !actor.Reaches() {
				return errBadToken
			}
			return s.inactiveError(ctx, actor)
		}
		c.SetRequest(c.Request().WithContext(tenantry.NewActorContext(ctx, active)))
		s.touchToken(c, strings.TrimSpace(token))
		return next(c)
	}
}

var errBadToken = &tenantry.Error{Kind: tenantry.EUNAUTHORIZED, Code: tenantry.EUNAUTHORIZED,
	Message: "A valid bearer token is required."}

// requireActor refuses anonymous API calls with 401.
func requireActor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if tenantry.ActorFromContext(c.Request().Context()) == nil {
			return errBadToken
		}
		return next(c)
	}
}

func apiNotFound(echo.Context) error { return tenantry.ErrNotFound }

type tokenRequest struct {
	Email    string `json:"email" validate:"required"`
	Password string `json:"password" validate:"required"`
	Name     string `json:"name" validate:"max=100,printable"`
}

func (s *Server) apiCreateToken(c echo.Context) error {
	var in tokenRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := tenantry.Check(in); err != nil {
		return err
	}
	actor, err := s.authenticate(c, in.Email, in.Password)
	if err != nil {
		return err
	}
	if in.Name == "" {
		in.Name = "API token"
	}
	ctx := c.Request().Context()
	token, expires, err := s.db.Me(tenantry.TenantFromContext(ctx), &actor.User, c.RealIP()).CreateAPIToken(ctx, in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"token": token, "expires_at": expires.Format(time.RFC3339)})
}

type meAccount struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	Role string `json:"role"`
	Via  string `json:"via"`
}

func (s *Server) apiMe(c echo.Context) error {
	ctx := c.Request().Context()
	actor := tenantry.ActorFromContext(ctx)
	t := tenantry.TenantFromContext(ctx)
	accounts := make([]meAccount, 0, len(actor.Grants))
	for _, g := range actor.Grants {
		accounts = append(accounts, meAccount{ID: g.Account.ID, Name: g.Account.Name, Kind: string(g.Account.Kind),
			Role: string(g.Role), Via: g.Via})
	}
	if k := actor.APIKey; k != nil {
		// a key is no person: it says which key it is and the one account
		// it acts for
		for i, g := range actor.Grants {
			accounts[i].Role = g.Name()
		}
		return c.JSON(http.StatusOK, map[string]any{
			"user":     nil,
			"api_key":  map[string]any{"id": k.ID, "name": k.Name, "scopes": k.Scopes},
			"tenant":   map[string]string{"account_id": t.Account.ID, "name": t.Account.Name, "kind": string(t.Account.Kind)},
			"accounts": accounts,
		})
	}
	return c.JSON(http.StatusOK, map[string]any{
		"user":     map[string]string{"id": actor.User.ID, "email": actor.User.Email, "name": actor.User.Name},
		"tenant":   map[string]string{"account_id": t.Account.ID, "name": t.Account.Name, "kind": string(t.Account.Kind)},
		"accounts": accounts,
	})
}

// accountJSON is an account as the API shows it.
type accountJSON struct {
	ID               string  `json:"id"`
	Kind             string  `json:"kind"`
	Name             string  `json:"name"`
	ParentID         *string `json:"parent_id"`
	Status           string  `json:"status"`
	Suspension       *string `json:"suspension"`
	SuspendReason    string  `json:"suspend_reason,omitempty"`
	Depth            int     `json:"depth"`
	ContactEmail     string  `json:"contact_email"`
	MaxResellerDepth *int    `json:"max_reseller_depth,omitempty"`
	OrganizationID   *string `json:"organization_id"`
	IsOrganization   bool    `json:"is_organization"`
	CreatedAt        string  `json:"created_at"`
}

func toAccountJSON(a *tenantry.Account) accountJSON {
	out := accountJSON{ID: a.ID, Kind: string(a.Kind), Name: a.Name, Status: string(a.Status), Depth: a.Depth,
		ContactEmail: a.ContactEmail, CreatedAt: a.CreatedAt.Format(time.RFC3339)}
	if a.ParentID != "" {
		out.ParentID = &a.ParentID
	}
	if a.OrganizationID != "" {
		out.OrganizationID = &a.OrganizationID
	}
	out.IsOrganization = a.IsOrganization
	if a.Kind == tenantry.KindReseller {
		out.MaxResellerDepth = &a.MaxResellerDepth
	}
	if s := a.Suspension(); s != "" {
		out.Suspension = &s
		if s == "own" {
			out.SuspendReason = a.SuspendReason
		}
	}
	return out
}

// listParams reads ?limit= (default 50, max 500) and ?cursor=.
func listParams(c echo.Context) (int, string, error) {
	limit := 50
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return 0, "", tenantry.Invalid(map[string]string{"limit": "Use a whole number from 1 to 500."})
		}
		limit = n
	}
	return limit, c.QueryParam("cursor"), nil
}

func (s *Server) apiListAccounts(c echo.Context) error {
	limit, cursor, err := listParams(c)
	if err != nil {
		return err
	}
	kind, status := c.QueryParam("kind"), c.QueryParam("status")
	fields := map[string]string{}
	if kind != "" && kind != "provider" && kind != "reseller" && kind != "customer" {
		fields["kind"] = "Choose one of: provider, reseller, customer."
	}
	if status != "" && status != "pending" && status != "active" && status != "suspended" && status != "closed" {
		fields["status"] = "Choose one of: pending, active, suspended, closed."
	}
	var isOrg *bool
	switch v := c.QueryParam("is_organization"); v {
	case "":
	case "true", "false":
		b := v == "true"
		isOrg = &b
	default:
		fields["is_organization"] = "Choose true or false."
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	page, err := s.scope(c).Accounts(c.Request().Context(), store.AccountFilter{ParentID: c.QueryParam("parent_id"),
		Kind: tenantry.AccountKind(kind), Status: tenantry.AccountStatus(status), Q: c.QueryParam("q"),
		IsOrganization: isOrg, OrganizationID: c.QueryParam("organization_id"), Cursor: cursor, Limit: limit})
	if err != nil {
		return err
	}
	items := make([]accountJSON, len(page.Items))
	for i := range page.Items {
		items[i] = toAccountJSON(&page.Items[i])
	}
	if c.QueryParam("format") == "csv" {
		return writeAccountsCSV(c, items)
	}
	var next *string
	if page.NextCursor != "" {
		next = &page.NextCursor
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

func writeAccountsCSV(c echo.Context, items []accountJSON) error {
	rows := make([][]string, len(items))
	for i, a := range items {
		parent, susp := "", ""
		if a.ParentID != nil {
			parent = *a.ParentID
		}
		if a.Suspension != nil {
			susp = *a.Suspension
		}
		org := ""
		if a.OrganizationID != nil {
			org = *a.OrganizationID
		}
		rows[i] = []string{a.ID, a.Kind, csvSafe(a.Name), parent, a.Status, susp, strconv.Itoa(a.Depth),
			csvSafe(a.ContactEmail), a.CreatedAt, org, strconv.FormatBool(a.IsOrganization)}
	}
	return writeCSV(c, []string{"id", "kind", "name", "parent_id", "status", "suspension", "depth", "contact_email", "created_at",
		"organization_id", "is_organization"}, rows)
}

type createdAccountJSON struct {
	accountJSON
	Owner *ownerJSON `json:"owner,omitempty"`
}

// ownerJSON is the owner as asked for: no id, because an address that
// already had a user is invited instead, and nothing in the answer may
// tell the two apart.
type ownerJSON struct {
	Email         string `json:"email"`
	Name          string `json:"name"`
	InvitationURL string `json:"set_password_url,omitempty"`
}

func (s *Server) apiCreateAccount(c echo.Context) error {
	var in tenantry.NewAccount
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	created, err := s.createAccount(c, in)
	if err != nil {
		return err
	}
	out := createdAccountJSON{accountJSON: toAccountJSON(created.Account)}
	if created.OwnerEmail != "" {
		out.Owner = &ownerJSON{Email: created.OwnerEmail, Name: created.OwnerName}
		if created.InvitationPath != "" {
			out.Owner.InvitationURL = s.linkOn(created.InvitationHost, created.InvitationPath)
		}
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) apiGetAccount(c echo.Context) error {
	a, err := s.scope(c).Account(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAccountJSON(a))
}

func (s *Server) apiUpdateAccount(c echo.Context) error {
	// read the body once, to tell "organization_id": null (a request to
	// clear it, refused once set) from a body without it
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		return errMalformed("The body could not be read.")
	}
	c.Request().Body = io.NopCloser(bytes.NewReader(body))
	var in tenantry.AccountUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) == nil && in.OrganizationID == nil {
		if v, ok := raw["organization_id"]; ok && string(bytes.TrimSpace(v)) == "null" {
			in.OrganizationID = new(string)
		}
	}
	a, err := s.scope(c).UpdateAccount(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAccountJSON(a))
}
