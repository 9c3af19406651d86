package accounts

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// auditObjects are the first words of the store's audit actions
// ("resource" in "resource.start"); login and logout stand alone.
var auditObjects = []string{"account", "act_as", "api_key", "api_token", "branding", "cost_center", "domain", "infrastructure",
	"invitation", "login", "membership", "metric", "plan", "platform", "resource", "role", "session", "settings", "usage", "user"}

var actionLiteral = regexp.MustCompile(`^([a-z]+(?:_[a-z]+)*)\.[a-z]+(?:_[a-z]+)*$`)

// TestEveryAuditActionHasWords reads every string literal of the store
// that looks like an audit action and fails for one the audit page has no
// words for: a new action must read as a sentence, not as its code.
func TestEveryAuditActionHasWords(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "store", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no store files: %v", err)
	}
	fset := token.NewFileSet()
	seen := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if m := actionLiteral.FindStringSubmatch(s); err == nil && m != nil && slices.Contains(auditObjects, m[1]) {
				seen[s] = true
			}
			return true
		})
	}
	for _, must := range []string{"resource.create", "resource.start", "resource.stop", "resource.resize", "resource.delete", "infrastructure.create"} {
		if !seen[must] {
			t.Errorf("the scan missed %s: it no longer finds the store's actions", must)
		}
	}
	for action := range seen {
		if _, ok := auditActions[action]; !ok && !strings.HasSuffix(action, ".view") && !strings.HasSuffix(action, ".manage") {
			t.Errorf("audit action %s has no words in auditActions", action)
		}
	}
}
