package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// pngImage encodes a w×h PNG. With noise, its pixels are random, so that
// it does not compress: a big noisy image is big in bytes too.
func pngImage(t *testing.T, w, h int, noise bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			c := color.NRGBA{uint8(x), uint8(y), 0x80, 0xff}
			if noise {
				c = color.NRGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 0xff}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// upload is a file in a multipart form.
type upload struct {
	field, filename, contentType string
	data                         []byte
}

// submitMultipart posts a multipart form the way a browser does, with
// the CSRF token of the page the form is on.
func (b *browser) submitMultipart(page, action string, fields url.Values, files ...upload) *response {
	b.f.t.Helper()
	fields.Set("_csrf", b.csrf(page))
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				b.f.t.Fatal(err)
			}
		}
	}
	for _, u := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, u.field, u.filename))
		h.Set("Content-Type", u.contentType)
		p, err := w.CreatePart(h)
		if err != nil {
			b.f.t.Fatal(err)
		}
		if _, err := p.Write(u.data); err != nil {
			b.f.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.f.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, action, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// brandingFields is the branding form's text fields, as a browser posts
// them (all of them, every time).
func brandingFields(display, primary, accent, footer, support string) url.Values {
	return url.Values{"display_name": {display}, "primary_color": {primary}, "accent_color": {accent},
		"footer_text": {footer}, "support_email": {support}}
}

// branding reads a vendor's branding straight from the store.
func (f *fixture) branding(name string) *tenantry.Branding {
	f.t.Helper()
	b, err := f.db.Branding(context.Background(), f.accountID(name))
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// inputValue returns the value attribute of the input with that testid.
func inputValue(body, testid string) string {
	re := regexp.MustCompile(`<input[^>]*data-testid="` + regexp.QuoteMeta(testid) + `"[^>]*>`)
	tag := re.FindString(body)
	m := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestBrandingPage(t *testing.T) {
	for _, tt := range []struct{ host, email, base string }{
		{"acme.localhost", "admin@acme.example", "/reseller"},
		{"portal.localhost", "admin@acme.example", "/reseller"}, // the reseller panel on the platform domain
		{"portal.localhost", "admin@nimbus.example", "/provider"},
	} {
		t.Run(tt.host+tt.base, func(t *testing.T) {
			f := newFixture(t)
			b := f.browser(tt.host)
			b.login(tt.email)
			r := b.get(tt.base)
			if !strings.Contains(r.body, `href="`+tt.base+`/branding" data-testid="nav-branding"`) {
				t.Errorf("the %s panel has no Branding item in its navigation", tt.base)
			}
			r = b.get(tt.base + "/branding")
			if r.Code != http.StatusOK {
				t.Fatalf("GET %s/branding = %d, want 200", tt.base, r.Code)
			}
			for _, id := range []string{"branding-form", "input-display_name", "input-primary_color", "picker-primary_color",
				"input-accent_color", "input-footer_text", "input-support_email", "input-logo", "input-favicon",
				"brand-preview", "branding-submit"} {
				if !strings.Contains(r.body, `data-testid="`+id+`"`) {
					t.Errorf("the branding page has no %s", id)
				}
			}
			if !strings.Contains(r.body, `enctype="multipart/form-data"`) || !csrfInput.MatchString(r.body) {
				t.Errorf("the branding form is not a multipart form with a CSRF token")
			}
			if strings.Contains(r.body, "style=") || strings.Contains(r.body, "<style") {
				t.Errorf("the branding page has inline style, which the CSP forbids")
			}
		})
	}
}

func TestBrandingSaveAndShow(t *testing.T) {
	f := newFixture(t)
	admin := f.browser("acme.localhost")
	admin.login("admin@acme.example")
	r := admin.submitMultipart("/reseller/branding", "/reseller/branding",
		brandingFields("Acme Cloud", "#7C2D12", "#ffff00", "Acme Cloud · Springfield", "help@acme.example"))
	if r.Code != http.StatusSeeOther || r.location() != "/reseller/branding" {
		t.Fatalf("saving: status %d to %q, want 303 to /reseller/branding; body: %s", r.Code, r.location(), excerpt(r.body))
	}
	r = admin.get("/reseller/branding")
	if got, _ := byTestID(r.body, "flash"); got != "Branding saved." {
		t.Errorf("flash = %q, want %q", got, "Branding saved.")
	}
	if got := inputValue(r.body, "input-primary_color"); got != "#7c2d12" {
		t.Errorf("primary colour shown as %q, want it stored in lower case", got)
	}
	if got, _ := byTestID(r.body, "preview-name"); got != "Acme Cloud" {
		t.Errorf("preview name = %q, want the saved display name", got)
	}
	b := f.branding("Acme Hosting")
	if b.DisplayName != "Acme Cloud" || b.PrimaryColor != "#7c2d12" || b.AccentColor != "#ffff00" || b.SupportEmail != "help@acme.example" {
		t.Errorf("stored %+v", b)
	}

	t.Run("LoginPageShowsTheBrand", func(t *testing.T) {
		r := f.browser("acme.localhost").get("/login")
		if got, _ := byTestID(r.body, "brand"); got != "Acme Cloud" {
			t.Errorf("brand on acme's login = %q, want the display name", got)
		}
		if !strings.Contains(r.body, "<title>Sign in · Acme Cloud</title>") {
			t.Errorf("the title does not carry the display name")
		}
		if got, _ := byTestID(r.body, "brand-footer-text"); got != "Acme Cloud · Springfield" {
			t.Errorf("footer = %q", got)
		}
		if got, _ := byTestID(r.body, "brand-support"); got != "help@acme.example" {
			t.Errorf("support address = %q", got)
		}
		app := strings.Index(r.body, "/css/app.css")
		brand := strings.Index(r.body, `href="/brand.css?v=`)
		if app < 0 || brand < app {
			t.Errorf("the page links app.css at %d and /brand.css at %d, want the brand after", app, brand)
		}
		for _, leak := range []string{"Nimbus", "Acme Hosting"} {
			if strings.Contains(r.body, leak) {
				t.Errorf("acme's login page names %q", leak)
			}
		}
	})
	t.Run("ErrorPageShowsTheBrand", func(t *testing.T) {
		r := f.browser("acme.localhost").get("/no-such-page")
		if got, _ := byTestID(r.body, "brand"); r.Code != http.StatusNotFound || got != "Acme Cloud" {
			t.Errorf("404 page: status %d, brand %q; want 404 and the display name", r.Code, got)
		}
	})
	t.Run("PanelShowsTheBrand", func(t *testing.T) {
		r := admin.get("/reseller")
		if got, _ := byTestID(r.body, "brand"); got != "Acme Cloud" {
			t.Errorf("brand in the reseller panel = %q", got)
		}
		if strings.Contains(r.body, "Nimbus") {
			t.Errorf("acme's panel names the provider")
		}
	})
	t.Run("OtherTenantsKeepTheirs", func(t *testing.T) {
		for host, want := range map[string]string{"orbit.localhost": "Orbit IT", "portal.localhost": "Nimbus Cloud",
			"beta.localhost": "Beta Resale"} {
			r := f.browser(host).get("/login")
			if got, _ := byTestID(r.body, "brand"); got != want {
				t.Errorf("brand on %s = %q, want %q", host, got, want)
			}
			if strings.Contains(r.body, "Acme Cloud") {
				t.Errorf("%s shows Acme's display name", host)
			}
		}
	})
	t.Run("BrandCSS", func(t *testing.T) {
		r := f.browser("acme.localhost").get("/brand.css")
		if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/css") {
			t.Fatalf("GET /brand.css: %d %q", r.Code, r.Header().Get("Content-Type"))
		}
		for _, decl := range []string{"--brand: #7c2d12;", "--brand-text: #ffffff;", "--accent: #ffff00;", "--accent-text: #000000;"} {
			if !strings.Contains(r.body, decl) {
				t.Errorf("acme's brand.css lacks %q:\n%s", decl, r.body)
			}
		}
		if got := r.Header().Get("Cache-Control"); got != "no-cache" {
			t.Errorf("unversioned brand.css: Cache-Control %q, want no-cache", got)
		}
		login := f.browser("acme.localhost").get("/login").body
		v := regexp.MustCompile(`href="(/brand\.css\?v=[^"]+)"`).FindStringSubmatch(login)
		if v == nil {
			t.Fatal("no versioned brand.css link on the login page")
		}
		versioned := f.browser("acme.localhost").get(strings.ReplaceAll(v[1], "&amp;", "&"))
		if got := versioned.Header().Get("Cache-Control"); !strings.Contains(got, "immutable") {
			t.Errorf("versioned brand.css: Cache-Control %q, want immutable", got)
		}
		req := httptest.NewRequest(http.MethodGet, "/brand.css", nil)
		req.Header.Set("If-None-Match", r.Header().Get("ETag"))
		if got := f.browser("acme.localhost").do(req); got.Code != http.StatusNotModified {
			t.Errorf("revalidating brand.css: %d, want 304", got.Code)
		}
		orbit := f.browser("orbit.localhost").get("/brand.css")
		if orbit.Code != http.StatusOK || strings.Contains(orbit.body, "#7c2d12") || !strings.Contains(orbit.body, "--brand: ") {
			t.Errorf("orbit's brand.css (%d) carries acme's colours or none:\n%s", orbit.Code, orbit.body)
		}
		if r := f.browser("unknown.localhost").get("/brand.css"); r.Code != http.StatusNotFound {
			t.Errorf("brand.css on an unknown host: %d, want 404", r.Code)
		}
	})
	t.Run("PreviewCSS", func(t *testing.T) {
		r := admin.get("/reseller/branding/preview.css")
		if r.Code != http.StatusOK || !strings.Contains(r.body, ".brand-preview {") || !strings.Contains(r.body, "--brand: #7c2d12;") {
			t.Errorf("preview.css: %d\n%s", r.Code, r.body)
		}
	})
}

func TestBrandingFormRefused(t *testing.T) {
	tests := []struct {
		name   string
		fields url.Values
		file   *upload
		field  string // the input with the error
		msg    string // part of its message
	}{
		{"SVG", nil, &upload{"logo", "logo.svg", "image/svg+xml",
			[]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>`)}, "logo", "SVG"},
		{"SVGNamedPNG", nil, &upload{"logo", "logo.png", "image/png",
			[]byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`)}, "logo", "SVG"},
		{"OversizedPNG", nil, &upload{"logo", "big.png", "image/png", nil}, "logo", "larger than 512 KiB"},
		{"TextFile", nil, &upload{"logo", "notes.png", "image/png", []byte("just some text, not an image\n")}, "logo", "not an image"},
		{"TooSmall", nil, &upload{"logo", "tiny.png", "image/png", nil}, "logo", "at least 16×16"},
		{"EmptyFile", nil, &upload{"logo", "empty.png", "image/png", []byte{}}, "logo", "empty"},
		{"WideFavicon", nil, &upload{"favicon", "fav.png", "image/png", nil}, "favicon", "square"},
		{"BadColour", brandingFields("Kept Name", "#12345", "", "kept footer", ""), nil, "primary_color", "#rrggbb"},
		{"BadEmail", brandingFields("Kept Name", "", "", "kept footer", "nope"), nil, "support_email", "valid email"},
		{"LongName", brandingFields(strings.Repeat("n", 101), "", "", "kept footer", ""), nil, "display_name", "at most 100"},
		{"GoodFileBadColour", brandingFields("Kept Name", "blue", "", "kept footer", ""),
			&upload{"logo", "ok.png", "image/png", nil}, "primary_color", "#rrggbb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.file != nil && tt.file.data == nil {
				switch tt.name {
				case "OversizedPNG":
					tt.file.data = pngImage(t, 420, 420, true)
					if n := len(tt.file.data); n <= tenantry.MaxImageBytes {
						t.Fatalf("the oversized PNG is only %d bytes", n)
					}
				case "TooSmall":
					tt.file.data = pngImage(t, 8, 8, false)
				case "WideFavicon":
					tt.file.data = pngImage(t, 64, 16, false)
				default:
					tt.file.data = pngImage(t, 120, 40, false)
				}
			}
			fields := tt.fields
			if fields == nil {
				fields = brandingFields("Kept Name", "#112233", "", "kept footer", "")
			}
			before := *f.branding("Acme Hosting")
			b := f.browser("acme.localhost")
			b.login("admin@acme.example")
			var files []upload
			if tt.file != nil {
				files = append(files, *tt.file)
			}
			r := b.submitMultipart("/reseller/branding", "/reseller/branding", fields, files...)
			if r.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body: %s", r.Code, excerpt(r.body))
			}
			if got, ok := byTestID(r.body, "error-"+tt.field); !ok || !strings.Contains(got, tt.msg) {
				t.Errorf("error on %s = %q, want it to mention %q", tt.field, got, tt.msg)
			}
			if got := inputValue(r.body, "input-display_name"); got != fields.Get("display_name") {
				t.Errorf("display name shown as %q, want the input %q kept", got, fields.Get("display_name"))
			}
			if got, _ := byTestID(r.body, "input-footer_text"); got != "kept footer" {
				t.Errorf("footer shown as %q, want the input kept", got)
			}
			if after := *f.branding("Acme Hosting"); after != before {
				t.Errorf("after a refused form the branding is %+v, want it unchanged: %+v", after, before)
			}
			if r := f.browser("acme.localhost").get("/brand/logo"); r.Code != http.StatusNotFound {
				t.Errorf("GET /brand/logo after a refused upload: %d, want 404", r.Code)
			}
		})
	}
}

