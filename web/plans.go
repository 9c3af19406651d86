package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/components"
	"github.com/tenantry/tenantry/views/provider"
)

// planPages are a vendor's plan editor pages (provider or reseller panel):
// the plans the panel's account owns.
type planPages struct {
	s     *Server
	panel string
	base  string
}

func (h planPages) list(c echo.Context) error {
	ctx := c.Request().Context()
	owner := panelAccount(c)
	sc := h.s.scope(c)
	plans, err := sc.Plans(ctx, owner.ID, store.PlanFilter{})
	if err != nil {
		return err
	}
	usage, err := sc.PlanUsage(ctx, owner.ID)
	if err != nil {
		return err
	}
	vm := accounts.PlanListVM{Base: h.base, CanManage: tenantry.Authorize(sc.Actor(), tenantry.PermPlansManage, owner) == nil}
	for _, p := range plans {
		vm.Plans = append(vm.Plans, accounts.PlanRowVM{Plan: p, Accounts: usage[p.ID]})
	}
	return render(c, http.StatusOK, accounts.Plans(h.panel, vm))
}

// planForm reads the editor's fields: one price input per catalogue metric.
func planForm(c echo.Context, catalogue []tenantry.Metric) tenantry.PlanInput {
	in := tenantry.PlanInput{Name: c.FormValue("name"), Currency: c.FormValue("currency"),
		Audience: c.FormValue("audience"), MarkupPercent: c.FormValue("markup_percent"),
		EffectiveFrom: strings.TrimSpace(c.FormValue("effective_from"))}
	for _, m := range catalogue {
		in.Prices = append(in.Prices, tenantry.PriceInput{Metric: m.Key, UnitPrice: strings.TrimSpace(c.FormValue("prices." + m.Key))})
	}
	return in
}

// planInput turns a saved plan back into editor input.
func planInput(p *tenantry.Plan) tenantry.PlanInput {
	in := tenantry.PlanInput{Name: p.Name, Currency: p.Currency, Audience: p.Audience, MarkupPercent: p.MarkupPercent.String()}
	for _, pr := range p.Prices {
		in.Prices = append(in.Prices, tenantry.PriceInput{Metric: pr.Metric, UnitPrice: pr.UnitPrice.Fixed(6)})
	}
	return in
}

// latestInput is the editor's input for a saved plan: its fields, and the
// latest version of its prices (a scheduled one, with its date, when there
// is one), so that saving unchanged prices changes nothing.
func latestInput(p *tenantry.Plan, versions []tenantry.PlanPrices, now time.Time) tenantry.PlanInput {
	in := planInput(p)
	if len(versions) == 0 {
		return in
	}
	latest := versions[len(versions)-1]
	in.Prices = nil
	for _, pr := range latest.Prices {
		in.Prices = append(in.Prices, tenantry.PriceInput{Metric: pr.Metric, UnitPrice: pr.UnitPrice.Fixed(6)})
	}
	if latest.EffectiveFrom.After(now) {
		in.EffectiveFrom = latest.EffectiveFrom.Format(time.DateOnly)
	}
	return in
}

