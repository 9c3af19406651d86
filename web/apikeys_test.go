package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

// apiKey is the answer that creates a key.
type apiKey struct {
	ID, Name, Key string
	Scopes        []string
	CreatedAt     string `json:"created_at"`
}

// createKey makes an API key for account with the token, on b's host.
func createKey(t *testing.T, b *browser, token, accountID, name string, scopes ...string) apiKey {
	t.Helper()
	r := b.api(http.MethodPost, "/api/v1/accounts/"+accountID+"/api-keys", token, map[string]any{"name": name, "scopes": scopes})
	if r.Code != http.StatusCreated {
		t.Fatalf("create key %s = %d: %s", name, r.Code, r.body)
	}
	var k apiKey
	decode(t, r, &k)
	return k
}

func wantAPIError(t *testing.T, r *response, status int, code string) {
	t.Helper()
	if r.Code != status {
		t.Fatalf("status = %d, want %d: %s", r.Code, status, excerpt(r.body))
	}
	var e apiErr
	decode(t, r, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Errorf("error = %+v, want code %s with a message", e.Error, code)
	}
}

func TestAPIKeysAPI(t *testing.T) {
	f := newFixtureWithMembers(t, auditMember{"Acme Hosting", "ak-ops@acme.example", tenantry.RoleOps})
	acme := f.browser("acme.localhost")
	owner := acme.token("admin@acme.example")
	acmeID, bakery, cobalt, delta := f.accountID("Acme Hosting"), f.accountID("Blue Bakery"), f.accountID("Cobalt Law"), f.accountID("Delta Freight")

	reader := createKey(t, acme, owner, acmeID, "reports", "read")
	if !strings.HasPrefix(reader.Key, "tak_") || reader.ID == "" || reader.Name != "reports" || len(reader.Scopes) != 1 ||
		reader.Scopes[0] != "read" || reader.CreatedAt == "" {
		t.Fatalf("created key = %+v", reader)
	}
	meter := createKey(t, acme, owner, acmeID, "meter", "usage:write")
	badToken := acme.api(http.MethodGet, "/api/v1/me", "tak_no-such-key", nil)
	if badToken.Code != http.StatusUnauthorized {
		t.Fatalf("unknown key = %d, want 401", badToken.Code)
	}

	t.Run("ListedWithoutSecret", func(t *testing.T) {
		r := acme.api(http.MethodGet, "/api/v1/accounts/"+acmeID+"/api-keys", owner, nil)
		if r.Code != http.StatusOK {
			t.Fatalf("list = %d: %s", r.Code, r.body)
		}
		if strings.Contains(r.body, reader.Key) || strings.Contains(r.body, `"key"`) {
			t.Errorf("the list shows a secret: %s", r.body)
		}
		var list struct {
			Items []struct {
				ID, Name, Status string
				Scopes           []string
				CreatedBy        *string `json:"created_by"`
				LastUsedAt       *string `json:"last_used_at"`
				RevokedAt        *string `json:"revoked_at"`
			}
		}
		decode(t, r, &list)
		if len(list.Items) != 2 || list.Items[1].ID != reader.ID || list.Items[1].Status != "active" ||
			list.Items[1].CreatedBy == nil || *list.Items[1].CreatedBy != "admin@acme.example" ||
			list.Items[1].LastUsedAt != nil || list.Items[1].RevokedAt != nil {
			t.Errorf("list = %+v, want meter then reports, live, never used, made by Acme's admin", list.Items)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		r := acme.api(http.MethodGet, "/api/v1/accounts/"+acmeID+"/api-keys?format=csv", owner, nil)
		lines := strings.Split(strings.TrimSpace(r.body), "\n")
		if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") || len(lines) != 3 ||
			!strings.HasPrefix(lines[0], "id,name,scopes,status") || strings.Contains(r.body, reader.Key) {
			t.Errorf("CSV = %d %q: %s", r.Code, r.Header().Get("Content-Type"), r.body)
		}
	})

	t.Run("ReadKeyReadsItsSubtree", func(t *testing.T) {
		r := acme.api(http.MethodGet, "/api/v1/accounts/"+bakery+"/infrastructures", reader.Key, nil)
		if r.Code != http.StatusOK || !strings.Contains(r.body, `"web-prod"`) {
			t.Errorf("Blue Bakery's infrastructures with Acme's read key = %d: %s", r.Code, excerpt(r.body))
		}
		if r := acme.api(http.MethodGet, "/api/v1/accounts/"+bakery, reader.Key, nil); r.Code != http.StatusOK {
			t.Errorf("Blue Bakery with Acme's read key = %d", r.Code)
		}
		// Delta Freight is Orbit's: outside the key's subtree
		wantAPIError(t, acme.api(http.MethodGet, "/api/v1/accounts/"+delta+"/infrastructures", reader.Key, nil), 404, "not_found")
		// a key of Blue Bakery sees nothing of its sibling
		bk := createKey(t, acme, owner, bakery, "bakery reader", "read")
		wantAPIError(t, acme.api(http.MethodGet, "/api/v1/accounts/"+cobalt+"/infrastructures", bk.Key, nil), 404, "not_found")
		if r := acme.api(http.MethodGet, "/api/v1/accounts/"+bakery+"/infrastructures", bk.Key, nil); r.Code != http.StatusOK {
			t.Errorf("Blue Bakery's key on its own infrastructures = %d", r.Code)
		}
	})

	t.Run("ReadKeyCannotWrite", func(t *testing.T) {
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{http.MethodPost, "/api/v1/accounts/" + bakery + "/infrastructures", map[string]string{"name": "by-key"}},
			{http.MethodPatch, "/api/v1/accounts/" + bakery, map[string]string{"contact_email": "key@bluebakery.example"}},
			// keys make no keys and revoke none
			{http.MethodPost, "/api/v1/accounts/" + acmeID + "/api-keys", map[string]any{"name": "child", "scopes": []string{"read"}}},
			{http.MethodDelete, "/api/v1/api-keys/" + meter.ID, nil},
			{http.MethodPost, "/api/v1/usage", map[string]any{"records": []any{}}},
		} {
			t.Run(c.method+c.path, func(t *testing.T) {
				wantAPIError(t, acme.api(c.method, c.path, reader.Key, c.body), http.StatusForbidden, "insufficient_scope")
			})
		}
		if r := acme.api(http.MethodGet, "/api/v1/accounts/"+acmeID+"/api-keys", owner, nil); strings.Count(r.body, `"id"`) != 2 {
			t.Errorf("the refused calls changed the keys: %s", r.body)
		}
	})

	t.Run("UsageKeyCannotRead", func(t *testing.T) {
		for _, p := range []string{"/api/v1/accounts/" + bakery + "/infrastructures", "/api/v1/me", "/api/v1/accounts"} {
			wantAPIError(t, acme.api(http.MethodGet, p, meter.Key, nil), http.StatusForbidden, "insufficient_scope")
		}
		wantAPIError(t, acme.api(http.MethodPost, "/api/v1/accounts/"+bakery+"/infrastructures", meter.Key,
			map[string]string{"name": "by-key"}), http.StatusForbidden, "insufficient_scope")
		// POST /usage is the one route its scope opens: whatever the
		// route answers, it is not refused for the key or its scope
		if r := acme.api(http.MethodPost, "/api/v1/usage", meter.Key, map[string]any{"records": []any{}}); r.Code == http.StatusUnauthorized ||
			r.Code == http.StatusForbidden {
			t.Errorf("POST /usage with a usage:write key = %d: %s", r.Code, r.body)
		}
	})

	t.Run("Me", func(t *testing.T) {
		r := acme.api(http.MethodGet, "/api/v1/me", reader.Key, nil)
		if r.Code != http.StatusOK {
			t.Fatalf("GET /me with a key = %d: %s", r.Code, r.body)
		}
		var me struct {
			User   *struct{ ID string }
			APIKey struct {
				ID, Name string
				Scopes   []string
			} `json:"api_key"`
			Accounts []struct{ ID, Role, Via string }
		}
		decode(t, r, &me)
		if me.User != nil || me.APIKey.ID != reader.ID || me.APIKey.Name != "reports" || len(me.Accounts) != 1 ||
			me.Accounts[0].ID != acmeID || me.Accounts[0].Via != "api_key" || me.Accounts[0].Role != "API key" {
			t.Errorf("me = %+v, want the key acting for Acme, no user", me)
		}
		wantAPIError(t, acme.api(http.MethodGet, "/api/v1/me/tokens", reader.Key, nil), http.StatusForbidden, "insufficient_scope")
		wantAPIError(t, acme.api(http.MethodGet, "/api/v1/me/sessions", reader.Key, nil), http.StatusForbidden, "insufficient_scope")
		// an unknown path is 404 with a key as without
		wantAPIError(t, acme.api(http.MethodGet, "/api/v1/no-such-thing", reader.Key, nil), http.StatusNotFound, "not_found")
	})

	t.Run("LastUseRecorded", func(t *testing.T) {
		r := acme.api(http.MethodGet, "/api/v1/accounts/"+acmeID+"/api-keys", owner, nil)
		if !regexp.MustCompile(`"id":"` + reader.ID + `"[^}]*"last_used_at":"\d{4}-`).MatchString(r.body) {
			t.Errorf("the used key has no last_used_at: %s", r.body)
		}
	})

	t.Run("OnlyOnItsDomain", func(t *testing.T) {
		for _, host := range []string{"orbit.localhost", "portal.localhost", "beta.localhost"} {
			r := f.browser(host).api(http.MethodGet, "/api/v1/me", reader.Key, nil)
			if r.Code != http.StatusUnauthorized || r.body != badToken.body {
				t.Errorf("Acme's key on %s = %d %s, want 401 %s", host, r.Code, r.body, badToken.body)
			}
		}
	})

	t.Run("PersonalTokensStillWork", func(t *testing.T) {
		r := acme.api(http.MethodGet, "/api/v1/me", owner, nil)
		if r.Code != http.StatusOK || !strings.Contains(r.body, `"email":"admin@acme.example"`) {
			t.Errorf("GET /me with a personal token = %d: %s", r.Code, r.body)
		}
		if r := acme.api(http.MethodPost, "/api/v1/accounts/"+bakery+"/cost-centers", owner, map[string]string{"name": "Keyless"}); r.Code != http.StatusCreated {
			t.Errorf("a personal token's write = %d: %s", r.Code, r.body)
		}
	})

	t.Run("Authorization", func(t *testing.T) {
		ops := acme.token("ak-ops@acme.example")
		wantAPIError(t, acme.api(http.MethodPost, "/api/v1/accounts/"+acmeID+"/api-keys", ops,
			map[string]any{"name": "x", "scopes": []string{"read"}}), http.StatusForbidden, "forbidden")
		wantAPIError(t, acme.api(http.MethodGet, "/api/v1/accounts/"+acmeID+"/api-keys", ops, nil), http.StatusForbidden, "forbidden")
		wantAPIError(t, acme.api(http.MethodDelete, "/api/v1/api-keys/"+reader.ID, ops, nil), http.StatusForbidden, "forbidden")
		// another tenant: not found
		orbit := f.browser("orbit.localhost")
		ot := orbit.token("admin@orbit.example")
		wantAPIError(t, orbit.api(http.MethodDelete, "/api/v1/api-keys/"+reader.ID, ot, nil), http.StatusNotFound, "not_found")
		wantAPIError(t, orbit.api(http.MethodGet, "/api/v1/accounts/"+acmeID+"/api-keys", ot, nil), http.StatusNotFound, "not_found")
		// invalid input names the field
		r := acme.api(http.MethodPost, "/api/v1/accounts/"+acmeID+"/api-keys", owner, map[string]any{"name": "", "scopes": []string{"admin"}})
		wantAPIError(t, r, http.StatusUnprocessableEntity, "invalid")
		var e apiErr
		decode(t, r, &e)
		if e.Error.Fields["name"] == "" || e.Error.Fields["scopes"] == "" {
			t.Errorf("fields = %v, want name and scopes", e.Error.Fields)
		}
	})

	t.Run("Revoked", func(t *testing.T) {
		if r := acme.api(http.MethodDelete, "/api/v1/api-keys/"+reader.ID, owner, nil); r.Code != http.StatusNoContent {
			t.Fatalf("revoke = %d: %s", r.Code, r.body)
		}
		r := acme.api(http.MethodGet, "/api/v1/accounts/"+bakery+"/infrastructures", reader.Key, nil)
		if r.Code != http.StatusUnauthorized || r.body != badToken.body {
			t.Errorf("a revoked key = %d %s, want 401 %s", r.Code, r.body, badToken.body)
		}
		if r := acme.api(http.MethodDelete, "/api/v1/api-keys/"+reader.ID, owner, nil); r.Code != http.StatusNoContent {
			t.Errorf("revoking again = %d, want 204", r.Code)
		}
		wantAPIError(t, acme.api(http.MethodDelete, "/api/v1/api-keys/key_nope", owner, nil), http.StatusNotFound, "not_found")
		if r := acme.api(http.MethodGet, "/api/v1/accounts/"+acmeID+"/api-keys", owner, nil); !strings.Contains(r.body, `"status":"revoked"`) {
			t.Errorf("the list shows no revoked key: %s", r.body)
		}
	})

	t.Run("SuspendedAccount", func(t *testing.T) {
		bk := createKey(t, acme, owner, cobalt, "cobalt reader", "read")
		suspend(t, f, "acme.localhost", "admin@acme.example", "Cobalt Law", "Card declined")
		if r := acme.api(http.MethodGet, "/api/v1/accounts/"+cobalt, bk.Key, nil); r.Code != http.StatusUnauthorized {
			t.Errorf("a suspended account's key = %d, want 401", r.Code)
		}
	})
}

