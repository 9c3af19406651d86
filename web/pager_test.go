package web

import (
	"net/url"
	"testing"
)

// cursorPager walks three pages forward and back: Previous always lands
// on the page before, with the filters kept.
func TestCursorPager(t *testing.T) {
	q := url.Values{"q": {"node"}}
	next, prev, first := cursorPager("/list", q, "c2")
	if prev != "" || first != "" {
		t.Errorf("page 1: prev %q, first %q, want none", prev, first)
	}
	page2, _ := url.Parse(next)
	next, prev, first = cursorPager("/list", page2.Query(), "c3")
	if prev != "/list?q=node" || first != "/list?q=node" {
		t.Errorf("page 2: prev %q, first %q, want the first page", prev, first)
	}
	page3, _ := url.Parse(next)
	if got := page3.Query().Get("cursor"); got != "c3" {
		t.Fatalf("page 3 cursor = %q, want c3", got)
	}
	next, prev, _ = cursorPager("/list", page3.Query(), "")
	if next != "" {
		t.Errorf("last page offers Next %q", next)
	}
	back, _ := url.Parse(prev)
	if back.Query().Get("cursor") != "c2" || back.Query().Get("q") != "node" {
		t.Errorf("page 3's Previous = %q, want page 2 (cursor c2) of the search", prev)
	}
	if _, prev, _ := cursorPager("/list", back.Query(), "c3"); prev != "/list?q=node" {
		t.Errorf("page 2 reached by Previous: Previous = %q, want the first page", prev)
	}
}
