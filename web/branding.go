package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/views/accounts"
	"github.com/tenantry/tenantry/views/components"
)

// A vendor's white label: the assets every page on its domains links to,
// the Branding page of the provider and reseller panels, and the API.

// withBranding puts the tenant's branding into the request's context for
// the layouts. Should it fail to load, pages still render, in the
// portal's own colours, and the failure is logged.
func (s *Server) withBranding(ctx context.Context, t *tenantry.Tenant) context.Context {
	b, err := s.db.Branding(ctx, t.Account.ID)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "loading branding", slog.String("request_id", requestIDFromContext(ctx)),
			slog.String("account_id", t.Account.ID), slog.String("error", err.Error()))
		b = &tenantry.Branding{AccountID: t.Account.ID}
	}
	return components.NewBrandingContext(ctx, b)
}

func (s *Server) brandCSS(c echo.Context) error {
	b := components.BrandingFromContext(c.Request().Context())
	return serveAsset(c, c.QueryParam("v") == components.BrandCSSVersion(b), "text/css; charset=utf-8",
		components.BrandCSS(":root", b.Palette()))
}

// brandImage serves the tenant's logo; 404 when it has none.
func (s *Server) brandImage(which string) echo.HandlerFunc {
	return func(c echo.Context) error {
		t := tenantry.TenantFromContext(c.Request().Context())
		data, typ, b, err := s.imageOf(c.Request().Context(), t.Account.ID, which)
		if err != nil {
			return err
		}
		return serveAsset(c, c.QueryParam("v") == b.Version(), typ, data)
	}
}

// favicon serves the tenant's uploaded favicon, or else its default: the
// brand's initial on its colour (components.DefaultFavicon), so that a
// browser's /favicon.ico and the pages' icon link never meet a 404.
// /brand/favicon?v=… (the address the pages link to) may be cached for a
// year; /favicon.ico, which names no version, revalidates.
func (s *Server) favicon(c echo.Context) error {
	ctx := c.Request().Context()
	t := tenantry.TenantFromContext(ctx)
	data, typ, b, err := s.imageOf(ctx, t.Account.ID, "favicon")
	if err == nil {
		return serveAsset(c, c.QueryParam("v") == b.Version(), typ, data)
	}
	if tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
		return err
	}
	svg := components.DefaultFavicon(components.BrandName(ctx), components.BrandingFromContext(ctx).Palette())
	return serveAsset(c, c.QueryParam("v") == components.DefaultFaviconVersion(svg), components.FaviconSVGType, svg)
}

// imageOf loads a vendor's logo or favicon, refusing to serve anything
// but the three image types uploads are checked against.
func (s *Server) imageOf(ctx context.Context, accountID, which string) ([]byte, string, *tenantry.Branding, error) {
	get := s.db.Logo
	if which == "favicon" {
		get = s.db.Favicon
	}
	data, typ, updated, err := get(ctx, accountID)
	if err != nil {
		return nil, "", nil, err
	}
	switch typ {
	case "image/png", "image/jpeg", "image/webp":
	default:
		return nil, "", nil, tenantry.ErrNotFound
	}
	return data, typ, &tenantry.Branding{UpdatedAt: updated}, nil
}

// serveAsset writes a brand asset. A request naming the current version
// may be cached for a year; any other gets no-cache and revalidates with
// its ETag.
func serveAsset(c echo.Context, current bool, contentType string, body []byte) error {
	h := c.Response().Header()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if current {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, contentType, body)
}

// brandingPages is the Branding page of a vendor's panel: it edits the
// panel's own account, whichever domain the panel is opened on.
type brandingPages struct {
	s     *Server
	panel string
	base  string
}

// brandingForm is the branding form's text fields as posted; the images
// come as files beside them.
type brandingForm struct {
	DisplayName  string `form:"display_name"`
	PrimaryColor string `form:"primary_color"`
	AccentColor  string `form:"accent_color"`
	FooterText   string `form:"footer_text"`
	SupportEmail string `form:"support_email"`
}

