package store

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// testPNG encodes a w×h PNG.
func testPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 0x99, 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func TestBranding(t *testing.T) {
	ctx := context.Background()

	t.Run("DefaultsWhenNeverSaved", func(t *testing.T) {
		f := newDemo(t)
		beta := f.id(t, "Beta Resale") // the demo data brands Acme and Orbit only
		b, err := f.db.Branding(ctx, beta)
		if err != nil {
			t.Fatal(err)
		}
		want := tenantry.Branding{AccountID: beta, SupportEmail: "help@beta.example"} // the email from the settings
		if *b != want {
			t.Errorf("Branding = %+v, want %+v", b, want)
		}
		if _, _, _, err := f.db.Logo(ctx, beta); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("Logo of a vendor without one: %v, want ENOTFOUND", err)
		}
	})

	t.Run("UpdateRoundTrip", func(t *testing.T) {
		f := newDemo(t)
		at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		f.db.Now = func() time.Time { return at }
		acme := f.id(t, "Acme Hosting")
		s := f.acme(t)
		// whatever the demo data set, the update below changes it all
		if _, err := s.UpdateBranding(ctx, acme, tenantry.BrandingUpdate{DisplayName: ptr(""), PrimaryColor: ptr(""),
			AccentColor: ptr(""), FooterText: ptr("")}); err != nil {
			t.Fatal(err)
		}
		seen := len(auditEvents(t, f.db, "branding.update"))
		got, err := s.UpdateBranding(ctx, acme, tenantry.BrandingUpdate{DisplayName: ptr(" Acme Cloud "),
			PrimaryColor: ptr("#7C2D12"), AccentColor: ptr("#ea580c"), FooterText: ptr("© Acme"),
			SupportEmail: ptr("Help@Acme.example")})
		if err != nil {
			t.Fatal(err)
		}
		want := tenantry.Branding{AccountID: acme, DisplayName: "Acme Cloud", PrimaryColor: "#7c2d12",
			AccentColor: "#ea580c", FooterText: "© Acme", SupportEmail: "help@acme.example", UpdatedAt: at}
		if *got != want {
			t.Errorf("UpdateBranding = %+v, want %+v", *got, want)
		}
		read, err := f.db.Branding(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		if *read != want {
			t.Errorf("Branding afterwards = %+v, want %+v", *read, want)
		}
		st, err := f.acme(t).Settings(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		if st.SupportEmail != "help@acme.example" || st.InvoicePrefix != "ACME-" {
			t.Errorf("settings afterwards: support %q, prefix %q; want the new email and the rest kept", st.SupportEmail, st.InvoicePrefix)
		}
		ev := auditEvents(t, f.db, "branding.update")[seen:]
		if len(ev) != 1 {
			t.Fatalf("%d new branding.update events, want 1", len(ev))
		}
		for _, part := range []string{`display_name "" → "Acme Cloud"`, `primary_color "" → "#7c2d12"`,
			`support_email "support@acme.example" → "help@acme.example"`} {
			if !strings.Contains(ev[0].Summary, part) {
				t.Errorf("audit summary %q lacks %q", ev[0].Summary, part)
			}
		}

		// a partial update keeps the rest; the same values again write nothing
		if _, err := s.UpdateBranding(ctx, acme, tenantry.BrandingUpdate{AccentColor: ptr("")}); err != nil {
			t.Fatal(err)
		}
		read, _ = f.db.Branding(ctx, acme)
		if read.AccentColor != "" || read.PrimaryColor != "#7c2d12" || read.DisplayName != "Acme Cloud" {
			t.Errorf("after clearing the accent: %+v", read)
		}
		before := f.snapshot(t)
		if _, err := s.UpdateBranding(ctx, acme, tenantry.BrandingUpdate{DisplayName: ptr("Acme Cloud")}); err != nil {
			t.Fatal(err)
		}
		f.assertUnchanged(t, before)
	})

	t.Run("ProviderBrandsItsReseller", func(t *testing.T) {
		f := newDemo(t)
		orbit := f.id(t, "Orbit IT")
		if _, err := f.provider(t).UpdateBranding(ctx, orbit, tenantry.BrandingUpdate{DisplayName: ptr("Orbit")}); err != nil {
			t.Fatalf("the vendor above: %v", err)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		f := newDemo(t)
		acme := f.id(t, "Acme Hosting")
		s := f.acme(t)
		start, _ := f.db.Branding(ctx, acme)
		tests := []struct {
			name  string
			call  func() error
			kind  string
			field string
		}{
			{"BadColour", func() error {
				_, err := s.UpdateBranding(ctx, acme, tenantry.BrandingUpdate{DisplayName: ptr("Kept?"), PrimaryColor: ptr("#12345")})
				return err
			}, tenantry.EINVALID, "primary_color"},
			{"LongName", func() error {
				_, err := s.UpdateBranding(ctx, acme, tenantry.BrandingUpdate{DisplayName: ptr(strings.Repeat("a", 101))})
				return err
			}, tenantry.EINVALID, "display_name"},
			{"SVGLogo", func() error {
				_, err := s.SetLogo(ctx, acme, []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
				return err
			}, tenantry.EINVALID, "logo"},
			{"NilLogo", func() error {
				_, err := s.SetLogo(ctx, acme, nil)
				return err
			}, tenantry.EINVALID, "logo"},
			{"TinyLogo", func() error {
				_, err := s.SetLogo(ctx, acme, testPNG(10, 10))
				return err
			}, tenantry.EINVALID, "logo"},
			{"OversizedLogo", func() error {
				_, err := s.SetLogo(ctx, acme, append(testPNG(20, 20), make([]byte, tenantry.MaxImageBytes)...))
				return err
			}, tenantry.EINVALID, "logo"},
			{"TextFavicon", func() error {
				_, err := s.SetFavicon(ctx, acme, []byte("just text"))
				return err
			}, tenantry.EINVALID, "favicon"},
			{"GoodTextBadLogo", func() error {
				_, err := s.UpdateBranding(ctx, acme, tenantry.BrandingUpdate{DisplayName: ptr("Not saved"), Logo: []byte("GIF89a")})
				return err
			}, tenantry.EINVALID, "logo"},
			{"Customer", func() error {
				_, err := s.UpdateBranding(ctx, f.id(t, "Blue Bakery"), tenantry.BrandingUpdate{DisplayName: ptr("Bakery")})
				return err
			}, tenantry.ENOTFOUND, ""},
			{"CustomerOwnAccount", func() error {
				_, err := f.scope(t, "acme.localhost", "owner@bluebakery.example").UpdateBranding(ctx, f.id(t, "Blue Bakery"),
					tenantry.BrandingUpdate{DisplayName: ptr("Bakery")})
				return err
			}, tenantry.ENOTFOUND, ""},
			{"ResellerOnItsVendor", func() error {
				_, err := f.scope(t, "portal.localhost", "admin@acme.example").UpdateBranding(ctx, f.id(t, "Nimbus Cloud"),
					tenantry.BrandingUpdate{DisplayName: ptr("Pwned")})
				return err
			}, tenantry.ENOTFOUND, ""},
			{"ViewerRole", func() error {
				f.addMember(t, "Acme Hosting", "viewer@acme.example", tenantry.RoleViewer)
				_, err := f.scope(t, "acme.localhost", "viewer@acme.example").SetLogo(ctx, acme, testPNG(64, 64))
				return err
			}, tenantry.EFORBIDDEN, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := f.snapshot(t)
				err := tt.call()
				if tt.field != "" {
					wantField(t, err, tt.kind, tt.field)
				} else {
					wantKind(t, err, tt.kind)
				}
				if tt.name != "ViewerRole" { // adding the viewer is a change of its own
					f.assertUnchanged(t, before)
				}
			})
		}
		if b, _ := f.db.Branding(ctx, acme); *b != *start {
			t.Errorf("after refused changes: %+v, want nothing saved: %+v", b, start)
		}
	})

	t.Run("Images", func(t *testing.T) {
		f := newDemo(t)
		acme := f.id(t, "Acme Hosting")
		s := f.acme(t)
		seen := len(auditEvents(t, f.db, "branding.update"))
		logo := testPNG(240, 80)
		b, err := s.SetLogo(ctx, acme, logo)
		if err != nil {
			t.Fatal(err)
		}
		if b.LogoType != "image/png" || b.FaviconType != "" {
			t.Errorf("after SetLogo: %+v", b)
		}
		data, typ, updated, err := f.db.Logo(ctx, acme)
		if err != nil || !bytes.Equal(data, logo) || typ != "image/png" || !updated.Equal(b.UpdatedAt) {
			t.Errorf("Logo = %d bytes, %q, %v, %v; want the upload back", len(data), typ, updated, err)
		}
		if _, _, _, err := f.db.Logo(ctx, f.id(t, "Orbit IT")); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("Orbit's logo: %v, want ENOTFOUND", err)
		}
		if _, err := s.SetFavicon(ctx, acme, testPNG(32, 32)); err != nil {
			t.Fatal(err)
		}
		if _, typ, _, err := f.db.Favicon(ctx, acme); err != nil || typ != "image/png" {
			t.Errorf("Favicon: %q, %v", typ, err)
		}
		if b, err = s.RemoveLogo(ctx, acme); err != nil {
			t.Fatal(err)
		}
		if b.LogoType != "" || b.FaviconType != "image/png" {
			t.Errorf("after RemoveLogo: %+v", b)
		}
		if _, _, _, err := f.db.Logo(ctx, acme); tenantry.ErrorKind(err) != tenantry.ENOTFOUND {
			t.Errorf("Logo after removal: %v, want ENOTFOUND", err)
		}
		before := f.snapshot(t)
		if _, err := s.RemoveLogo(ctx, acme); err != nil {
			t.Fatal(err)
		}
		f.assertUnchanged(t, before)
		if _, err := s.RemoveFavicon(ctx, acme); err != nil {
			t.Fatal(err)
		}
		var summaries []string
		for _, ev := range auditEvents(t, f.db, "branding.update")[seen:] {
			summaries = append(summaries, ev.Summary)
		}
		want := []string{"logo uploaded (image/png, 240×80, ", "favicon uploaded (image/png, 32×32, ", "logo removed", "favicon removed"}
		if len(summaries) != len(want) {
			t.Fatalf("audit summaries %q, want %d", summaries, len(want))
		}
		for i := range want {
			if !strings.HasPrefix(summaries[i], want[i]) {
				t.Errorf("audit summary %d = %q, want it to start %q", i, summaries[i], want[i])
			}
		}
	})

	t.Run("DemoBranding", func(t *testing.T) {
		f := newDemo(t)
		byName := map[string]string{"Acme Hosting": f.id(t, "Acme Hosting"), "Orbit IT": f.id(t, "Orbit IT")}
		if err := loadDemoBranding(ctx, f.provider(t), byName); err != nil {
			t.Fatal(err)
		}
		acme, _ := f.db.Branding(ctx, byName["Acme Hosting"])
		orbit, _ := f.db.Branding(ctx, byName["Orbit IT"])
		if acme.DisplayName == "" || orbit.DisplayName == "" {
			t.Errorf("display names %q, %q; want both set", acme.DisplayName, orbit.DisplayName)
		}
		if acme.Palette() == orbit.Palette() || acme.PrimaryColor == "" || orbit.PrimaryColor == "" {
			t.Errorf("palettes %+v and %+v, want two distinct ones", acme.Palette(), orbit.Palette())
		}
	})
}