func TestBrandingLogo(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Orbit has no logo, whatever the demo data gives it
	if _, err := f.scope("orbit.localhost", "admin@orbit.example").RemoveLogo(ctx, f.accountID("Orbit IT")); err != nil {
		t.Fatal(err)
	}
	logo := pngImage(t, 240, 80, false)
	admin := f.browser("acme.localhost")
	admin.login("admin@acme.example")
	r := admin.submitMultipart("/reseller/branding", "/reseller/branding", brandingFields("", "", "", "", ""),
		upload{"logo", "logo.svg", "application/octet-stream", logo}, // the name and type are not what counts
		upload{"favicon", "fav.png", "image/png", pngImage(t, 32, 32, false)})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("uploading: status %d, want 303; body: %s", r.Code, excerpt(r.body))
	}

	got := f.browser("acme.localhost").get("/brand/logo")
	if got.Code != http.StatusOK || !bytes.Equal(got.Body.Bytes(), logo) {
		t.Fatalf("GET /brand/logo on acme: %d, %d bytes; want 200 and the upload", got.Code, got.Body.Len())
	}
	if ct := got.Header().Get("Content-Type"); ct != "image/png" {
		t.Errorf("Content-Type %q, want image/png", ct)
	}
	if got.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("no X-Content-Type-Options: nosniff")
	}
	if fav := f.browser("acme.localhost").get("/brand/favicon"); fav.Code != http.StatusOK || fav.Header().Get("Content-Type") != "image/png" {
		t.Errorf("GET /brand/favicon on acme: %d %q", fav.Code, fav.Header().Get("Content-Type"))
	}
	for _, host := range []string{"orbit.localhost", "beta.localhost", "portal.localhost"} {
		if r := f.browser(host).get("/brand/logo"); r.Code != http.StatusNotFound {
			t.Errorf("GET /brand/logo on %s: %d, want 404 (acme's logo is acme's)", host, r.Code)
		}
	}

	login := f.browser("acme.localhost").get("/login").body
	src := regexp.MustCompile(`<img class="brand-logo" src="(/brand/logo\?v=\d+)"`).FindStringSubmatch(login)
	if src == nil {
		t.Fatalf("acme's login page shows no logo:\n%s", excerpt(login))
	}
	if !regexp.MustCompile(`<link rel="icon" type="image/png" href="/brand/favicon\?v=\d+"`).MatchString(login) {
		t.Errorf("acme's login page links no favicon")
	}
	if r := f.browser("acme.localhost").get(src[1]); !strings.Contains(r.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("versioned logo: Cache-Control %q, want immutable", r.Header().Get("Cache-Control"))
	}
	if strings.Contains(f.browser("orbit.localhost").get("/login").body, "brand-logo") {
		t.Errorf("orbit's login page shows a logo")
	}

	page := admin.get("/reseller/branding").body
	if _, ok := byTestID(page, "remove-logo"); !ok {
		t.Fatalf("the branding page has no remove button for the logo")
	}
	if !strings.Contains(page, `name="_confirm" value="Remove the logo?"`) {
		t.Errorf("removing the logo is not confirmed")
	}
	if r := admin.get("/reseller/branding/logo"); r.Code != http.StatusOK || !bytes.Equal(r.Body.Bytes(), logo) {
		t.Errorf("the panel's current logo: %d", r.Code)
	}

	t.Run("RemoveNeedsCSRF", func(t *testing.T) {
		if r := admin.post("/reseller/branding/logo/remove", url.Values{}); r.Code != http.StatusForbidden {
			t.Errorf("remove without a token: %d, want 403", r.Code)
		}
		if f.branding("Acme Hosting").LogoType == "" {
			t.Errorf("the logo is gone after a refused post")
		}
	})
	t.Run("Remove", func(t *testing.T) {
		r := admin.submit("/reseller/branding", "/reseller/branding/logo/remove", url.Values{})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("remove: %d", r.Code)
		}
		if r := f.browser("acme.localhost").get("/brand/logo"); r.Code != http.StatusNotFound {
			t.Errorf("GET /brand/logo after removal: %d, want 404", r.Code)
		}
		if r := f.browser("acme.localhost").get("/brand/favicon"); r.Code != http.StatusOK {
			t.Errorf("the favicon went with the logo: %d", r.Code)
		}
	})
}