func (h brandingPages) vm(c echo.Context, b *tenantry.Branding, in accounts.BrandingInput, errs map[string]string) accounts.BrandingVM {
	acc := panelAccount(c)
	return accounts.BrandingVM{Base: h.base, AccountName: acc.Name, Saved: *b, In: in, Errors: errs,
		CanEdit: tenantry.Authorize(h.s.scope(c).Actor(), tenantry.PermBrandingManage, acc) == nil}
}

func (h brandingPages) show(c echo.Context) error {
	b, err := h.s.scope(c).Branding(c.Request().Context(), panelAccount(c).ID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, accounts.Branding(h.panel, h.vm(c, b, accounts.NewBrandingInput(b), nil)))
}

// save applies the whole form at once: texts, colours and any images
// chosen. Anything refused saves nothing and shows the form again with
// the input kept (files cannot be kept: browsers do not allow it).
func (h brandingPages) save(c echo.Context) error {
	ctx := c.Request().Context()
	acc := panelAccount(c)
	var f brandingForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in := tenantry.BrandingUpdate{DisplayName: &f.DisplayName, PrimaryColor: &f.PrimaryColor,
		AccentColor: &f.AccentColor, FooterText: &f.FooterText, SupportEmail: &f.SupportEmail}
	var err error
	if in.Logo, err = uploadedFile(c, "logo"); err != nil {
		return err
	}
	if in.Favicon, err = uploadedFile(c, "favicon"); err != nil {
		return err
	}
	sc := h.s.scope(c)
	_, err = sc.UpdateBranding(ctx, acc.ID, in)
	if errs := formErrors(err); errs != nil {
		for name, data := range map[string][]byte{"logo": in.Logo, "favicon": in.Favicon} {
			if data != nil && errs[name] == "" {
				errs[name] = "Nothing was saved: choose this file again."
			}
		}
		b, berr := sc.Branding(ctx, acc.ID)
		if berr != nil {
			return berr
		}
		typed := accounts.BrandingInput{DisplayName: f.DisplayName, PrimaryColor: f.PrimaryColor, AccentColor: f.AccentColor,
			FooterText: f.FooterText, SupportEmail: f.SupportEmail}
		return render(c, formStatus(err), accounts.Branding(h.panel, h.vm(c, b, typed, errs)))
	}
	if err != nil {
		return err
	}
	if err := flash(c, "Branding saved."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.base+"/branding")
}

// uploadedFile reads a file input of a multipart form: nil when no file
// was chosen (or the form is not multipart), the bytes otherwise, read up
// to one byte past the limit so that the size check sees an oversized
// file as such without reading all of it.
func uploadedFile(c echo.Context, name string) ([]byte, error) {
	fh, err := c.FormFile(name)
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	}
	if err != nil {
		return nil, tenantry.Errorf(tenantry.EINVALID, "The form could not be read.")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, tenantry.MaxImageBytes+1))
	if err != nil {
		return nil, err
	}
	if data == nil {
		data = []byte{} // an empty file was chosen: say so
	}
	return data, nil
}

func (h brandingPages) remove(which string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		sc := h.s.scope(c)
		id := panelAccount(c).ID
		var err error
		msg := "The logo is removed."
		if which == "favicon" {
			_, err = sc.RemoveFavicon(ctx, id)
			msg = "The favicon is removed."
		} else {
			_, err = sc.RemoveLogo(ctx, id)
		}
		if err != nil {
			return err
		}
		if err := flash(c, msg); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, h.base+"/branding")
	}
}

// previewCSS sets the saved palette of the panel's account on the
// branding form's preview, so that it shows without JavaScript.
func (h brandingPages) previewCSS(c echo.Context) error {
	b, err := h.s.scope(c).Branding(c.Request().Context(), panelAccount(c).ID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", components.BrandCSS(".brand-preview", b.Palette()))
}

// image serves the panel account's logo or favicon to its staff, whose
// panel may be open on a domain that is not the account's own.
func (h brandingPages) image(which string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id := panelAccount(c).ID
		if _, err := h.s.scope(c).Branding(ctx, id); err != nil {
			return err
		}
		data, typ, _, err := h.s.imageOf(ctx, id, which)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "private, no-cache")
		c.Response().Header().Set("X-Content-Type-Options", "nosniff")
		return c.Blob(http.StatusOK, typ, data)
	}
}

