package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
	"github.com/tenantry/tenantry/store"
	"github.com/tenantry/tenantry/views/app"
	"github.com/tenantry/tenantry/views/components"
)

// Resources of an infrastructure, on its page: the forms post here, under
// /infrastructures like the delegate forms, whichever page they are on
// (returnTo leads back to it). Seeing them needs infra.view on the
// infrastructure, changing them infra.manage or a delegation: the store
// decides, so a viewer's post is 403 and another tenant's 404.

// resourceForm is the add form as posted.
type resourceForm struct {
	Type   string `form:"type"`
	Name   string `form:"name"`
	Metric string `form:"metric"`
	SizeGB string `form:"size_gb"`
	Start  bool   `form:"start"`
}

// resizeForm is a row's resize form as posted; a form without a metric
// select (a type with one flavor) posts no metric.
type resizeForm struct {
	Metric string `form:"metric"`
	SizeGB string `form:"size_gb"`
}

// parseSize reads a size in GB: nil when empty, an error message when
// not a whole number.
func parseSize(s string) (*int64, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ""
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, "Give the size as a whole number of GB, from 1 to 65536."
	}
	return &n, ""
}

// monthToDate is [the current month's start, tomorrow's start): the days
// UsageTotals adds up for "this month" (the open intervals count up to now).
func (s *Server) monthToDate() (time.Time, time.Time) {
	now := s.db.Now().UTC()
	return usage.MonthStart(now), usage.DayOf(now).Time().AddDate(0, 0, 1)
}

// resourcesVM builds the Resources section of an infrastructure's page.
func (s *Server) resourcesVM(c echo.Context, in *tenantry.Infrastructure, action string, canManage bool, input *infraPageInput) (*app.ResourcesVM, error) {
	ctx := c.Request().Context()
	sc := s.scope(c)
	list, err := sc.Resources(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	catalogue, err := s.db.Metrics(ctx)
	if err != nil {
		return nil, err
	}
	vm := &app.ResourcesVM{InfraID: in.ID, InfraName: in.Name, Return: action, CanManage: canManage,
		UsageURL: "/infrastructures/" + in.ID + "/usage"}
	byType := map[string][]tenantry.Metric{}
	names := map[string]string{}
	for _, m := range catalogue {
		names[m.Key] = m.Name
		if m.ResourceType != "" {
			byType[m.ResourceType] = append(byType[m.ResourceType], m)
		}
	}
	for _, t := range tenantry.ResourceTypes {
		vm.Flavors = append(vm.Flavors, app.FlavorGroup{Type: t, Label: tenantry.ResourceTypeLabel(t), Metrics: byType[t]})
	}
	for _, r := range list {
		if r.State == tenantry.StateRunning {
			vm.Running++
		}
		vm.Rows = append(vm.Rows, app.ResourceRow{Resource: r, MetricName: names[r.Metric],
			Used: components.Figures(catalogue, r.UsedThisMonth), Flavors: byType[r.Type]})
	}
	from, to := s.monthToDate()
	totals, err := sc.UsageTotals(ctx, []string{in.ID}, from, to)
	if err != nil {
		return nil, err
	}
	vm.Month = components.Figures(catalogue, quantities(totals))
	if input != nil {
		if input.Resource != nil {
			f := input.Resource
			vm.New = app.ResourceInput{Type: f.Type, Name: f.Name, Metric: f.Metric, SizeGB: f.SizeGB, Start: f.Start}
			vm.Errors = input.ResourceErrors
		}
		vm.Resize = input.Resize
	}
	return vm, nil
}

// monthFigures reads the usage this month of the infrastructures of a
// list page, in one UsageTotals call, named from the catalogue, by
// infrastructure.
func (s *Server) monthFigures(c echo.Context, ids []string) (map[string][]components.Figure, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ctx := c.Request().Context()
	from, to := s.monthToDate()
	totals, err := s.scope(c).UsageTotals(ctx, ids, from, to)
	if err != nil {
		return nil, err
	}
	catalogue, err := s.db.Metrics(ctx)
	if err != nil {
		return nil, err
	}
	by := map[string][]tenantry.MetricQuantity{}
	for _, q := range totals {
		by[q.InfrastructureID] = append(by[q.InfrastructureID], tenantry.MetricQuantity{Metric: q.Metric, Quantity: q.Quantity})
	}
	out := make(map[string][]components.Figure, len(by))
	for id, list := range by {
		out[id] = components.Figures(catalogue, list)
	}
	return out, nil
}

// quantities turns one infrastructure's totals into metric quantities.
func quantities(list []store.InfraQuantity) []tenantry.MetricQuantity {
	out := make([]tenantry.MetricQuantity, 0, len(list))
	for _, q := range list {
		out = append(out, tenantry.MetricQuantity{Metric: q.Metric, Quantity: q.Quantity})
	}
	return out
}

// resourceWord is a resource's type inside a flash: "Server web-1".
func resourceWord(r *tenantry.Resource) string {
	return tenantry.ResourceTypeLabel(r.Type) + " " + r.Name
}

func (h reachedPages) createResource(c echo.Context) error {
	in, owner, err := h.load(c)
	if err != nil {
		return err
	}
	var f resourceForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	refused := func(err error) error {
		return h.s.infraPage(c, formStatus(err), returnTo(c, in, owner), in, owner,
			&infraPageInput{Resource: &f, ResourceErrors: formErrors(err)})
	}
	size, msg := parseSize(f.SizeGB)
	if msg != "" {
		return refused(tenantry.Invalid(map[string]string{"size_gb": msg}))
	}
	nr := tenantry.NewResource{Type: f.Type, Name: f.Name, Metric: f.Metric, SizeGB: size, Start: f.Start}
	created, err := h.s.scope(c).CreateResource(c.Request().Context(), in.ID, nr)
	if formErrors(err) != nil {
		return refused(err)
	}
	if err != nil {
		return err
	}
	msg = resourceWord(created) + " created."
	if created.State == tenantry.StateRunning {
		msg = resourceWord(created) + " created and started."
	}
	if err := flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, returnTo(c, in, owner))
}

