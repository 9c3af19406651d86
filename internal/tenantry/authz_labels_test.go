package tenantry

import "testing"

// Every permission has a human name, distinct from the others.
func TestPermissionLabels(t *testing.T) {
	seen := map[string]Permission{}
	for _, p := range AllPermissions {
		l := p.Label()
		if l == string(p) || l == "" {
			t.Errorf("%s has no human name", p)
		}
		if q, dup := seen[l]; dup {
			t.Errorf("%s and %s are both %q", p, q, l)
		}
		seen[l] = p
	}
}