// brandingJSON is a branding as the API shows it. Colours are "" when the
// portal's default applies; logo_url is null when there is no logo (or
// no domain to serve it on).
type brandingJSON struct {
	DisplayName  string  `json:"display_name"`
	PrimaryColor string  `json:"primary_color"`
	AccentColor  string  `json:"accent_color"`
	FooterText   string  `json:"footer_text"`
	SupportEmail string  `json:"support_email"`
	LogoURL      *string `json:"logo_url"`
}

func (s *Server) toBrandingJSON(c echo.Context, b *tenantry.Branding) (brandingJSON, error) {
	out := brandingJSON{DisplayName: b.DisplayName, PrimaryColor: b.PrimaryColor, AccentColor: b.AccentColor,
		FooterText: b.FooterText, SupportEmail: b.SupportEmail}
	u, err := s.logoURL(c, b)
	if err != nil {
		return out, err
	}
	if u != "" {
		out.LogoURL = &u
	}
	return out, nil
}

// logoURL is where the vendor's logo is served: /brand/logo on the
// request's host when the vendor is this tenant, else on the vendor's
// primary domain; "" when it has no logo or no domain. It carries no
// version, so that it stays the same until the logo goes.
func (s *Server) logoURL(c echo.Context, b *tenantry.Branding) (string, error) {
	if b.LogoType == "" {
		return "", nil
	}
	ctx := c.Request().Context()
	t := tenantry.TenantFromContext(ctx)
	host := t.Host
	if b.AccountID != t.Account.ID {
		domains, err := s.scope(c).Domains(ctx, b.AccountID)
		if err != nil {
			return "", err
		}
		if len(domains) == 0 {
			return "", nil
		}
		host = domains[0].FQDN
	}
	return s.linkOn(host, "/brand/logo"), nil
}

func (s *Server) apiGetBranding(c echo.Context) error {
	b, err := s.scope(c).Branding(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return s.writeBranding(c, b)
}

// apiPutBranding changes the fields given and keeps the rest. logo_url
// is read-only: a body carrying it back unchanged (the GET answer with
// changes) is accepted, any other value is 422.
func (s *Server) apiPutBranding(c echo.Context) error {
	var in tenantry.BrandingUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	sc := s.scope(c)
	id := c.Param("id")
	cur, err := sc.Branding(ctx, id)
	if err != nil {
		return err
	}
	if in.LogoURL.Set {
		now, err := s.logoURL(c, cur)
		if err != nil {
			return err
		}
		if in.LogoURL.Value != now {
			fields := map[string]string{"logo_url": "This field is read-only: upload the logo with PUT /api/v1/accounts/" +
				id + "/branding/logo."}
			if e := tenantry.AsError(in.Validate()); e != nil {
				for k, v := range e.Fields {
					fields[k] = v
				}
			}
			return tenantry.Invalid(fields)
		}
	}
	b, err := sc.UpdateBranding(ctx, id, in)
	if err != nil {
		return err
	}
	return s.writeBranding(c, b)
}

// writeBranding answers with an account's branding.
func (s *Server) writeBranding(c echo.Context, b *tenantry.Branding) error {
	out, err := s.toBrandingJSON(c, b)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

var errNotAnImageType = &tenantry.Error{Kind: "unsupported_media_type", Code: "unsupported_media_type",
	Message: "Send the logo itself as the body, with Content-Type image/png, image/jpeg or image/webp."}

// apiPutLogo replaces the logo with the request's body: an image checked
// by its content, whatever its Content-Type claims, which must merely be
// an image type (else 415).
func (s *Server) apiPutLogo(c echo.Context) error {
	ctx := c.Request().Context()
	sc := s.scope(c)
	id := c.Param("id")
	if _, err := sc.Branding(ctx, id); err != nil {
		return err // another tenant's account is 404 before its body is even read
	}
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if !strings.HasPrefix(mt, "image/") {
		return writeAPIError(c, http.StatusUnsupportedMediaType, errNotAnImageType)
	}
	data, err := io.ReadAll(c.Request().Body)
	if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
		return echo.ErrStatusRequestEntityTooLarge
	}
	if err != nil {
		return err
	}
	b, err := sc.SetLogo(ctx, id, data)
	if err != nil {
		return err
	}
	return s.writeBranding(c, b)
}