// editorVM lays the input out per metric, beside the price the vendor
// itself pays under its own wholesale plan (for a reseller) and the margin.
// A price below wholesale is warned about, never refused.
func (h planPages) editorVM(c echo.Context, plan *tenantry.Plan, in tenantry.PlanInput, errs map[string]string) (accounts.PlanEditorVM, error) {
	ctx := c.Request().Context()
	sc := h.s.scope(c)
	owner := panelAccount(c)
	catalogue, err := h.s.db.Metrics(ctx)
	if err != nil {
		return accounts.PlanEditorVM{}, err
	}
	vm := accounts.PlanEditorVM{Base: h.base, Plan: plan, In: in, Errors: errs,
		CanManage: tenantry.Authorize(sc.Actor(), tenantry.PermPlansManage, owner) == nil,
		Audiences: []components.Option{{Value: tenantry.AudienceCustomers, Label: "Customers (retail)"},
			{Value: tenantry.AudienceResellers, Label: "Resellers (wholesale)"}}}
	if plan != nil {
		usage, err := sc.PlanUsage(ctx, owner.ID)
		if err != nil {
			return vm, err
		}
		vm.InUse = usage[plan.ID]
		if vm.Versions, err = sc.PlanPriceVersions(ctx, plan.ID); err != nil {
			return vm, err
		}
		vm.Now = h.s.db.Now()
		if vm.In.EffectiveFrom == "" {
			vm.In.EffectiveFrom = vm.Now.Format(time.DateOnly)
		}
	}
	var wholesale *tenantry.Plan
	if owner.Kind == tenantry.KindReseller {
		cur, err := sc.CurrentPlan(ctx, owner.ID)
		if err != nil {
			return vm, err
		}
		if cur != nil {
			wholesale = &cur.Plan
			vm.Wholesale = cur.Plan.Name
		}
	}
	values := map[string]string{}
	for _, p := range in.Prices {
		values[p.Metric] = p.UnitPrice
	}
	for _, m := range catalogue {
		row := accounts.PriceRowVM{Metric: m, Value: values[m.Key], Error: errs["prices."+m.Key]}
		if wholesale != nil {
			if w, ok := wholesale.PriceOf(m.Key); ok {
				row.Wholesale = w.Fixed(6) + " " + wholesale.Currency
				if v, err := money.Parse(row.Value); err == nil && row.Value != "" {
					if strings.EqualFold(in.Currency, wholesale.Currency) {
						row.Margin = (v - w).Decimal().StringFixed(6) + " " + wholesale.Currency
						if v < w {
							row.Margin, row.Below = row.Margin+": below what you pay", true
						}
					} else {
						row.Margin = "other currency"
					}
				}
				if row.Value == "" && w > 0 {
					row.Margin, row.Below = "not priced: given away", true
				}
			} else {
				row.Wholesale = "not priced"
			}
		}
		vm.Rows = append(vm.Rows, row)
	}
	if plan != nil && len(errs) == 0 {
		vm.Warnings = tenantry.PriceWarnings(plan, wholesale)
	}
	return vm, nil
}

func (h planPages) newForm(c echo.Context) error {
	ctx := c.Request().Context()
	// the form is for those who may save it
	if err := tenantry.Authorize(h.s.scope(c).Actor(), tenantry.PermPlansManage, panelAccount(c)); err != nil {
		return err
	}
	st, err := h.s.scope(c).Settings(ctx, panelAccount(c).ID)
	if err != nil {
		return err
	}
	vm, err := h.editorVM(c, nil, tenantry.PlanInput{Currency: st.Currency, Audience: tenantry.AudienceCustomers}, nil)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.PlanEditor(h.panel, vm))
}

// refused re-renders the editor with the input and the messages, or
// returns err when it is not the user's to fix.
func (h planPages) refused(c echo.Context, plan *tenantry.Plan, in tenantry.PlanInput, err error) error {
	errs := formErrors(err)
	if errs == nil {
		return err
	}
	vm, verr := h.editorVM(c, plan, in, errs)
	if verr != nil {
		return verr
	}
	return render(c, formStatus(err), accounts.PlanEditor(h.panel, vm))
}

func (h planPages) create(c echo.Context) error {
	ctx := c.Request().Context()
	catalogue, err := h.s.db.Metrics(ctx)
	if err != nil {
		return err
	}
	in := planForm(c, catalogue)
	p, err := h.s.scope(c).CreatePlan(ctx, panelAccount(c).ID, in)
	if err != nil {
		return h.refused(c, nil, in, err)
	}
	if err := flash(c, "Plan "+p.Name+" created."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/plans/"+p.ID)
}

// own loads a plan of the panel's account, ENOTFOUND for any other.
func (h planPages) own(c echo.Context) (*tenantry.Plan, error) {
	p, err := h.s.scope(c).Plan(c.Request().Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	if p.OwnerID != panelAccount(c).ID {
		return nil, tenantry.ErrNotFound
	}
	return p, nil
}

func (h planPages) show(c echo.Context) error {
	p, err := h.own(c)
	if err != nil {
		return err
	}
	in, err := h.savedInput(c, p)
	if err != nil {
		return err
	}
	vm, err := h.editorVM(c, p, in, nil)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.PlanEditor(h.panel, vm))
}

// savedInput is the editor's input for a saved plan (see latestInput).
func (h planPages) savedInput(c echo.Context, p *tenantry.Plan) (tenantry.PlanInput, error) {
	versions, err := h.s.scope(c).PlanPriceVersions(c.Request().Context(), p.ID)
	if err != nil {
		return tenantry.PlanInput{}, err
	}
	return latestInput(p, versions, h.s.db.Now()), nil
}

func (h planPages) update(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := h.own(c)
	if err != nil {
		return err
	}
	// the scheduled prices' own form posts here with their version: it
	// cancels them and changes nothing else
	if version := c.FormValue("cancel_prices"); version != "" {
		if err := h.s.scope(c).CancelPlanPrices(ctx, p.ID, version); err != nil {
			return err
		}
		if err := flash(c, "The scheduled prices are cancelled; "+p.Name+" keeps its current prices."); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, h.base+"/plans/"+p.ID)
	}
	catalogue, err := h.s.db.Metrics(ctx)
	if err != nil {
		return err
	}
	in := planForm(c, catalogue)
	saved, err := h.s.scope(c).UpdatePlan(ctx, p.ID, in)
	if err != nil {
		return h.refused(c, p, in, err)
	}
	msg := "Plan saved."
	if versions, err := h.s.scope(c).PlanPriceVersions(ctx, p.ID); err == nil && len(versions) > 0 {
		if latest := versions[len(versions)-1]; latest.EffectiveFrom.After(h.s.db.Now()) {
			msg = "Plan saved. The new prices take effect on " + latest.EffectiveFrom.Format("2 January 2006") +
				"; until then " + saved.Name + " keeps its current prices."
		}
	}
	if err := flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/plans/"+p.ID)
}