// A customer's staff reach no branding page, and a Viewer sees it read-only.
func TestBrandingPageAccess(t *testing.T) {
	f := newFixture(t)
	before := *f.branding("Acme Hosting")
	c := f.browser("acme.localhost")
	c.login("owner@bluebakery.example")
	for _, path := range []string{"/reseller/branding", "/provider/branding"} {
		if r := c.get(path); r.Code != http.StatusNotFound {
			t.Errorf("a customer's GET %s = %d, want 404", path, r.Code)
		}
	}
	if r := c.submitMultipart("/app", "/reseller/branding", brandingFields("Pwned", "", "", "", "")); r.Code != http.StatusNotFound {
		t.Errorf("a customer's POST /reseller/branding = %d, want 404", r.Code)
	}
	if after := *f.branding("Acme Hosting"); after != before {
		t.Errorf("a customer changed acme's branding: %+v → %+v", before, after)
	}
}

func TestBrandingAPI(t *testing.T) {
	f := newFixture(t)
	acme := f.accountID("Acme Hosting")
	path := "/api/v1/accounts/" + acme + "/branding"
	b := f.browser("acme.localhost")
	token := b.token("admin@acme.example")

	type brandingBody struct {
		DisplayName  string  `json:"display_name"`
		PrimaryColor string  `json:"primary_color"`
		AccentColor  string  `json:"accent_color"`
		FooterText   string  `json:"footer_text"`
		SupportEmail string  `json:"support_email"`
		LogoURL      *string `json:"logo_url"`
	}
	var got brandingBody
	r := b.api(http.MethodGet, path, token, nil)
	if r.Code != http.StatusOK {
		t.Fatalf("GET: %d %s", r.Code, r.body)
	}
	decode(t, r, &got)
	if got.SupportEmail != "support@acme.example" || got.LogoURL != nil {
		t.Errorf("GET = %+v", got)
	}

	t.Run("PutTheGetAnswerWithChanges", func(t *testing.T) {
		in := got
		in.DisplayName, in.PrimaryColor, in.FooterText = "Acme Cloud", "#0F766E", "Made in Springfield"
		r := b.api(http.MethodPut, path, token, in)
		if r.Code != http.StatusOK {
			t.Fatalf("PUT: %d %s", r.Code, r.body)
		}
		var out brandingBody
		decode(t, r, &out)
		want := in
		want.PrimaryColor = "#0f766e" // stored in lower case
		if out != want {
			t.Errorf("PUT answered %+v, want %+v", out, want)
		}
		// fields left out stay
		r = b.api(http.MethodPut, path, token, `{"accent_color":"#ffaa00"}`)
		decode(t, r, &out)
		if r.Code != http.StatusOK || out.DisplayName != "Acme Cloud" || out.AccentColor != "#ffaa00" {
			t.Errorf("partial PUT: %d %+v", r.Code, out)
		}
	})

	t.Run("Logo", func(t *testing.T) {
		logo := pngImage(t, 200, 60, false)
		req := httptest.NewRequest(http.MethodPut, path+"/logo", bytes.NewReader(logo))
		req.Header.Set("Content-Type", "image/png")
		req.Header.Set("Authorization", "Bearer "+token)
		r := b.do(req)
		if r.Code != http.StatusOK {
			t.Fatalf("PUT logo: %d %s", r.Code, r.body)
		}
		var out brandingBody
		decode(t, r, &out)
		if out.LogoURL == nil || *out.LogoURL != "http://acme.localhost/brand/logo" || out.DisplayName != "Acme Cloud" {
			t.Errorf("after the logo: %+v (logo_url %v)", out, out.LogoURL)
		}
		if r := f.browser("acme.localhost").get("/brand/logo"); !bytes.Equal(r.Body.Bytes(), logo) {
			t.Errorf("the uploaded logo is not served")
		}
		// the provider sees it on acme's own domain
		p := f.browser("portal.localhost")
		r = p.api(http.MethodGet, path, p.token("admin@nimbus.example"), nil)
		decode(t, r, &out)
		if out.LogoURL == nil || *out.LogoURL != "http://acme.localhost/brand/logo" {
			t.Errorf("the provider's GET: logo_url %v", out.LogoURL)
		}

		// the GET answer goes back as it is, logo_url included
		var cur brandingBody
		decode(t, b.api(http.MethodGet, path, token, nil), &cur)
		cur.FooterText = "Still here"
		if r := b.api(http.MethodPut, path, token, cur); r.Code != http.StatusOK {
			t.Errorf("PUT of the GET answer with a logo: %d %s", r.Code, r.body)
		}
		for name, body := range map[string]string{
			"Changed": `{"logo_url":"https://evil.example/logo.png","display_name":"X"}`,
			"Null":    `{"logo_url":null}`,
		} {
			t.Run("ReadOnly"+name, func(t *testing.T) {
				r := b.api(http.MethodPut, path, token, body)
				var e apiErr
				decode(t, r, &e)
				if r.Code != http.StatusUnprocessableEntity || e.Error.Fields["logo_url"] == "" {
					t.Errorf("PUT %s: %d %s, want 422 on logo_url", body, r.Code, r.body)
				}
			})
		}
		if got := f.branding("Acme Hosting"); got.DisplayName != "Acme Cloud" || got.LogoType != "image/png" {
			t.Errorf("refused PUTs changed the branding: %+v", got)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		before := *f.branding("Acme Hosting")
		put := func(contentType string, body []byte) *response {
			req := httptest.NewRequest(http.MethodPut, path+"/logo", bytes.NewReader(body))
			req.Header.Set("Content-Type", contentType)
			req.Header.Set("Authorization", "Bearer "+token)
			return b.do(req)
		}
		tests := []struct {
			name   string
			r      func() *response
			status int
			field  string
		}{
			{"UnknownField", func() *response { return b.api(http.MethodPut, path, token, `{"logo":"x"}`) }, 422, "logo"},
			{"BadColour", func() *response { return b.api(http.MethodPut, path, token, `{"accent_color":"orange"}`) }, 422, "accent_color"},
			{"WrongType", func() *response { return b.api(http.MethodPut, path, token, `{"display_name":7}`) }, 422, "display_name"},
			{"Malformed", func() *response { return b.api(http.MethodPut, path, token, `{"display_name":`) }, 400, ""},
			{"NoToken", func() *response { return b.api(http.MethodPut, path, "", `{"display_name":"X"}`) }, 401, ""},
			{"LogoAsJSON", func() *response { return put("application/json", []byte(`{}`)) }, 415, ""},
			{"LogoText", func() *response { return put("text/plain", []byte("hello")) }, 415, ""},
			{"LogoSVG", func() *response {
				return put("image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
			}, 422, "logo"},
			{"LogoTextClaimingPNG", func() *response { return put("image/png", []byte("not a png")) }, 422, "logo"},
			{"LogoTooSmall", func() *response { return put("image/png", pngImage(t, 10, 10, false)) }, 422, "logo"},
			{"LogoOver512KiB", func() *response { return put("image/png", pngImage(t, 420, 420, true)) }, 422, "logo"},
			{"LogoOver1MiB", func() *response { return put("image/png", pngImage(t, 620, 620, true)) }, 413, ""},
			{"Customer", func() *response {
				return b.api(http.MethodPut, "/api/v1/accounts/"+f.accountID("Blue Bakery")+"/branding", token, `{"display_name":"X"}`)
			}, 404, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.r()
				if r.Code != tt.status {
					t.Fatalf("status %d, want %d: %s", r.Code, tt.status, excerpt(r.body))
				}
				var e apiErr
				decode(t, r, &e)
				if e.Error.Code == "" || e.Error.Message == "" {
					t.Errorf("error body %s lacks a code and message", r.body)
				}
				if tt.field != "" && e.Error.Fields[tt.field] == "" {
					t.Errorf("fields = %v, want one on %s", e.Error.Fields, tt.field)
				}
			})
		}
		if after := *f.branding("Acme Hosting"); after != before {
			t.Errorf("refused requests changed the branding: %+v → %+v", before, after)
		}
	})

	t.Run("ForeignTenant", func(t *testing.T) {
		before := *f.branding("Acme Hosting")
		o := f.browser("orbit.localhost")
		orbitToken := o.token("admin@orbit.example")
		// and a reseller on the platform domain reaches no sibling either
		p := f.browser("portal.localhost")
		platformToken := p.token("admin@orbit.example")
		for _, c := range []struct {
			b     *browser
			token string
		}{{o, orbitToken}, {p, platformToken}} {
			if r := c.b.api(http.MethodGet, path, c.token, nil); r.Code != http.StatusNotFound {
				t.Errorf("GET on %s: %d, want 404", c.b.host, r.Code)
			}
			if r := c.b.api(http.MethodPut, path, c.token, `{"display_name":"Pwned"}`); r.Code != http.StatusNotFound {
				t.Errorf("PUT on %s: %d, want 404", c.b.host, r.Code)
			}
			req := httptest.NewRequest(http.MethodPut, path+"/logo", bytes.NewReader(pngImage(t, 64, 64, false)))
			req.Header.Set("Content-Type", "image/png")
			req.Header.Set("Authorization", "Bearer "+c.token)
			if r := c.b.do(req); r.Code != http.StatusNotFound {
				t.Errorf("PUT logo on %s: %d, want 404", c.b.host, r.Code)
			}
		}
		// acme's own admin, on orbit's domain, is nobody there
		if r := o.api(http.MethodPut, path, "", `{"display_name":"Pwned"}`); r.Code != http.StatusUnauthorized {
			t.Errorf("anonymous PUT: %d, want 401", r.Code)
		}
		if after := *f.branding("Acme Hosting"); after != before {
			t.Errorf("foreign requests changed acme's branding: %+v → %+v", before, after)
		}
	})
}
