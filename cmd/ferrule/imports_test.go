package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// importRule is one row of STYLE.md §2's import table: which ferrule
// packages a package may depend on (transitively), and which packages it
// must not import directly (standard library included).
type importRule struct {
	internal []string // allowed ferrule packages (prefix match on path)
	noDirect []string // forbidden direct imports
}

const module = "ferrule"

var reviewBans = []string{"ferrule/store", "ferrule/templates", "ferrule/mail/imappoll", "ferrule/mail/smtpsend", "os", "net", "net/http", "database/sql"}

var importRules = map[string]importRule{
	"ferrule/review/diff":        {},
	"ferrule/review/maintainers": {},
	"ferrule/mail":               {},
	"ferrule/mail/mailtest":      {},
	"ferrule/mail/imappoll":      {internal: []string{"ferrule/mail"}},
	"ferrule/mail/smtpsend":      {internal: []string{"ferrule/mail"}},
	"ferrule/review":             {internal: []string{"ferrule/mail", "ferrule/review/diff", "ferrule/review/maintainers"}, noDirect: reviewBans},
	"ferrule/review/rustcheck":   {internal: []string{"ferrule/review", "ferrule/mail", "ferrule/review/diff", "ferrule/review/maintainers"}, noDirect: reviewBans},
	"ferrule/store":              {internal: []string{"ferrule/review", "ferrule/mail", "ferrule/review/diff", "ferrule/review/maintainers"}, noDirect: []string{"ferrule/templates", "ferrule/mail/imappoll", "ferrule/mail/smtpsend"}},
	"ferrule/templates":          {internal: []string{"ferrule/review", "ferrule/mail", "ferrule/review/diff"}, noDirect: []string{"ferrule/store", "net", "net/http", "net/smtp"}},
}

// TestImportRules enforces STYLE.md §2 with go list -deps: every package
// has a rule, depends only on the ferrule packages its rule allows, and
// nothing imports cmd/.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var pkg struct {
			ImportPath string
			Imports    []string
			Deps       []string
		}
		if err := dec.Decode(&pkg); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		seen++
		for _, d := range pkg.Deps {
			if strings.HasPrefix(d, module+"/cmd/") {
				t.Errorf("%s depends on %s: nothing may import cmd/", pkg.ImportPath, d)
			}
		}
		if strings.HasPrefix(pkg.ImportPath, module+"/cmd/") {
			continue
		}
		rule, ok := importRules[pkg.ImportPath]
		if !ok {
			t.Errorf("%s: no import rule; add it to STYLE.md §2 and this test", pkg.ImportPath)
			continue
		}
		for _, d := range pkg.Deps {
			if !strings.HasPrefix(d, module+"/") || allowed(d, rule.internal) {
				continue
			}
			t.Errorf("%s depends on %s, which STYLE.md §2 forbids", pkg.ImportPath, d)
		}
		for _, d := range pkg.Imports {
			for _, ban := range rule.noDirect {
				if d == ban {
					t.Errorf("%s imports %s directly, which STYLE.md §2 forbids", pkg.ImportPath, d)
				}
			}
		}
	}
	if seen < 4 {
		t.Errorf("go list found only %d packages", seen)
	}
}

func allowed(dep string, list []string) bool {
	for _, a := range list {
		if dep == a {
			return true
		}
	}
	return false
}