func (h planPages) copy(c echo.Context) error {
	p, err := h.own(c)
	if err != nil {
		return err
	}
	cp, err := h.s.scope(c).CopyPlan(c.Request().Context(), p.ID, c.FormValue("name"))
	if err != nil {
		if errs := formErrors(err); errs != nil {
			in, ierr := h.savedInput(c, p)
			if ierr != nil {
				return ierr
			}
			vm, verr := h.editorVM(c, p, in, nil)
			if verr != nil {
				return verr
			}
			for _, msg := range errs {
				vm.Warnings = append(vm.Warnings, "The copy was not made: "+msg)
			}
			return render(c, formStatus(err), accounts.PlanEditor(h.panel, vm))
		}
		return err
	}
	if err := flash(c, "Copied to "+cp.Name+"."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/plans/"+cp.ID)
}

func (h planPages) setStatus(c echo.Context) error {
	p, err := h.own(c)
	if err != nil {
		return err
	}
	p, err = h.s.scope(c).SetPlanStatus(c.Request().Context(), p.ID, c.FormValue("status"))
	if err != nil {
		return err
	}
	msg := p.Name + " is archived: accounts keep it, but it cannot be assigned again."
	if p.Status == tenantry.PlanActive {
		msg = p.Name + " is active again."
	}
	if err := flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/plans/"+p.ID)
}

// Metric catalogue (provider panel only).

func (s *Server) metricsPage(c echo.Context, status int, vm provider.MetricsVM) error {
	list, err := s.db.Metrics(c.Request().Context())
	if err != nil {
		return err
	}
	vm.Metrics = list
	vm.CanManage = tenantry.Authorize(s.scope(c).Actor(), tenantry.PermPlansManage, panelAccount(c)) == nil
	if vm.New.Unit == "" {
		vm.New.Unit = "hour"
	}
	return render(c, status, provider.Metrics(vm))
}

func (s *Server) metrics(c echo.Context) error {
	return s.metricsPage(c, http.StatusOK, provider.MetricsVM{})
}

func (s *Server) addMetric(c echo.Context) error {
	m := tenantry.Metric{Key: c.FormValue("key"), Name: c.FormValue("name"), Unit: c.FormValue("unit"), ResourceType: c.FormValue("resource_type")}
	err := s.scope(c).SaveMetric(c.Request().Context(), m, true)
	if errs := formErrors(err); errs != nil {
		return s.metricsPage(c, formStatus(err), provider.MetricsVM{New: m, Errors: errs})
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Metric "+strings.TrimSpace(m.Key)+" added."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/provider/metrics")
}

func (s *Server) saveMetric(c echo.Context) error {
	m := tenantry.Metric{Key: c.Param("key"), Name: c.FormValue("name"), Unit: c.FormValue("unit"), ResourceType: c.FormValue("resource_type")}
	// a form without the field keeps what the metric meters: saving a
	// name must not unhook the resources it meters
	if _, ok := c.Request().PostForm["resource_type"]; !ok {
		if err := s.keepResourceType(c, &m); err != nil {
			return err
		}
	}
	err := s.scope(c).SaveMetric(c.Request().Context(), m, false)
	if errs := formErrors(err); errs != nil {
		return s.metricsPage(c, formStatus(err), provider.MetricsVM{EditKey: m.Key, Edit: m, EditErrors: errs})
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Metric "+m.Key+" saved."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/provider/metrics")
}
