package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Every dashboard figure says what it counts, directly below or in the
// whole tree (issue 10 item 14): Acme's customers are 2 direct (the two
// its list shows) and 3 in its tree (Gamma Labs is its sub-reseller
// Beta's).
func TestDashboardCounts(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		host, email, path string
		want              map[string]string
		labels            map[string]string
	}{
		{"acme.localhost", "admin@acme.example", "/reseller",
			map[string]string{"stat-customers-direct": "2", "stat-customers": "3", "stat-resellers-direct": "1",
				"stat-resellers": "1", "stat-users": "6", "stat-staff": "1"},
			map[string]string{"label-customers": "direct customers", "label-resellers": "direct sub-reseller",
				"label-users": "users in your whole tree"}},
		{"portal.localhost", "admin@nimbus.example", "/provider",
			map[string]string{"stat-customers-direct": "2", "stat-customers": "7", "stat-resellers-direct": "2",
				"stat-resellers": "3", "stat-users": "12", "stat-staff": "1"},
			map[string]string{"label-customers": "direct customers", "label-resellers": "direct resellers"}},
	} {
		b := f.browser(tc.host)
		b.login(tc.email)
		r := b.get(tc.path)
		if r.Code != http.StatusOK {
			t.Fatalf("GET %s on %s = %d", tc.path, tc.host, r.Code)
		}
		for id, v := range tc.want {
			if got, _ := byTestID(r.body, id); got != v {
				t.Errorf("%s %s = %q, want %q", tc.host, id, got, v)
			}
		}
		for id, v := range tc.labels {
			if got, _ := byTestID(r.body, id); got != v {
				t.Errorf("%s %s = %q, want %q", tc.host, id, got, v)
			}
		}
		if n := strings.Count(r.body, "in your whole tree"); n < 3 {
			t.Errorf("%s: %d figures say they count the whole tree, want 3", tc.host, n)
		}
	}

	// the reseller's list of direct accounts agrees with the direct figures
	acme := f.browser("acme.localhost")
	acme.login("admin@acme.example")
	body := acme.get("/reseller").body
	kinds := regexp.MustCompile(`data-testid="account-row-[^"]+">\s*<td[^>]*>\s*<a[^>]*>[^<]*</a>\s*</td>\s*<td>(Customer|Reseller)</td>`).FindAllStringSubmatch(body, -1)
	customers, resellers := 0, 0
	for _, k := range kinds {
		if k[1] == "Customer" {
			customers++
		} else {
			resellers++
		}
	}
	if customers != 2 || resellers != 1 {
		t.Errorf("the list shows %d customers and %d resellers, want 2 and 1 as the direct figures say", customers, resellers)
	}
}
