package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenantry/tenantry/internal/money"
	"github.com/tenantry/tenantry/internal/tenantry"
	"github.com/tenantry/tenantry/internal/usage"
)

// bigTree adds resellers × customers accounts below the demo provider,
// straight through the store's insert helpers (no password hashing), and
// returns the database and the id of the first new reseller.
func bigTree(b *testing.B, resellers, customers int) (*DB, string) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "big.db")
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.System("demo").LoadDemo(ctx); err != nil {
		b.Fatal(err)
	}
	provider, err := db.TenantByHost(ctx, "portal.localhost")
	if err != nil {
		b.Fatal(err)
	}
	first := ""
	err = db.inTx(ctx, func(tx *tx) error {
		for r := range resellers {
			res := &tenantry.Account{Kind: tenantry.KindReseller, Name: fmt.Sprintf("Reseller %04d", r), Status: tenantry.StatusActive}
			if err := insertAccount(ctx, tx, res, &provider.Account); err != nil {
				return err
			}
			if first == "" {
				first = res.ID
			}
			for c := range customers {
				cu := &tenantry.Account{Kind: tenantry.KindCustomer, Name: fmt.Sprintf("Customer %04d-%04d", r, c), Status: tenantry.StatusActive}
				if err := insertAccount(ctx, tx, cu, res); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return db, first
}

func providerScope(b *testing.B, db *DB) *Scope {
	b.Helper()
	ctx := context.Background()
	t, err := db.TenantByHost(ctx, "portal.localhost")
	if err != nil {
		b.Fatal(err)
	}
	u, err := db.UserByEmail(ctx, "admin@nimbus.example")
	if err != nil {
		b.Fatal(err)
	}
	a, err := db.ActorFor(ctx, t, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	return db.Scope(t, a, testIP)
}

// BenchmarkAccountsSubtree lists the first page of one reseller's 200
// customers in a platform of 10,000 accounts, as the reseller panel does.
func BenchmarkAccountsSubtree(b *testing.B) {
	db, reseller := bigTree(b, 50, 200)
	s := providerScope(b, db)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		page, err := s.Accounts(ctx, AccountFilter{Under: reseller, Limit: 50})
		if err != nil || page.Total != 200 {
			b.Fatalf("page = %v, %v", page, err)
		}
	}
}

// BenchmarkProviderDashboard counts the whole 10,000-account tree and
// lists its first page, as the provider's dashboard does.
func BenchmarkProviderDashboard(b *testing.B) {
	db, _ := bigTree(b, 50, 200)
	s := providerScope(b, db)
	ctx := context.Background()
	root := s.actor.Grants[0].Account.ID
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Stats(ctx, root); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Accounts(ctx, AccountFilter{Under: root, Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSubtreeQueriesUseTheIndex checks that a subtree is one range scan on
// the path index, never a full scan of the accounts table.
func TestSubtreeQueriesUseTheIndex(t *testing.T) {
	f := newDemo(t)
	where, args := subtree("a.path", "/acc_x/")
	rows, err := f.db.read.Query(`EXPLAIN QUERY PLAN SELECT a.id FROM accounts a WHERE `+where, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "SEARCH a USING") || !strings.Contains(got, "path>? AND path<?") {
		t.Errorf("query plan = %q, want a range search on the path index", got)
	}
}

// BenchmarkDelegateSignedIn is what every request of a busy delegate costs
// (MetalCloud's referral scenario at scale): Acme's admin on the platform
// domain, delegate of 500 infrastructures of 100 customers in a platform of
// 10,000 accounts, is loaded as an actor and lists the first page of
// everything it reaches.
func BenchmarkDelegateSignedIn(b *testing.B) {
	db, reseller := bigTree(b, 50, 200)
	ctx := context.Background()
	ops, err := db.UserByEmail(ctx, "admin@acme.example")
	if err != nil {
		b.Fatal(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM accounts WHERE parent_id = ? ORDER BY id LIMIT 100`, reseller)
	if err != nil {
		b.Fatal(err)
	}
	var customers []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		customers = append(customers, id)
	}
	rows.Close()
	err = db.inTx(ctx, func(tx *tx) error {
		for _, c := range customers {
			for i := range 5 {
				id := tenantry.NewID("inf")
				if _, err := tx.ExecContext(ctx, `INSERT INTO infrastructures (id, account_id, name, status, created_at, updated_at)
					VALUES (?, ?, ?, 'active', 0, 0)`, id, c, fmt.Sprintf("infra-%d", i)); err != nil {
					return err
				}
				if err := insertInfraGrant(ctx, tx, id, ops.ID, ""); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	t, err := db.TenantByHost(ctx, "portal.localhost")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		a, err := db.ActorFor(ctx, t, ops.ID)
		if err != nil || len(a.Infras) != 500 {
			b.Fatalf("actor = %d grants, %v", len(a.Infras), err)
		}
		page, err := db.Scope(t, a, testIP).ReachedInfrastructures(ctx, InfraFilter{Limit: 50})
		if err != nil || page.Total < 500 {
			b.Fatalf("page = %+v, %v", page, err)
		}
	}
}

// BenchmarkIngestUsage posts 1,000-record batches of fresh keys for one
// infrastructure, as an integration does: the store's share of POST
// /api/v1/usage (make bench measures the whole request).
func BenchmarkIngestUsage(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "ingest.db")
	copyFile(b, demoTemplate, path)
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	sys := db.System("bench")
	var infra string
	if err := db.read.QueryRow(`SELECT id FROM infrastructures WHERE status = 'active' ORDER BY id LIMIT 1`).Scan(&infra); err != nil {
		b.Fatal(err)
	}
	start := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	if usage.MonthStart(start) != usage.MonthStart(start.Add(time.Minute)) {
		start = start.Add(-2 * time.Minute)
	}
	batch := make([]usage.Input, 1000)
	b.ResetTimer()
	for i := range b.N {
		for j := range batch {
			batch[j] = usage.Input{InfrastructureID: infra, Metric: "network.egress", Quantity: money.Micro(j * 1000),
				Start: start, End: start.Add(time.Minute), Key: fmt.Sprintf("bench-%d-%d", i, j)}
		}
		r, err := sys.IngestUsage(ctx, usage.SourceAPI, batch)
		if err != nil || r.Accepted != len(batch) {
			b.Fatalf("%v %v", r, err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "records/s")
}