// resourceOf loads the route's infrastructure and its resource; a
// resource of another infrastructure is ENOTFOUND here.
func (h reachedPages) resourceOf(c echo.Context) (*tenantry.Infrastructure, *tenantry.Account, *tenantry.Resource, error) {
	in, owner, err := h.load(c)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := h.s.scope(c).Resource(c.Request().Context(), c.Param("rid"))
	if err != nil {
		return nil, nil, nil, err
	}
	if r.InfrastructureID != in.ID {
		return nil, nil, nil, tenantry.ErrNotFound
	}
	return in, owner, r, nil
}

// lifecycle answers a start or stop button.
func (h reachedPages) lifecycle(start bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		in, owner, r, err := h.resourceOf(c)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		verb := "stopped"
		if start {
			verb = "started"
			_, err = h.s.scope(c).StartResource(ctx, r.ID)
		} else {
			_, err = h.s.scope(c).StopResource(ctx, r.ID)
		}
		if err != nil {
			return err
		}
		if err := flash(c, resourceWord(r)+" "+verb+"."); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, returnTo(c, in, owner))
	}
}

func (h reachedPages) resizeResource(c echo.Context) error {
	in, owner, r, err := h.resourceOf(c)
	if err != nil {
		return err
	}
	var f resizeForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	input := app.ResizeInput{ResourceID: r.ID, Metric: f.Metric, SizeGB: f.SizeGB}
	refused := func(err error) error {
		input.Errors = formErrors(err)
		return h.s.infraPage(c, formStatus(err), returnTo(c, in, owner), in, owner, &infraPageInput{Resize: input})
	}
	size, msg := parseSize(f.SizeGB)
	if msg != "" {
		return refused(tenantry.Invalid(map[string]string{"size_gb": msg}))
	}
	var metric *string
	if strings.TrimSpace(f.Metric) != "" {
		metric = &f.Metric
	}
	resized, err := h.s.scope(c).ResizeResource(c.Request().Context(), r.ID, tenantry.ResourceResize{Metric: metric, SizeGB: size})
	if formErrors(err) != nil {
		return refused(err)
	}
	if err != nil {
		return err
	}
	msg = resourceWord(r) + " is unchanged."
	if resized.Metric != r.Metric || resized.SizeGB != r.SizeGB {
		msg = resourceWord(r) + " resized to " + resized.Metric
		if r.Type == tenantry.ResourceVolume {
			msg += ", " + strconv.FormatInt(resized.SizeGB, 10) + " GB"
		}
		msg += "."
	}
	if err := flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, returnTo(c, in, owner))
}

func (h reachedPages) deleteResource(c echo.Context) error {
	in, owner, r, err := h.resourceOf(c)
	if err != nil {
		return err
	}
	if err := h.s.scope(c).DeleteResource(c.Request().Context(), r.ID); err != nil {
		return err
	}
	if err := flash(c, resourceWord(r)+" deleted; its usage so far is kept."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, returnTo(c, in, owner))
}
