package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/tenantry"
)

func TestAPIKeys(t *testing.T) {
	f := newDemo(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return now }
	bakery := f.acc(t, "Blue Bakery")
	acme := f.tenant(t, "acme.localhost")
	owner := f.scope(t, "acme.localhost", "owner@bluebakery.example")

	key, secret, err := owner.CreateAPIKey(ctx, bakery.ID, tenantry.APIKeyInput{Name: "  metering  ",
		Scopes: []string{"read", "usage:write", "read"}})
	if err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	if !strings.HasPrefix(secret, "tak_") || len(secret) < 40 {
		t.Errorf("secret = %q, want tak_ and at least 40 characters", secret)
	}
	if key.Name != "metering" || !slices.Equal(key.Scopes, []string{"usage:write", "read"}) || key.AccountID != bakery.ID ||
		key.CreatedBy != "owner@bluebakery.example" || !key.CreatedAt.Equal(now) {
		t.Errorf("key = %+v, want metering with usage:write,read on Blue Bakery by its owner", key)
	}

	t.Run("StoredHashed", func(t *testing.T) {
		var hash string
		if err := f.db.read.QueryRow(`SELECT key_hash FROM api_keys WHERE id = ?`, key.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if hash != hashToken(secret) {
			t.Errorf("key_hash = %q, want the SHA-256 of the secret", hash)
		}
		var n int
		if err := f.db.read.QueryRow(`SELECT COUNT(*) FROM api_keys WHERE instr(key_hash || name || scopes, ?) > 0`,
			strings.TrimPrefix(secret, "tak_")).Scan(&n); err != nil || n != 0 {
			t.Errorf("the secret is stored in clear (%d rows, %v)", n, err)
		}
	})

	t.Run("Audited", func(t *testing.T) {
		evs := auditEvents(t, f.db, "api_key.create")
		ownerID := f.user(t, "owner@bluebakery.example").ID
		if len(evs) != 1 || evs[0].AccountID != bakery.ID || evs[0].ActorID != ownerID || evs[0].ObjectID != key.ID ||
			!strings.Contains(evs[0].Summary, `"metering"`) || !strings.Contains(evs[0].Summary, "usage:write, read") {
			t.Errorf("api_key.create events = %+v, want one on Blue Bakery by its owner naming the key and scopes", evs)
		}
	})

	t.Run("Listed", func(t *testing.T) {
		list, err := owner.APIKeys(ctx, bakery.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != key.ID || !list[0].Live() || list[0].CreatedBy != "owner@bluebakery.example" ||
			!list[0].LastUsedAt.IsZero() || list[0].Elsewhere || !slices.Equal(list[0].Scopes, key.Scopes) {
			t.Errorf("APIKeys = %+v, want the live key, never used", list)
		}
		// the same key listed by the provider on its platform domain: made
		// on another domain
		list, err = f.provider(t).APIKeys(ctx, bakery.ID)
		if err != nil || len(list) != 1 || !list[0].Elsewhere {
			t.Errorf("provider's APIKeys = %+v, %v; want the key, marked as made elsewhere", list, err)
		}
	})

	t.Run("VendorAboveMasked", func(t *testing.T) {
		// made by the provider's admin on the platform domain: on Acme's
		// domain the provider behind the brand is not named
		pk, _, err := f.provider(t).CreateAPIKey(ctx, bakery.ID, tenantry.APIKeyInput{Name: "from above", Scopes: []string{"read"}})
		if err != nil {
			t.Fatal(err)
		}
		list, err := owner.APIKeys(ctx, bakery.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(list, func(k tenantry.APIKey) bool { return k.ID == pk.ID })
		if i < 0 || list[i].CreatedBy != VendorStaff || !list[i].Elsewhere {
			t.Errorf("the provider's key as listed on Acme's domain = %+v, want made by %q, elsewhere", list, VendorStaff)
		}
		if _, err := f.provider(t).RevokeAPIKey(ctx, pk.ID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Actor", func(t *testing.T) {
		a, err := f.db.APIKeyActor(ctx, acme, secret)
		if err != nil {
			t.Fatalf("APIKeyActor: %v", err)
		}
		if a.APIKey == nil || a.APIKey.ID != key.ID || !a.APIKey.Has("read") || !a.APIKey.Has("usage:write") {
			t.Errorf("actor's key = %+v, want %s with both scopes", a.APIKey, key.ID)
		}
		if a.User.ID != "" || a.User.Email != "API key metering" {
			t.Errorf("actor's user = %+v, want no id and the label \"API key metering\"", a.User)
		}
		if len(a.Grants) != 1 || a.Grants[0].Account.ID != bakery.ID || a.Grants[0].Via != "api_key" {
			t.Fatalf("grants = %+v, want one on Blue Bakery", a.Grants)
		}
		for _, p := range []tenantry.Permission{tenantry.PermAccountView, tenantry.PermInfraView, tenantry.PermInfraManage,
			tenantry.PermAuditView} {
			if err := tenantry.Authorize(a, p, bakery); err != nil {
				t.Errorf("Authorize(%s) = %v, want allowed", p, err)
			}
		}
		for _, p := range []tenantry.Permission{tenantry.PermAccountManage, tenantry.PermUsersManage, tenantry.PermBillingManage} {
			if err := tenantry.Authorize(a, p, bakery); tenantry.ErrorKind(err) != tenantry.EFORBIDDEN {
				t.Errorf("Authorize(%s) = %v, want forbidden", p, err)
			}
		}
		// through a scope, the key sees its account and nothing beside it
		s := f.db.Scope(acme, a, testIP)
		if _, err := s.Account(ctx, bakery.ID); err != nil {
			t.Errorf("the key reads its account: %v", err)
		}
		_, err = s.Account(ctx, f.id(t, "Cobalt Law"))
		wantKind(t, err, tenantry.ENOTFOUND)
		// a key cannot make keys: it has no account.manage
		_, _, err = s.CreateAPIKey(ctx, bakery.ID, tenantry.APIKeyInput{Name: "child", Scopes: []string{"read"}})
		wantKind(t, err, tenantry.EFORBIDDEN)
	})

	t.Run("ScopesGivePermissions", func(t *testing.T) {
		k, sec, err := owner.CreateAPIKey(ctx, bakery.ID, tenantry.APIKeyInput{Name: "reader", Scopes: []string{"read"}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.db.APIKeyActor(ctx, acme, sec)
		if err != nil || a.APIKey.ID != k.ID {
			t.Fatalf("APIKeyActor = %+v, %v", a, err)
		}
		if err := tenantry.Authorize(a, tenantry.PermInfraManage, bakery); tenantry.ErrorKind(err) != tenantry.EFORBIDDEN {
			t.Errorf("a read key's infra.manage = %v, want forbidden", err)
		}
		k, sec, err = owner.CreateAPIKey(ctx, bakery.ID, tenantry.APIKeyInput{Name: "meter", Scopes: []string{"usage:write"}})
		if err != nil {
			t.Fatal(err)
		}
		if a, err = f.db.APIKeyActor(ctx, acme, sec); err != nil || a.APIKey.ID != k.ID || a.APIKey.Has("read") {
			t.Fatalf("APIKeyActor = %+v, %v", a, err)
		}
		if err := tenantry.Authorize(a, tenantry.PermAuditView, bakery); tenantry.ErrorKind(err) != tenantry.EFORBIDDEN {
			t.Errorf("a usage key's audit.view = %v, want forbidden", err)
		}
	})

	t.Run("OnlyOnItsTenant", func(t *testing.T) {
		for _, tn := range []*tenantry.Tenant{f.tenant(t, "portal.localhost"), f.tenant(t, "orbit.localhost"),
			f.tenantOf(t, "Beta Resale")} {
			_, err := f.db.APIKeyActor(ctx, tn, secret)
			wantKind(t, err, tenantry.ENOTFOUND)
		}
		for _, s := range []string{"", "tak_nope", strings.ToUpper(secret)} {
			_, err := f.db.APIKeyActor(ctx, acme, s)
			wantKind(t, err, tenantry.ENOTFOUND)
		}
	})

	t.Run("Touch", func(t *testing.T) {
		used := func() time.Time {
			list, err := owner.APIKeys(ctx, bakery.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range list {
				if k.ID == key.ID {
					return k.LastUsedAt
				}
			}
			t.Fatal("key not listed")
			return time.Time{}
		}
		if err := f.db.TouchAPIKey(ctx, key.ID); err != nil {
			t.Fatal(err)
		}
		first := now
		if got := used(); !got.Equal(first) {
			t.Errorf("last used = %v, want %v", got, first)
		}
		now = now.Add(30 * time.Second)
		if err := f.db.TouchAPIKey(ctx, key.ID); err != nil {
			t.Fatal(err)
		}
		if got := used(); !got.Equal(first) {
			t.Errorf("last used after 30 s = %v, want it unchanged (%v)", got, first)
		}
		now = now.Add(APIKeyTouchEvery)
		if err := f.db.TouchAPIKey(ctx, key.ID); err != nil {
			t.Fatal(err)
		}
		if got := used(); !got.Equal(now) {
			t.Errorf("last used after a minute more = %v, want %v", got, now)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		before := f.snapshot(t)
		for _, tt := range []struct {
			name  string
			in    tenantry.APIKeyInput
			field string
		}{
			{"NoName", tenantry.APIKeyInput{Name: "  ", Scopes: []string{"read"}}, "name"},
			{"LongName", tenantry.APIKeyInput{Name: strings.Repeat("n", 101), Scopes: []string{"read"}}, "name"},
			{"Unprintable", tenantry.APIKeyInput{Name: "a\u202eb", Scopes: []string{"read"}}, "name"},
			{"NoScope", tenantry.APIKeyInput{Name: "x"}, "scopes"},
			{"UnknownScope", tenantry.APIKeyInput{Name: "x", Scopes: []string{"read", "admin"}}, "scopes"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := owner.CreateAPIKey(ctx, bakery.ID, tt.in)
				wantField(t, err, tenantry.EINVALID, tt.field)
			})
		}
		f.assertUnchanged(t, before)
	})

	t.Run("Authorization", func(t *testing.T) {
		f.addMember(t, "Blue Bakery", "ops@bluebakery.example", tenantry.RoleOps)
		f.addMember(t, "Blue Bakery", "billing@bluebakery.example", tenantry.RoleBilling)
		f.addMember(t, "Blue Bakery", "admin2@bluebakery.example", tenantry.RoleAdmin)
		for _, email := range []string{"ops@bluebakery.example", "billing@bluebakery.example"} {
			t.Run(email, func(t *testing.T) {
				s := f.scope(t, "acme.localhost", email)
				before := f.snapshot(t)
				_, _, err := s.CreateAPIKey(ctx, bakery.ID, tenantry.APIKeyInput{Name: "x", Scopes: []string{"read"}})
				wantKind(t, err, tenantry.EFORBIDDEN)
				_, err = s.APIKeys(ctx, bakery.ID)
				wantKind(t, err, tenantry.EFORBIDDEN)
				_, err = s.RevokeAPIKey(ctx, key.ID)
				wantKind(t, err, tenantry.EFORBIDDEN)
				f.assertUnchanged(t, before)
			})
		}
		// an Admin and the vendor's staff above may
		if _, _, err := f.scope(t, "acme.localhost", "admin2@bluebakery.example").CreateAPIKey(ctx, bakery.ID,
			tenantry.APIKeyInput{Name: "by admin", Scopes: []string{"read"}}); err != nil {
			t.Errorf("the customer's Admin: %v", err)
		}
		vk, _, err := f.acme(t).CreateAPIKey(ctx, bakery.ID, tenantry.APIKeyInput{Name: "by vendor", Scopes: []string{"read"}})
		if err != nil {
			t.Fatalf("the vendor's admin: %v", err)
		}
		if evs := auditEvents(t, f.db, "api_key.create"); evs[len(evs)-1].ActorEmail != "admin@acme.example" || evs[len(evs)-1].ObjectID != vk.ID {
			t.Errorf("last api_key.create = %+v, want the vendor's admin", evs[len(evs)-1])
		}
		// another tenant's staff: not found, whatever they ask
		for _, v := range []struct{ host, email string }{{"orbit.localhost", "admin@orbit.example"},
			{"acme.localhost", "owner@cobaltlaw.example"}} {
			s := f.scope(t, v.host, v.email)
			before := f.snapshot(t)
			_, _, err := s.CreateAPIKey(ctx, bakery.ID, tenantry.APIKeyInput{Name: "x", Scopes: []string{"read"}})
			wantKind(t, err, tenantry.ENOTFOUND)
			_, err = s.APIKeys(ctx, bakery.ID)
			wantKind(t, err, tenantry.ENOTFOUND)
			_, err = s.RevokeAPIKey(ctx, key.ID)
			wantKind(t, err, tenantry.ENOTFOUND)
			f.assertUnchanged(t, before)
		}
	})

	t.Run("Revoke", func(t *testing.T) {
		got, err := owner.RevokeAPIKey(ctx, key.ID)
		if err != nil || got.Name != "metering" || !got.RevokedAt.Equal(now) {
			t.Fatalf("RevokeAPIKey = %+v, %v", got, err)
		}
		_, err = f.db.APIKeyActor(ctx, acme, secret)
		wantKind(t, err, tenantry.ENOTFOUND)
		before := f.snapshot(t)
		now = now.Add(time.Hour)
		if got, err := owner.RevokeAPIKey(ctx, key.ID); err != nil || !got.RevokedAt.Equal(now.Add(-time.Hour)) {
			t.Errorf("revoking again = %+v, %v; want the first revocation, unchanged", got, err)
		}
		f.assertUnchanged(t, before)
		evs := auditEvents(t, f.db, "api_key.revoke")
		evs = slices.DeleteFunc(evs, func(e auditRow) bool { return e.ObjectID != key.ID })
		if len(evs) != 1 || evs[0].ObjectID != key.ID || evs[0].AccountID != bakery.ID || !strings.Contains(evs[0].Summary, `"metering"`) {
			t.Errorf("api_key.revoke events = %+v, want one naming the key", evs)
		}
		list, err := owner.APIKeys(ctx, bakery.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(list, func(k tenantry.APIKey) bool { return k.ID == key.ID })
		if i < 0 || list[i].Live() {
			t.Errorf("listed after revoking = %+v, want it revoked", list)
		}
		_, err = owner.RevokeAPIKey(ctx, "key_doesnotexist")
		wantKind(t, err, tenantry.ENOTFOUND)
	})

	t.Run("SuspendedAccountUnusable", func(t *testing.T) {
		_, sec, err := owner.CreateAPIKey(ctx, bakery.ID, tenantry.APIKeyInput{Name: "soon suspended", Scopes: []string{"read"}})
		if err != nil {
			t.Fatal(err)
		}
		suspended := tenantry.StatusSuspended
		if _, err := f.acme(t).UpdateAccount(ctx, bakery.ID, tenantry.AccountUpdate{Status: &suspended, SuspendReason: ptr("unpaid")}); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.APIKeyActor(ctx, acme, sec)
		wantKind(t, err, tenantry.ENOTFOUND)
	})

	t.Run("KeyActorAudited", func(t *testing.T) {
		// a key's own changes name it and no user: a system of record for
		// what an integration did
		f2 := newDemo(t)
		s := f2.scope(t, "acme.localhost", "owner@bluebakery.example")
		b := f2.acc(t, "Blue Bakery")
		_, sec, err := s.CreateAPIKey(ctx, b.ID, tenantry.APIKeyInput{Name: "meter", Scopes: []string{"usage:write"}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := f2.db.APIKeyActor(ctx, f2.tenant(t, "acme.localhost"), sec)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f2.db.Scope(f2.tenant(t, "acme.localhost"), a, testIP).CreateInfrastructure(ctx, b.ID,
			tenantry.NewInfrastructure{Name: "by-key"}); err != nil {
			t.Fatalf("a usage key manages infrastructures in the store: %v", err)
		}
		evs := auditEvents(t, f2.db, "infrastructure.create")
		last := evs[len(evs)-1]
		if last.ActorID != "" || last.ActorEmail != "API key meter" {
			t.Errorf("audit actor = %q %q, want no user id and \"API key meter\"", last.ActorID, last.ActorEmail)
		}
	})
}
