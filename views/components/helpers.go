package components

import (
	"strconv"
	"strings"

	"github.com/tenantry/tenantry/internal/tenantry"
)

func inputType(t string) string {
	if t == "" {
		return "text"
	}
	return t
}

// StatusBadge returns the CSS class of an account status badge.
func StatusBadge(s tenantry.AccountStatus) string { return "badge " + string(s) }

// StatusLabel describes an account's status in words, including why a
// suspended one is suspended.
func StatusLabel(a *tenantry.Account) string {
	switch a.Suspension() {
	case "vendor":
		return "suspended with its vendor"
	case "own":
		return "suspended"
	}
	return string(a.Status)
}

// KindLabel names an account kind for people.
func KindLabel(k tenantry.AccountKind) string {
	if k == "" {
		return ""
	}
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

// IndentClass indents an account row by its depth below the list's root.
func IndentClass(depth int) string {
	if depth <= 0 {
		return ""
	}
	if depth > 4 {
		depth = 4
	}
	return "indent-" + string(rune('0'+depth))
}

// Plural picks the singular for one, the plural otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count writes "1 account", "3 accounts".
func Count(n int, one, many string) string { return strconv.Itoa(n) + " " + Plural(n, one, many) }
