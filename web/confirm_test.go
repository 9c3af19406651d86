package web_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

var (
	confirmFormRe = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)"[^>]*data-testid="confirm-form">(.*?)</form>`)
	hiddenRe      = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)
	cancelRe      = regexp.MustCompile(`<a href="([^"]*)"[^>]*data-testid="confirm-cancel"`)
)

// confirmForm reads the confirmation page's form: where it posts and
// what it posts.
func confirmForm(t *testing.T, body string) (string, url.Values) {
	t.Helper()
	m := confirmFormRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no confirmation form in %s", excerpt(body))
	}
	form := url.Values{}
	for _, h := range hiddenRe.FindAllStringSubmatch(m[2], -1) {
		form.Add(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	return html.UnescapeString(m[1]), form
}

// postFrom submits a form as a browser without JavaScript does: with the
// page's token and the page it came from as Referer.
func (b *browser) postFrom(page, action string, form url.Values) *response {
	b.f.t.Helper()
	form.Set("_csrf", b.csrf(page))
	req := httptest.NewRequest(http.MethodPost, action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", "http://"+b.host+page)
	return b.do(req)
}

// TestConfirmStep: a form that asks "are you sure?" posted without the
// answer (no JavaScript) gets a confirmation page in the user's panel
// that changes nothing; its Confirm button posts the same form answered
// and the action happens; Cancel leads back. Posted with the answer (as
// the script does), the action happens at once. Another tenant's user
// gets only the page, then the usual 404.
func TestConfirmStep(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := f.scope(acmeHost, cobaltOwner)
	cobalt := f.accountID("Cobalt Law")
	var ids []string
	for _, name := range []string{"law-dev", "law-www"} {
		in, err := owner.CreateInfrastructure(ctx, cobalt, tenantry.NewInfrastructure{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	dev, www := ids[0], ids[1]
	b := f.browser(acmeHost)
	b.login(cobaltOwner)
	page := "/app/infrastructures/" + dev
	question := "Delete the infrastructure law-dev? This cannot be undone."
	if !strings.Contains(b.get(page).body, `name="_confirm" value="`+question+`"`) {
		t.Fatalf("the delete form of %s does not ask %q", page, question)
	}
	before, err := owner.Infrastructure(ctx, dev)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Unconfirmed", func(t *testing.T) {
		r := b.postFrom(page, page+"/delete", url.Values{"_confirm": {question}})
		if r.Code != http.StatusOK {
			t.Fatalf("unconfirmed delete = %d %q, want 200 and the confirmation page", r.Code, r.location())
		}
		if got, _ := byTestID(r.body, "confirm-question"); got != question {
			t.Errorf("question = %q, want %q", got, question)
		}
		if got, _ := byTestID(r.body, "current-account"); got != "Cobalt Law" {
			t.Errorf("confirmation page's panel account = %q, want Cobalt Law", got)
		}
		if !strings.Contains(r.body, `data-testid="nav-infrastructures" aria-current="page"`) {
			t.Errorf("the confirmation page highlights no Infrastructures item in the panel's navigation")
		}
		if m := cancelRe.FindStringSubmatch(r.body); m == nil || m[1] != page {
			t.Errorf("cancel = %v, want a link to %s", m, page)
		}
		action, form := confirmForm(t, r.body)
		if action != page+"/delete" || form.Get("_confirmed") != "1" || form.Get("_confirm") != question || form.Get("_csrf") == "" {
			t.Errorf("confirmation form posts %v to %s", form, action)
		}
		after, err := owner.Infrastructure(ctx, dev)
		if err != nil {
			t.Fatalf("after the unconfirmed delete: %v", err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the unconfirmed delete changed the infrastructure: %+v, then %+v", before, after)
		}
	})

	t.Run("CancelToPage", func(t *testing.T) {
		// the page the form names comes first; one elsewhere is not
		// followed, and with no Referer either Cancel leads home
		for p, want := range map[string]string{"/app/infrastructures?q=law": "/app/infrastructures?q=law", "//evil.example/": "/"} {
			r := b.submit(page, page+"/delete", url.Values{"_confirm": {question}, "_page": {p}})
			if m := cancelRe.FindStringSubmatch(r.body); m == nil || html.UnescapeString(m[1]) != want {
				t.Errorf("_page %q: cancel = %v, want %s", p, m, want)
			}
			if _, form := confirmForm(t, r.body); p == want && form.Get("_page") != p {
				t.Errorf("the confirmation form names page %q, want %q", form.Get("_page"), p)
			}
		}
	})

	t.Run("OtherTenant", func(t *testing.T) {
		// Delta Freight's owner on Orbit's domain: the page shows only
		// what was posted, and the confirmed post is the usual 404
		other := f.browser("orbit.localhost")
		other.login("owner@delta.example")
		r := other.postFrom("/app/infrastructures", page+"/delete", url.Values{"_confirm": {question}})
		if r.Code != http.StatusOK || strings.Contains(r.body, "Cobalt") {
			t.Fatalf("another tenant's unconfirmed delete = %d, want 200 naming no Cobalt", r.Code)
		}
		action, form := confirmForm(t, r.body)
		if r := other.post(action, form); r.Code != http.StatusNotFound {
			t.Errorf("another tenant's confirmed delete = %d, want 404", r.Code)
		}
		if _, err := owner.Infrastructure(ctx, dev); err != nil {
			t.Errorf("after another tenant's delete: %v", err)
		}
	})

	t.Run("Confirmed", func(t *testing.T) {
		r := b.postFrom(page, page+"/delete", url.Values{"_confirm": {question}})
		action, form := confirmForm(t, r.body)
		r = b.post(action, form)
		if r.Code != http.StatusSeeOther || r.location() != "/app/infrastructures" {
			t.Fatalf("confirmed delete = %d %q, want 303 to the list", r.Code, r.location())
		}
		if r := b.get(page); r.Code != http.StatusNotFound {
			t.Errorf("after the confirmed delete = %d, want 404", r.Code)
		}
	})

	t.Run("AnsweredByScript", func(t *testing.T) {
		q := "Delete the infrastructure law-www? This cannot be undone."
		r := b.postFrom("/app/infrastructures/"+www, "/app/infrastructures/"+www+"/delete",
			url.Values{"_confirm": {q}, "_confirmed": {"1"}})
		if r.Code != http.StatusSeeOther {
			t.Fatalf("delete answered by the script = %d, want 303", r.Code)
		}
	})

	t.Run("WithFile", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("_csrf", b.csrf("/app/cost-centers"))
		_ = mw.WriteField("_confirm", "Rename?")
		fw, _ := mw.CreateFormFile("logo", "x.png")
		_, _ = fw.Write([]byte("png"))
		_ = mw.Close()
		cc, err := owner.CreateCostCenter(ctx, cobalt, tenantry.CostCenterInput{Name: "Production"})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/app/cost-centers/"+cc.ID, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if r := b.do(req); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("unconfirmed post with a file = %d, want 422", r.Code)
		}
	})

	t.Run("SignedOut", func(t *testing.T) {
		anon := f.browser(acmeHost)
		r := anon.submit("/login", page+"/delete", url.Values{"_confirm": {question}})
		if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
			t.Errorf("signed-out unconfirmed post = %d %q, want 303 to the sign-in page", r.Code, r.location())
		}
	})
}

var (
	formBlockRe = regexp.MustCompile(`(?s)<form\b.*?</form>`)
	// confirmFileRe finds what a confirmation page cannot post again
	confirmFileRe = regexp.MustCompile(`type="file"|multipart`)
)

// TestConfirmFormsCarryNoFile: the confirmation page re-posts a form's
// fields but cannot re-post a file, so no form that asks may carry one.
func TestConfirmFormsCarryNoFile(t *testing.T) {
	files, err := filepath.Glob("../views/*/*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	asking := 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "data-confirm") {
			t.Errorf("%s still asks through data-confirm: use @components.Confirm inside the form", name)
		}
		for _, form := range formBlockRe.FindAllString(string(src), -1) {
			if !strings.Contains(form, "Confirm(") {
				continue
			}
			asking++
			if confirmFileRe.MatchString(form) {
				t.Errorf("%s: a form that asks for a confirmation carries a file:\n%s", name, form)
			}
		}
	}
	if asking < 24 {
		t.Errorf("found %d forms that ask for a confirmation, want at least 24", asking)
	}
}
