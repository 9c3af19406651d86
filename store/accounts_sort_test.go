package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/tenantry"
)

func TestAccountsSort(t *testing.T) {
	ctx := context.Background()
	f := newDemo(t)
	s := f.acme(t)
	acme := f.id(t, "Acme Hosting")
	all, err := s.Accounts(ctx, AccountFilter{Under: acme, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Items) < 3 {
		t.Fatalf("acme lists %d accounts, want a few to sort", len(all.Items))
	}
	names := func(p *AccountPage) []string {
		var out []string
		for _, a := range p.Items {
			out = append(out, a.Name)
		}
		return out
	}
	byName := slices.SortedFunc(slices.Values(names(all)), func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	for _, tc := range []struct {
		sort string
		want []string
	}{
		{"name", byName},
		{"-name", func() []string { r := slices.Clone(byName); slices.Reverse(r); return r }()},
	} {
		t.Run(tc.sort, func(t *testing.T) {
			p, err := s.Accounts(ctx, AccountFilter{Under: acme, Sort: tc.sort, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(p); !slices.Equal(got, tc.want) {
				t.Errorf("sort %s = %v, want %v", tc.sort, got, tc.want)
			}
		})
	}
	t.Run("CreatedAndStatus", func(t *testing.T) {
		for _, sort := range []string{"created", "-created", "status"} {
			p, err := s.Accounts(ctx, AccountFilter{Under: acme, Sort: sort, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			ok := slices.IsSortedFunc(p.Items, func(a, b tenantry.Account) int {
				switch sort {
				case "created":
					return a.CreatedAt.Compare(b.CreatedAt)
				case "-created":
					return b.CreatedAt.Compare(a.CreatedAt)
				}
				return strings.Compare(string(a.Status), string(b.Status))
			})
			if !ok || len(p.Items) != len(all.Items) {
				t.Errorf("sort %s: %d items, not in order", sort, len(p.Items))
			}
		}
	})
	t.Run("OffsetPages", func(t *testing.T) {
		first, err := s.Accounts(ctx, AccountFilter{Under: acme, Sort: "name", Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.Accounts(ctx, AccountFilter{Under: acme, Sort: "name", Limit: 2, Offset: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got := append(names(first), names(second)...); !slices.Equal(got, byName[:min(4, len(byName))]) {
			t.Errorf("pages 1 and 2 = %v, want %v", got, byName[:min(4, len(byName))])
		}
		if first.NextCursor != "" {
			t.Errorf("a sorted page has a tree-order cursor %q", first.NextCursor)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		_, err := s.Accounts(ctx, AccountFilter{Under: acme, Sort: "contact_email; DROP TABLE accounts"})
		wantField(t, err, tenantry.EINVALID, "sort")
		_, err = s.Accounts(ctx, AccountFilter{Under: acme, Sort: "name", Cursor: all.NextCursor + "Lw"})
		wantField(t, err, tenantry.EINVALID, "cursor")
	})
}
