package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/password"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// TestAudit checks that every write leaves one audit event in the same
// transaction: who, on which account (with its path, so vendors can read
// their subtree's log), what, which object, when (the store's clock) and
// from where.
func TestAudit(t *testing.T) {
	ctx := context.Background()
	f := newDemo(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return now }

	var created *CreatedAccount
	tests := []struct {
		name string
		// write is nil for an event written by the previous case's write.
		write func(t *testing.T) error
		// the event expected, by names resolved after the write
		action, actor, account, summary string
		objectID                        func(t *testing.T) string
		ip                              string
	}{
		{"CreateAccount", func(t *testing.T) error {
			var err error
			created, err = f.acme(t).CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer, Name: "Kappa Kilns",
				Owner: &tenantry.NewOwner{Email: "kim@kappa.example", Name: "Kim"}}, testLinks)
			return err
		}, "account.create", "admin@acme.example", "Kappa Kilns", `created customer "Kappa Kilns" below "Acme Hosting"`,
			func(t *testing.T) string { return f.id(t, "Kappa Kilns") }, testIP},
		{"CreateAccountOwner", nil,
			"invitation.create", "admin@acme.example", "Kappa Kilns", "invited kim@kappa.example as Owner",
			func(*testing.T) string { return created.Invitation.ID }, testIP},
		{"Rename", func(t *testing.T) error {
			_, err := f.acme(t).UpdateAccount(ctx, f.id(t, "Kappa Kilns"), tenantry.AccountUpdate{Name: ptr("Kappa Kilns Ltd")})
			return err
		}, "account.update", "admin@acme.example", "Kappa Kilns Ltd", `name "Kappa Kilns" → "Kappa Kilns Ltd"`,
			func(t *testing.T) string { return f.id(t, "Kappa Kilns Ltd") }, testIP},
		{"Suspend", func(t *testing.T) error {
			_, err := f.provider(t).UpdateAccount(ctx, f.id(t, "Acme Hosting"), suspend("chargeback"))
			return err
		}, "account.suspend", "admin@nimbus.example", "Acme Hosting", "suspended with its subtree: chargeback",
			func(t *testing.T) string { return f.id(t, "Acme Hosting") }, testIP},
		{"Reactivate", func(t *testing.T) error {
			_, err := f.provider(t).UpdateAccount(ctx, f.id(t, "Acme Hosting"), reactivate())
			return err
		}, "account.reactivate", "admin@nimbus.example", "Acme Hosting", "reactivated with its subtree",
			func(t *testing.T) string { return f.id(t, "Acme Hosting") }, testIP},
		{"AddDomain", func(t *testing.T) error {
			return f.provider(t).AddDomain(ctx, f.id(t, "Orbit IT"), "panel.orbit.example")
		}, "domain.create", "admin@nimbus.example", "Orbit IT", "added domain panel.orbit.example",
			func(*testing.T) string { return "panel.orbit.example" }, testIP},
		{"SetResellersEnabled", func(t *testing.T) error {
			return f.provider(t).SetResellersEnabled(ctx, false)
		}, "settings.update", "admin@nimbus.example", "Nimbus Cloud", "Reseller programme turned off",
			func(t *testing.T) string { return f.id(t, "Nimbus Cloud") }, testIP},
		// the owner created without a password accepts the invitation as
		// a new person, choosing the password
		{"AcceptOwnerInvitation", func(t *testing.T) error {
			_, err := f.db.AcceptInvitation(ctx, f.tenantOf(t, "Acme Hosting"), created.InvitationToken, "", "Kim",
				password.Hash("kappa-kilns-2026"), "198.51.100.7")
			return err
		}, "invitation.accept", "kim@kappa.example", "Kappa Kilns Ltd", "kim@kappa.example joined as Owner",
			func(*testing.T) string { return created.Invitation.ID }, "198.51.100.7"},
		{"CreateAPIToken", func(t *testing.T) error {
			_, _, err := f.db.Me(f.tenant(t, "orbit.localhost"), f.user(t, "admin@orbit.example"), "198.51.100.8").CreateAPIToken(ctx, "deploy")
			return err
		}, "api_token.create", "admin@orbit.example", "Orbit IT", "created API token deploy",
			func(t *testing.T) string {
				var id string
				if err := f.db.read.QueryRow(`SELECT id FROM api_tokens WHERE name = 'deploy'`).Scan(&id); err != nil {
					t.Fatal(err)
				}
				return id
			}, "198.51.100.8"},
		{"RecordLogin", func(t *testing.T) error {
			return f.db.RecordLogin(ctx, f.tenant(t, "orbit.localhost"), f.user(t, "admin@orbit.example").ID,
				"admin@orbit.example", "login", "signed in", "198.51.100.9")
		}, "login", "admin@orbit.example", "Orbit IT", "signed in", func(*testing.T) string { return "" }, "198.51.100.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.write != nil {
				now = now.Add(time.Minute)
				if err := tt.write(t); err != nil {
					t.Fatalf("write: %v", err)
				}
			}
			evs := auditEvents(t, f.db, tt.action)
			if len(evs) == 0 {
				t.Fatalf("no %s event", tt.action)
			}
			got := evs[len(evs)-1]
			acc := f.acc(t, tt.account)
			want := auditRow{ActorID: f.user(t, tt.actor).ID, ActorEmail: tt.actor, AccountID: acc.ID, AccountPath: acc.Path,
				Action: tt.action, ObjectID: tt.objectID(t), Summary: tt.summary, IP: tt.ip, At: now, ObjectType: got.ObjectType}
			if got != want {
				t.Errorf("event = %+v\nwant    %+v", got, want)
			}
			if got.ObjectType == "" {
				t.Errorf("event has no object type")
			}
		})
	}

	t.Run("VendorReadsSubtreeByPath", func(t *testing.T) {
		// every event on an account below Acme lies in Acme's path range
		acme := f.acc(t, "Acme Hosting")
		where, args := subtree("account_path", acme.Path)
		var n int
		if err := f.db.read.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE `+where, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		var want int
		if err := f.db.read.QueryRow(`SELECT COUNT(*) FROM audit_events e JOIN accounts a ON a.id = e.account_id
			WHERE a.path LIKE ? || '%'`, acme.Path).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if n != want || n == 0 {
			t.Errorf("events in Acme's path range = %d, want %d (and some)", n, want)
		}
	})

	t.Run("SummariesNeverHoldSecrets", func(t *testing.T) {
		rows, err := f.db.read.Query(`SELECT summary FROM audit_events`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			if created.InvitationToken == "" {
				t.Fatal("no invitation token to look for")
			}
			if strings.Contains(s, created.InvitationToken) || strings.Contains(s, DemoPassword) ||
				strings.Contains(s, "kappa-kilns-2026") || strings.Contains(s, "$argon2id$") {
				t.Errorf("summary %q holds a secret", s)
			}
		}
	})
}
