package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tenantry/tenantry/internal/mail"
	"github.com/tenantry/tenantry/internal/tenantry"
)

// Every page a panel's navigation links to is titled (<title> and <h1>)
// with the item's label, so a user recognises where a link took them. An
// <h1> may go on to name whose page it is ("Users of Acme Hosting").
func TestNavLabelsMatchPageTitles(t *testing.T) {
	f := newFixture(t)
	logins := map[string][2]string{
		"provider": {"portal.localhost", "admin@nimbus.example"},
		"reseller": {"acme.localhost", "admin@acme.example"},
		"app":      {"acme.localhost", "owner@bluebakery.example"},
	}
	// the end user's dashboard is headed with the customer's own name
	exempt := map[string]string{"app dashboard": "headed with the account's name"}
	title := regexp.MustCompile(`<title>([^<]*)</title>`)
	h1 := regexp.MustCompile(`<h1[^>]*>([^<]*)<`)
	label := regexp.MustCompile(`data-testid="nav-([a-z-]+)"[^>]*>([^<]*)<`)
	for panel, login := range logins {
		t.Run(panel, func(t *testing.T) {
			b := f.browser(login[0])
			b.login(login[1])
			labels := map[string]string{}
			for _, m := range label.FindAllStringSubmatch(b.get(panelNav[panel][0][1]).body, -1) {
				labels[m[1]] = html.UnescapeString(m[2])
			}
			if len(labels) < 5 {
				t.Fatalf("nav labels = %v, want the panel's menu", labels)
			}
			for _, item := range panelNav[panel] {
				key, path := item[0], item[1]
				want, ok := labels[key]
				if !ok {
					t.Errorf("no nav item %s", key)
					continue
				}
				r := b.get(path)
				got := ""
				if m := title.FindStringSubmatch(r.body); m != nil {
					got, _, _ = strings.Cut(html.UnescapeString(m[1]), " · ")
				}
				if got != want {
					t.Errorf("%s: <title> %q, nav label %q", path, got, want)
				}
				if _, skip := exempt[panel+" "+key]; skip {
					continue
				}
				heading := ""
				if m := h1.FindStringSubmatch(r.body); m != nil {
					heading = strings.TrimSpace(html.UnescapeString(m[1]))
				}
				if heading != want && !strings.HasPrefix(heading, want+" of ") {
					t.Errorf("%s: <h1> %q, nav label %q", path, heading, want)
				}
			}
		})
	}
}

// The plan editor says what its markup applies to and in which currency a
// margin is; the account list names organization anchors for what they are.
func TestWordsOnPlanAndAccountPages(t *testing.T) {
	f := newFixture(t)
	id := planID(t, f, "acme.localhost", "admin@acme.example", "Acme Hosting", "Acme Retail")
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	page := b.get("/reseller/plans/" + id).body
	for _, want := range []string{"Markup on imported cloud costs (%)", "Applies to costs imported from linked cloud accounts"} {
		if !strings.Contains(page, want) {
			t.Errorf("plan editor lacks %q", want)
		}
	}
	margin, ok := byTestID(page, "margin")
	if !ok || !strings.HasSuffix(margin, " USD") {
		t.Errorf("margin = %q, want it in USD", margin)
	}
	list := b.get("/reseller/accounts").body
	for _, want := range []string{"Organization anchor: No", "<th>Organization anchor</th>"} {
		if !strings.Contains(list, want) {
			t.Errorf("account list lacks %q", want)
		}
	}
	if strings.Contains(list, "Parent organization") {
		t.Error("the account list still says Parent organization")
	}
}

// The account list sorts by name, status or creation on the server, and
// its pager goes back as well as forward, keeping the sort and filters.
func TestAccountListSortAndPager(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	acme := f.scope("acme.localhost", "admin@acme.example")
	for i := range 55 {
		if _, err := acme.CreateAccount(ctx, tenantry.NewAccount{Kind: tenantry.KindCustomer,
			Name: fmt.Sprintf("Zz Pager %02d", i)}, mail.Links{Scheme: "http"}); err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser("acme.localhost")
	b.login("admin@acme.example")
	names := regexp.MustCompile(`data-testid="account-name">([^<]*)<`)
	listed := func(body string) []string {
		var out []string
		for _, m := range names.FindAllStringSubmatch(body, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return out
	}
	href := func(body, id string) string {
		m := regexp.MustCompile(`href="([^"]+)"[^>]*data-testid="` + id + `"`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}

	first := b.get("/reseller/accounts?sort=-name&kind=customer")
	if first.Code != http.StatusOK {
		t.Fatalf("sorted list = %d", first.Code)
	}
	got := listed(first.body)
	if len(got) != 50 || got[0] != "Zz Pager 54" || got[1] != "Zz Pager 53" {
		t.Fatalf("first page sorted by -name = %v…, want Zz Pager 54, 53, …", got[:min(3, len(got))])
	}
	if href(first.body, "pager-prev") != "" {
		t.Error("the first page offers Previous")
	}
	next := href(first.body, "pager-next")
	if !strings.Contains(next, "sort=-name") || !strings.Contains(next, "kind=customer") || !strings.Contains(next, "page=2") {
		t.Fatalf("Next = %q, want page 2 with the sort and filter kept", next)
	}
	second := b.get(next)
	if got := listed(second.body); len(got) == 0 || got[0] != "Zz Pager 04" {
		t.Errorf("second page starts with %v, want Zz Pager 04", got)
	}
	prev := href(second.body, "pager-prev")
	if !strings.Contains(prev, "sort=-name") || strings.Contains(prev, "page=") {
		t.Fatalf("Previous = %q, want the first page with the sort kept", prev)
	}
	if back := listed(b.get(prev).body); !slices.Equal(back, got) {
		t.Errorf("Previous leads to %v…, want the first page again", back[:min(3, len(back))])
	}
	if !strings.Contains(first.body, `name="sort" value="-name"`) {
		t.Error("the search form drops the sort")
	}
	// the header of the sorted column reverses it
	if h := href(first.body, "sort-name"); !strings.Contains(h, "sort=name") || strings.Contains(h, "sort=-name") {
		t.Errorf("Name header = %q, want ascending next", h)
	}
	if r := b.get("/reseller/accounts?sort=contact_email"); r.Code != http.StatusOK {
		t.Errorf("an unknown sort = %d, want the list in tree order", r.Code)
	}
}