var secretRe = regexp.MustCompile(`data-testid="new-api-key-secret">(tak_[a-z2-7]+)<`)

func TestAPIKeysPage(t *testing.T) {
	f := newFixtureWithMembers(t, auditMember{"Blue Bakery", "ak-ops@bluebakery.example", tenantry.RoleOps})
	b := f.browser("acme.localhost")
	b.login("owner@bluebakery.example")
	const page = "/app/api-keys"

	r := b.get(page)
	if r.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", page, r.Code)
	}
	if _, ok := byTestID(r.body, "api-keys-empty"); !ok {
		t.Errorf("no empty state on a fresh account's page")
	}
	if href := navItems(r.body)["api-keys"]; href != page {
		t.Errorf("nav-api-keys = %q, want %s", href, page)
	}

	var secret, keyID string
	t.Run("CreateShowsSecretOnce", func(t *testing.T) {
		r := b.submit(page, page, url.Values{"name": {"metering agent"}, "scopes": {"usage:write", "read"}})
		if r.Code != http.StatusOK {
			t.Fatalf("create = %d %s", r.Code, r.location())
		}
		m := secretRe.FindStringSubmatch(r.body)
		if m == nil || !strings.Contains(r.body, "it will not be shown again") {
			t.Fatalf("no secret shown once after creating: %s", excerpt(r.body))
		}
		secret = m[1]
		// it works as a bearer key
		if r := b.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Blue Bakery")+"/infrastructures", secret, nil); r.Code != http.StatusOK {
			t.Errorf("the new key = %d", r.Code)
		}
		list := b.get(page)
		if strings.Contains(list.body, secret) || strings.Contains(list.body, "new-api-key-secret") {
			t.Errorf("the list shows the secret again")
		}
		id := regexp.MustCompile(`data-testid="api-key-(key_[a-z2-7]+)"`).FindStringSubmatch(list.body)
		if id == nil {
			t.Fatalf("no key row in the list")
		}
		keyID = id[1]
		if got, _ := byTestID(list.body, "api-key-scopes"); got != "usage:write, read" {
			t.Errorf("scopes = %q", got)
		}
		if got, _ := byTestID(list.body, "api-key-name"); got != "metering agent" {
			t.Errorf("name = %q", got)
		}
	})

	t.Run("Audited", func(t *testing.T) {
		log := b.get("/app/audit")
		if !strings.Contains(log.body, ">API key created<") || !strings.Contains(log.body, "API key metering agent") {
			t.Errorf("the audit log does not show the key's creation in words: %s", excerpt(log.body))
		}
	})

	t.Run("RefusedKeepsInput", func(t *testing.T) {
		if !strings.Contains(b.get(page).body, `name="_page" value="`+page+`"`) {
			t.Fatalf("the form names no page to come back to")
		}
		r := b.submit(page, page, url.Values{"name": {"kept name"}, "_page": {page}})
		if r.Code != http.StatusSeeOther || r.location() != page {
			t.Fatalf("refused create = %d %q, want 303 back to the page", r.Code, r.location())
		}
		shown := b.get(page)
		if shown.Code != http.StatusUnprocessableEntity {
			t.Errorf("the refused form = %d, want 422", shown.Code)
		}
		if msg, _ := byTestID(shown.body, "error-scopes"); !strings.Contains(msg, "at least one scope") {
			t.Errorf("scopes error = %q", msg)
		}
		if !strings.Contains(shown.body, `value="kept name"`) || !strings.Contains(shown.body, `aria-describedby="scopes-error"`) {
			t.Errorf("the refused form lost its input or its error's tie")
		}
	})

	t.Run("RevokeAsksFirst", func(t *testing.T) {
		action := page + "/" + keyID + "/revoke"
		question := "Revoke the API key metering agent? Programs using it stop working at once."
		if !strings.Contains(b.get(page).body, `name="_confirm" value="`+question+`"`) {
			t.Fatalf("the revoke form does not ask %q", question)
		}
		r := b.postFrom(page, action, url.Values{"_confirm": {question}})
		if got, _ := byTestID(r.body, "confirm-question"); r.Code != http.StatusOK || got != question {
			t.Fatalf("unconfirmed revoke = %d, question %q", r.Code, got)
		}
		key := b.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Blue Bakery"), secret, nil)
		if key.Code != http.StatusOK {
			t.Fatalf("the key after an unconfirmed revoke = %d, want it still working", key.Code)
		}
		_, form := confirmForm(t, r.body)
		r = b.post(action, form)
		if r.Code != http.StatusSeeOther || r.location() != page {
			t.Fatalf("confirmed revoke = %d %q", r.Code, r.location())
		}
		after := b.get(page)
		if msg, _ := byTestID(after.body, "flash"); !strings.Contains(msg, "metering agent revoked") {
			t.Errorf("flash = %q", msg)
		}
		if !strings.Contains(after.body, "revoked ") || strings.Contains(after.body, `data-testid="api-key-revoke"`) {
			t.Errorf("the revoked key is not shown as revoked, or can be revoked again")
		}
		if r := b.api(http.MethodGet, "/api/v1/accounts/"+f.accountID("Blue Bakery"), secret, nil); r.Code != http.StatusUnauthorized {
			t.Errorf("the revoked key = %d, want 401", r.Code)
		}
	})

	t.Run("OthersKeyNotFound", func(t *testing.T) {
		// a key of Cobalt Law, revoked from Blue Bakery's panel: not found
		other := f.browser("acme.localhost")
		other.login("owner@cobaltlaw.example")
		r := other.submit(page, page, url.Values{"name": {"cobalt"}, "scopes": {"read"}})
		if r.Code != http.StatusOK {
			t.Fatalf("Cobalt's create = %d", r.Code)
		}
		id := regexp.MustCompile(`data-testid="api-key-(key_[a-z2-7]+)"`).FindStringSubmatch(other.get(page).body)
		if id == nil {
			t.Fatal("no Cobalt key listed")
		}
		if r := b.postFrom(page, page+"/"+id[1]+"/revoke", url.Values{"_confirmed": {"1"}}); r.Code != http.StatusNotFound {
			t.Errorf("revoking another customer's key = %d, want 404", r.Code)
		}
	})

	t.Run("OnlyForManagers", func(t *testing.T) {
		ops := f.browser("acme.localhost")
		ops.login("ak-ops@bluebakery.example")
		r := ops.get("/app")
		if _, shown := navItems(r.body)["api-keys"]; shown {
			t.Errorf("Ops is offered the API keys page")
		}
		if r := ops.get(page); r.Code != http.StatusForbidden {
			t.Errorf("GET %s as Ops = %d, want 403", page, r.Code)
		}
		if r := ops.submit("/app", page, url.Values{"name": {"x"}, "scopes": {"read"}}); r.Code != http.StatusForbidden {
			t.Errorf("POST %s as Ops = %d, want 403", page, r.Code)
		}
	})

	t.Run("ResellerPanel", func(t *testing.T) {
		acme := f.browser("acme.localhost")
		acme.login("admin@acme.example")
		r := acme.get("/reseller/api-keys")
		if got, _ := byTestID(r.body, "api-keys-title"); r.Code != http.StatusOK || got != "API keys of Acme Hosting" {
			t.Errorf("the reseller panel's page = %d %q", r.Code, got)
		}
		r = acme.submit("/reseller/api-keys", "/reseller/api-keys", url.Values{"name": {"billing export"}, "scopes": {"read"}})
		m := secretRe.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no secret after creating on the reseller panel (%d)", r.Code)
		}
		me := acme.api(http.MethodGet, "/api/v1/me", m[1], nil)
		if !strings.Contains(me.body, `"id":"`+f.accountID("Acme Hosting")+`"`) {
			t.Errorf("the reseller's key acts for %s", me.body)
		}
	})
}
