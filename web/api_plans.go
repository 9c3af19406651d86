package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
)

// API for the catalogue, plans, plan assignment, vendor settings and
// domains (API.md "Catalogue and plans", "Accounts (hierarchy)").

func (s *Server) apiMetrics(c echo.Context) error {
	list, err := s.db.Metrics(c.Request().Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []tenantry.Metric{}
	}
	return c.JSON(http.StatusOK, list)
}

func (s *Server) apiCreateMetric(c echo.Context) error {
	var m tenantry.Metric
	if err := decodeJSON(c, &m); err != nil {
		return err
	}
	if err := s.scope(c).SaveMetric(c.Request().Context(), m, true); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (s *Server) apiUpdateMetric(c echo.Context) error {
	var in struct {
		Key  *string `json:"key"`
		Name string  `json:"name"`
		Unit string  `json:"unit"`
		// ResourceType left out keeps the metric's; "" or null clears it
		ResourceType tenantry.OptionalString `json:"resource_type"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Key != nil && *in.Key != c.Param("key") {
		return tenantry.Invalid(map[string]string{"key": "The key cannot change."})
	}
	m := tenantry.Metric{Key: c.Param("key"), Name: in.Name, Unit: in.Unit, ResourceType: in.ResourceType.Value}
	if !in.ResourceType.Set {
		if err := s.keepResourceType(c, &m); err != nil {
			return err
		}
	}
	if err := s.scope(c).SaveMetric(c.Request().Context(), m, false); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

// keepResourceType sets m's resource type to the one its metric has in
// the catalogue, for an update that does not say.
func (s *Server) keepResourceType(c echo.Context, m *tenantry.Metric) error {
	list, err := s.db.Metrics(c.Request().Context())
	if err != nil {
		return err
	}
	for _, cur := range list {
		if cur.Key == m.Key {
			m.ResourceType = cur.ResourceType
		}
	}
	return nil
}

type priceJSON struct {
	Metric    string `json:"metric"`
	UnitPrice string `json:"unit_price"`
}

type planJSON struct {
	ID            string      `json:"id"`
	OwnerID       string      `json:"owner_id"`
	Name          string      `json:"name"`
	Currency      string      `json:"currency"`
	Audience      string      `json:"audience"`
	Prices        []priceJSON `json:"prices"`
	MarkupPercent string      `json:"markup_percent"`
	Status        string      `json:"status"`
	CreatedAt     string      `json:"created_at"`
	UpdatedAt     string      `json:"updated_at"`
	// PricesFrom is when Prices (those in force now) took effect.
	PricesFrom string `json:"prices_from"`
	// PriceVersions are all the plan's prices over time, oldest first:
	// earlier ones, the one in force, any scheduled (single-plan answers).
	PriceVersions []priceVersionJSON `json:"price_versions,omitempty"`
	// Warnings compare a reseller's plan with what it pays itself.
	Warnings []string `json:"warnings,omitempty"`
}

// priceVersionJSON is one version of a plan's prices.
type priceVersionJSON struct {
	ID            string      `json:"id"`
	EffectiveFrom string      `json:"effective_from"`
	Prices        []priceJSON `json:"prices"`
	CreatedAt     string      `json:"created_at"`
}

func pricesJSON(list []tenantry.Price) []priceJSON {
	out := []priceJSON{}
	for _, pr := range list {
		out = append(out, priceJSON{Metric: pr.Metric, UnitPrice: pr.UnitPrice.Fixed(6)})
	}
	return out
}

// writePlan answers with a plan and its owner's warnings.
func (s *Server) writePlan(c echo.Context, status int, p *tenantry.Plan) error {
	out, err := s.planOut(c, p)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

// planOut is a plan as the API answers it, with the owner's warnings.
func (s *Server) planOut(c echo.Context, p *tenantry.Plan) (planJSON, error) {
	out := toPlanJSON(p)
	ctx := c.Request().Context()
	sc := s.scope(c)
	versions, err := sc.PlanPriceVersions(ctx, p.ID)
	if err != nil {
		return out, err
	}
	out.PriceVersions = []priceVersionJSON{}
	for _, v := range versions {
		out.PriceVersions = append(out.PriceVersions, priceVersionJSON{ID: v.ID, EffectiveFrom: v.EffectiveFrom.Format(time.RFC3339Nano),
			Prices: pricesJSON(v.Prices), CreatedAt: v.CreatedAt.Format(time.RFC3339)})
	}
	owner, err := sc.Account(ctx, p.OwnerID)
	if err != nil || owner.Kind != tenantry.KindReseller {
		return out, nil // not the caller's plan, or the provider's: nothing to compare
	}
	cur, err := sc.CurrentPlan(ctx, owner.ID)
	if err != nil || cur == nil {
		return out, err
	}
	out.Warnings = tenantry.PriceWarnings(p, &cur.Plan)
	return out, nil
}

func toPlanJSON(p *tenantry.Plan) planJSON {
	out := planJSON{ID: p.ID, OwnerID: p.OwnerID, Name: p.Name, Currency: p.Currency, Audience: p.Audience,
		Prices: pricesJSON(p.Prices), MarkupPercent: p.MarkupPercent.String(), Status: p.Status,
		CreatedAt: p.CreatedAt.Format(time.RFC3339), UpdatedAt: p.UpdatedAt.Format(time.RFC3339),
		PricesFrom: p.PricesFrom.Format(time.RFC3339Nano)}
	return out
}

func (s *Server) apiListPlans(c echo.Context) error {
	plans, err := s.scope(c).Plans(c.Request().Context(), c.Param("id"),
		store.PlanFilter{Audience: c.QueryParam("audience"), Status: c.QueryParam("status")})
	if err != nil {
		return err
	}
	items := make([]planJSON, len(plans))
	for i := range plans {
		items[i] = toPlanJSON(&plans[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

func (s *Server) apiCreatePlan(c echo.Context) error {
	var in tenantry.PlanInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.scope(c).CreatePlan(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return s.writePlan(c, http.StatusCreated, p)
}

func (s *Server) apiGetPlan(c echo.Context) error {
	p, err := s.scope(c).Plan(c.Request().Context(), c.Param("plan_id"))
	if err != nil {
		return err
	}
	return s.writePlan(c, http.StatusOK, p)
}

// planPut is a plan as PUT: the editable fields, the status, and the
// read-only ones a client echoes from GET, which must not change.
type planPut struct {
	tenantry.PlanInput
	Status    *string `json:"status"`
	ID        *string `json:"id"`
	OwnerID   *string `json:"owner_id"`
	CreatedAt *string `json:"created_at"`
	UpdatedAt *string `json:"updated_at"`
	// Warnings and the price history are computed: whatever a client
	// echoes is ignored (prices_from too: effective_from says when).
	Warnings      []string          `json:"warnings"`
	PricesFrom    *string           `json:"prices_from"`
	PriceVersions []json.RawMessage `json:"price_versions"`
}

func (s *Server) apiUpdatePlan(c echo.Context) error {
	ctx := c.Request().Context()
	sc := s.scope(c)
	var in planPut
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cur, err := sc.Plan(ctx, c.Param("plan_id"))
	if err != nil {
		return err
	}
	was := toPlanJSON(cur)
	fields := map[string]string{}
	for name, v := range map[string]*string{"id": in.ID, "owner_id": in.OwnerID, "created_at": in.CreatedAt} {
		if v != nil && *v != map[string]string{"id": was.ID, "owner_id": was.OwnerID, "created_at": was.CreatedAt}[name] {
			fields[name] = "This field is read-only."
		}
	}
	if len(fields) > 0 {
		return tenantry.Invalid(fields)
	}
	// a PUT changes the fields it sends and keeps the rest: the prices
	// kept are the latest version's, so that a PUT without prices never
	// undoes a scheduled change
	versions, err := sc.PlanPriceVersions(ctx, cur.ID)
	if err != nil {
		return err
	}
	keep := latestInput(cur, versions, s.db.Now())
	if in.Name == "" {
		in.Name = keep.Name
	}
	if in.Currency == "" {
		in.Currency = keep.Currency
	}
	if in.Audience == "" {
		in.Audience = keep.Audience
	}
	if in.MarkupPercent == "" {
		in.MarkupPercent = keep.MarkupPercent
	}
	if in.Prices == nil {
		in.Prices = keep.Prices
		if in.EffectiveFrom == "" {
			in.EffectiveFrom = keep.EffectiveFrom
		}
	}
	p, err := sc.UpdatePlan(ctx, cur.ID, in.PlanInput)
	if err != nil {
		return err
	}
	if in.Status != nil && *in.Status != p.Status {
		if p, err = sc.SetPlanStatus(ctx, p.ID, *in.Status); err != nil {
			return err
		}
	}
	return s.writePlan(c, http.StatusOK, p)
}

func (s *Server) apiCopyPlan(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.scope(c).CopyPlan(c.Request().Context(), c.Param("plan_id"), in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toPlanJSON(p))
}

type assignmentJSON struct {
	AccountID     string `json:"account_id"`
	PlanID        string `json:"plan_id"`
	PlanName      string `json:"plan_name"`
	EffectiveFrom string `json:"effective_from"`
	CreatedAt     string `json:"created_at"`
}

func toAssignmentJSON(a *tenantry.PlanAssignment) assignmentJSON {
	return assignmentJSON{AccountID: a.AccountID, PlanID: a.Plan.ID, PlanName: a.Plan.Name,
		EffectiveFrom: a.EffectiveFrom.Format(time.DateOnly), CreatedAt: a.CreatedAt.Format(time.RFC3339)}
}

func (s *Server) apiGetAccountPlan(c echo.Context) error {
	ctx := c.Request().Context()
	sc := s.scope(c)
	history, err := sc.PlanHistory(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	cur, err := sc.CurrentPlan(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	out := map[string]any{"current": nil, "history": []assignmentJSON{}}
	if cur != nil {
		out["current"] = toAssignmentJSON(cur)
	}
	items := make([]assignmentJSON, len(history))
	for i := range history {
		items[i] = toAssignmentJSON(&history[i])
	}
	out["history"] = items
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiAssignPlan(c echo.Context) error {
	var in struct {
		PlanID        string `json:"plan_id"`
		EffectiveFrom string `json:"effective_from"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.PlanID == "" {
		return tenantry.Invalid(map[string]string{"plan_id": "This field is required."})
	}
	day, err := parseDay(in.EffectiveFrom)
	if err != nil {
		return err
	}
	a, err := s.scope(c).AssignPlan(c.Request().Context(), c.Param("id"), in.PlanID, day)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAssignmentJSON(a))
}

type settingsJSON struct {
	SignupEnabled          bool    `json:"signup_enabled"`
	SignupRequiresApproval bool    `json:"signup_requires_approval"`
	DefaultPlanID          *string `json:"default_plan_id"`
	Currency               string  `json:"currency"`
	TaxRatePercent         string  `json:"tax_rate_percent"`
	InvoicePrefix          string  `json:"invoice_prefix"`
	SupportEmail           string  `json:"support_email"`
	TermsURL               string  `json:"terms_url"`
	ResellersEnabled       *bool   `json:"resellers_enabled,omitempty"`
}

func (s *Server) settingsJSON(c echo.Context, accountID string, st *tenantry.Settings) (settingsJSON, error) {
	out := settingsJSON{SignupEnabled: st.SignupEnabled, SignupRequiresApproval: st.SignupRequiresApproval,
		Currency: st.Currency, TaxRatePercent: st.TaxRatePercent.String(), InvoicePrefix: st.InvoicePrefix,
		SupportEmail: st.SupportEmail, TermsURL: st.TermsURL}
	if st.DefaultPlanID != "" {
		out.DefaultPlanID = &st.DefaultPlanID
	}
	a, err := s.scope(c).Account(c.Request().Context(), accountID)
	if err != nil {
		return out, err
	}
	if a.Kind == tenantry.KindProvider {
		on, err := s.db.ResellersEnabled(c.Request().Context())
		if err != nil {
			return out, err
		}
		out.ResellersEnabled = &on
	}
	return out, nil
}

func (s *Server) apiGetSettings(c echo.Context) error {
	st, err := s.scope(c).Settings(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	out, err := s.settingsJSON(c, c.Param("id"), st)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// apiPutSettings changes the fields given and keeps the rest; the
// provider's reseller programme switch goes through the same body.
func (s *Server) apiPutSettings(c echo.Context) error {
	ctx := c.Request().Context()
	var in tenantry.SettingsUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	st, err := s.scope(c).UpdateSettings(ctx, c.Param("id"), in)
	if err != nil {
		return err
	}
	out, err := s.settingsJSON(c, c.Param("id"), st)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

type domainJSON struct {
	FQDN      string `json:"fqdn"`
	Primary   bool   `json:"primary"`
	CreatedAt string `json:"created_at"`
}

func (s *Server) apiListDomains(c echo.Context) error {
	list, err := s.scope(c).Domains(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	items := make([]domainJSON, len(list))
	for i, d := range list {
		items[i] = domainJSON{FQDN: d.FQDN, Primary: d.Primary, CreatedAt: d.CreatedAt.Format(time.RFC3339)}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

// apiAddDomain adds a domain; with "primary": true it becomes the end user
// panel URL, replacing the previous one.
func (s *Server) apiAddDomain(c echo.Context) error {
	ctx := c.Request().Context()
	var in struct {
		FQDN    string `json:"fqdn"`
		Primary bool   `json:"primary"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sc := s.scope(c)
	var err error
	if in.Primary {
		err = sc.SetPanelDomain(ctx, c.Param("id"), in.FQDN)
	} else {
		err = sc.AddDomain(ctx, c.Param("id"), in.FQDN)
	}
	if err != nil {
		return err
	}
	host, _ := tenantry.CheckFQDN(in.FQDN)
	list, err := sc.Domains(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	for _, d := range list {
		if d.FQDN == host {
			return c.JSON(http.StatusCreated, domainJSON{FQDN: d.FQDN, Primary: d.Primary, CreatedAt: d.CreatedAt.Format(time.RFC3339)})
		}
	}
	return tenantry.ErrNotFound
}

func (s *Server) apiRemoveDomain(c echo.Context) error {
	if err := s.scope(c).RemoveDomain(c.Request().Context(), c.Param("id"), c.Param("fqdn")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiConvert(c echo.Context) error {
	a, err := s.scope(c).ConvertToReseller(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAccountJSON(a))
}
