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
	internal []string // allowed ferrule packages
	noDirect []string // forbidden direct imports
}

const module = "ferrule"

var reviewBans = []string{"ferrule/store", "ferrule/templates", "ferrule/mail/imappoll", "ferrule/mail/smtpsend", "os", "net", "net/http", "database/sql"}

// Packages every application package may build on.
var (
	reviewPkgs = []string{"ferrule/review", "ferrule/mail", "ferrule/review/diff", "ferrule/review/maintainers"}
	configPkgs = append([]string{"ferrule/cmd/internal/config", "ferrule/mail/imappoll", "ferrule/mail/smtpsend"}, reviewPkgs...)
)

func with(base []string, more ...string) []string {
	return append(append([]string{}, base...), more...)
}

var importRules = map[string]importRule{
	"ferrule/review/diff":        {},
	"ferrule/review/maintainers": {},
	"ferrule/mail":               {},
	"ferrule/mail/mailtest":      {},
	"ferrule/mail/imappoll":      {internal: []string{"ferrule/mail"}},
	"ferrule/mail/smtpsend":      {internal: []string{"ferrule/mail"}},
	"ferrule/review":             {internal: []string{"ferrule/mail", "ferrule/review/diff", "ferrule/review/maintainers"}, noDirect: reviewBans},
	"ferrule/review/rustcheck":   {internal: []string{"ferrule/review", "ferrule/mail", "ferrule/review/diff", "ferrule/review/maintainers"}, noDirect: reviewBans},
	"ferrule/review/am":          {internal: []string{"ferrule/review", "ferrule/mail", "ferrule/review/diff", "ferrule/review/maintainers"}, noDirect: reviewBans},
	"ferrule/store":              {internal: []string{"ferrule/review", "ferrule/mail", "ferrule/review/diff", "ferrule/review/maintainers"}, noDirect: []string{"ferrule/templates", "ferrule/mail/imappoll", "ferrule/mail/smtpsend"}},
	"ferrule/templates":          {internal: []string{"ferrule/review", "ferrule/mail", "ferrule/review/diff"}, noDirect: []string{"ferrule/store", "net", "net/http", "net/smtp"}},

	// The application, beneath cmd/ (cmd/ferrule, the wiring, may use
	// all of it). Configuration reads files and builds options; it opens
	// no store and no connection.
	"ferrule/cmd/internal/config": {internal: with(configPkgs[1:]), noDirect: []string{"ferrule/store", "ferrule/templates", "net/http", "database/sql"}},
	// Analysis wiring and renderers are pure: no store, no network.
	"ferrule/cmd/internal/analysis": {internal: with(reviewPkgs, "ferrule/cmd/internal/cli", "ferrule/review/rustcheck"), noDirect: []string{"ferrule/store", "ferrule/templates", "net", "net/http"}},
	"ferrule/cmd/internal/render":   {internal: with(reviewPkgs, "ferrule/review/rustcheck"), noDirect: []string{"ferrule/store", "ferrule/templates", "os", "os/exec", "net", "net/http", "database/sql"}},
	// Saved results and the input policy: the store and mail; threads
	// from a public-inbox server only through lore.
	"ferrule/cmd/internal/results": {internal: with(reviewPkgs, "ferrule/store"), noDirect: []string{"ferrule/templates", "ferrule/mail/imappoll", "ferrule/mail/smtpsend", "net", "net/http"}},
	"ferrule/cmd/internal/inputs":  {internal: with(reviewPkgs, "ferrule/cmd/internal/cli", "ferrule/store", "ferrule/cmd/internal/results", "ferrule/review/am", "ferrule/cmd/internal/lore"), noDirect: []string{"ferrule/templates", "ferrule/mail/imappoll", "ferrule/mail/smtpsend", "net", "net/http"}},
	// Drafts are written, never sent; digests are sent, never drafted.
	"ferrule/cmd/internal/draft":  {internal: with(configPkgs, "ferrule/cmd/internal/cli", "ferrule/review/rustcheck", "ferrule/templates"), noDirect: []string{"ferrule/store", "ferrule/mail/smtpsend", "net/http"}},
	"ferrule/cmd/internal/digest": {internal: with(configPkgs, "ferrule/store", "ferrule/templates"), noDirect: []string{"ferrule/mail/imappoll", "net/http"}},
	// Command-line conventions (flags anywhere, dates, version): pure.
	"ferrule/cmd/internal/cli": {noDirect: []string{"ferrule/store", "ferrule/templates", "os", "os/exec", "net", "net/http", "database/sql"}},
	// The web view reads saved results through its own Source interface:
	// no store, no mail sending, no programs.
	"ferrule/cmd/internal/web": {internal: with(reviewPkgs, "ferrule/cmd/internal/cli", "ferrule/review/rustcheck"), noDirect: []string{"ferrule/store", "ferrule/templates", "ferrule/mail/imappoll", "ferrule/mail/smtpsend", "os/exec", "database/sql"}},
	// Applied commits are found with git (a program), never the store or
	// the network; a lore thread is fetched over HTTP, never stored.
	"ferrule/cmd/internal/applied": {internal: reviewPkgs, noDirect: []string{"ferrule/store", "ferrule/templates", "net", "net/http", "database/sql"}},
	"ferrule/cmd/internal/lore":    {internal: reviewPkgs, noDirect: []string{"ferrule/store", "ferrule/templates", "os/exec", "database/sql"}},
	// The daemon wires the rest; nothing imports it but cmd/ferrule.
	"ferrule/cmd/internal/daemon": {internal: with(configPkgs, "ferrule/cmd/internal/cli", "ferrule/review/rustcheck", "ferrule/store", "ferrule/templates",
		"ferrule/cmd/internal/analysis", "ferrule/cmd/internal/digest", "ferrule/cmd/internal/results", "ferrule/cmd/internal/web")},
}

// TestImportRules enforces STYLE.md §2 with go list -deps: every package
// but the command has a rule (the cmd/internal application packages
// included), depends only on the ferrule packages its rule allows, and
// nothing outside cmd/ imports cmd/.
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
		inCmd := strings.HasPrefix(pkg.ImportPath, module+"/cmd/")
		for _, d := range pkg.Deps {
			if !inCmd && strings.HasPrefix(d, module+"/cmd/") {
				t.Errorf("%s depends on %s: nothing outside cmd/ may import cmd/", pkg.ImportPath, d)
			}
			if d == module+"/cmd/internal/daemon" && pkg.ImportPath != module+"/cmd/ferrule" {
				t.Errorf("%s depends on the daemon", pkg.ImportPath)
			}
		}
		if pkg.ImportPath == module+"/cmd/ferrule" {
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
