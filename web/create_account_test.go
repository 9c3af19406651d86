package web_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// keys returns the sorted keys of a JSON object and, prefixed with
// "owner.", of its owner object.
func keys(t *testing.T, body string) []string {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &top); err != nil {
		t.Fatalf("not a JSON object: %s", body)
	}
	out := slices.Collect(maps.Keys(top))
	if raw, ok := top["owner"]; ok {
		var owner map[string]json.RawMessage
		if err := json.Unmarshal(raw, &owner); err != nil {
			t.Fatalf("owner is not an object: %s", raw)
		}
		for k := range owner {
			out = append(out, "owner."+k)
		}
	}
	slices.Sort(out)
	return out
}

// Creating an account answers alike whether the owner's address is free
// or already has a user somewhere (issue 9 item 7): same status, same
// keys, the link on the same domain, no owner id; the panel's page reads
// the same but for the names typed.
func TestCreateAccountOwnerTakenAnswersAlike(t *testing.T) {
	f := newFixture(t)
	acme := f.browser("acme.localhost")
	token := acme.token("admin@acme.example")
	for _, password := range []string{"", "correct horse battery staple"} {
		owner := func(email string) map[string]string {
			o := map[string]string{"email": email, "name": "Olive Owner"}
			if password != "" {
				o["password"] = password
			}
			return o
		}
		free := acme.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": "Free Farm",
			"owner": owner("olive@free.example")})
		taken := acme.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": "Taken Farm",
			"owner": owner("admin@orbit.example")})
		if free.Code != http.StatusCreated || taken.Code != http.StatusCreated {
			t.Fatalf("password %q: free = %d, taken = %d, want 201 both: %s", password, free.Code, taken.Code, taken.body)
		}
		if kf, kt := keys(t, free.body), keys(t, taken.body); !slices.Equal(kf, kt) {
			t.Errorf("password %q: keys differ: free %q, taken %q", password, kf, kt)
		} else if slices.Contains(kf, "owner.id") {
			t.Errorf("the owner's id is answered: %q", kf)
		}
		var a, b accountBody
		decode(t, free, &a)
		decode(t, taken, &b)
		if b.Owner == nil || b.Owner.Email != "admin@orbit.example" {
			t.Errorf("taken owner = %+v, want the address asked for", b.Owner)
		}
		if password == "" {
			// the same link shape for both: the Owner invitation's
			for _, o := range []*accountBody{&a, &b} {
				if !strings.HasPrefix(o.Owner.InvitationURL, "http://acme.localhost/invitations/") {
					t.Errorf("set_password_url = %q, want an invitation link on acme.localhost", o.Owner.InvitationURL)
				}
			}
			// and the same members and invitations on the new account:
			// nobody yet, one pending Owner invitation to the address
			for _, tt := range []struct{ id, email string }{{a.ID, "olive@free.example"}, {b.ID, "admin@orbit.example"}} {
				var members struct{ Items []struct{ Email string } }
				decode(t, acme.api(http.MethodGet, "/api/v1/accounts/"+tt.id+"/members", token, nil), &members)
				var invs struct {
					Items []struct{ Email, Role string }
				}
				decode(t, acme.api(http.MethodGet, "/api/v1/accounts/"+tt.id+"/invitations", token, nil), &invs)
				if len(members.Items) != 0 || len(invs.Items) != 1 || invs.Items[0].Email != tt.email || invs.Items[0].Role != "Owner" {
					t.Errorf("%s: members %+v, invitations %+v; want none and one Owner invitation", tt.email, members.Items, invs.Items)
				}
			}
		}
	}

	// the panel
	acme.login("admin@acme.example")
	created := regexp.MustCompile(`(?s)data-testid="account-created".*Create another`)
	page := func(name, email string) string {
		r := acme.submit("/reseller/accounts/new", "/reseller/accounts/new", url.Values{"kind": {"customer"}, "name": {name},
			"owner.name": {"Olive Owner"}, "owner.email": {email}})
		if r.Code != http.StatusCreated {
			t.Fatalf("create %s = %d, want 201: %s", name, r.Code, excerpt(r.body))
		}
		link, ok := byTestID(r.body, "set-password-url")
		if !ok || !strings.HasPrefix(link, "http://acme.localhost/invitations/") {
			t.Errorf("link = %q, want an invitation on acme.localhost", link)
		}
		// what differs by nature: the names typed, the new account's id
		// and the link's own path
		s := created.FindString(r.body)
		s = strings.NewReplacer(name, "NAME", email, "EMAIL").Replace(s)
		s = regexp.MustCompile(`/accounts/acc_[a-z0-9]+`).ReplaceAllString(s, "/accounts/ID")
		return regexp.MustCompile(`http://acme\.localhost/[^<"]+`).ReplaceAllString(s, "LINK")
	}
	free, taken := page("Free Form Farm", "olive.form@free.example"), page("Taken Form Farm", "owner@bluebakery.example")
	if free == "" || free != taken {
		t.Errorf("the panel answers differently:\nfree:  %s\ntaken: %s", free, taken)
	}
}

// A customer of a domainless reseller directly below the provider is
// served by no domain (the platform domain serves only the accounts
// directly below the provider): inviting to it, or creating it with an
// owner, is refused with 422 and the vendor to give a domain, not a dead
// link (issue 9 item 17).
func TestNoDomainInvite422(t *testing.T) {
	f := newFixture(t)
	portal := f.browser("portal.localhost")
	token := portal.token("admin@nimbus.example")
	var omega, tau accountBody
	r := portal.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "reseller", "name": "Omega Resale",
		"parent_id": f.accountID("Nimbus Cloud")})
	decode(t, r, &omega)
	r = portal.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer", "name": "Tau Trading",
		"parent_id": omega.ID})
	decode(t, r, &tau)
	if tau.ID == "" {
		t.Fatalf("create Tau: %d %s", r.Code, r.body)
	}
	const msg = "Omega Resale has no domain where its users sign in yet: add one first."
	for name, r := range map[string]*response{
		"invite": portal.api(http.MethodPost, "/api/v1/accounts/"+tau.ID+"/invitations", token,
			map[string]string{"email": "new@tau.example", "role": "Admin"}),
		"create with owner": portal.api(http.MethodPost, "/api/v1/accounts", token, map[string]any{"kind": "customer",
			"name": "Upsilon", "parent_id": omega.ID, "owner": map[string]string{"email": "u@upsilon.example", "name": "U"}}),
	} {
		var e apiErr
		decode(t, r, &e)
		if r.Code != http.StatusUnprocessableEntity || e.Error.Code != "no_domain" || e.Error.Message != msg {
			t.Errorf("%s = %d %+v, want 422 no_domain %q", name, r.Code, e.Error, msg)
		}
	}
}
