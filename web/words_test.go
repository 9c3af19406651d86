package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
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
