package rustcheck_test

import (
	"context"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/rustcheck"
)

var updateRules = flag.Bool("update-rules", false, "rewrite RULES.md from the rule catalogue")

// TestRuleReference: RULES.md is the catalogue rendered; `go generate
// ./review/rustcheck` rewrites it.
func TestRuleReference(t *testing.T) {
	want := review.RuleReference()
	if *updateRules {
		if err := os.WriteFile("RULES.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("RULES.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("RULES.md is stale: run go generate ./review/rustcheck")
	}
}

// TestCheckerSourceRulesCatalogued: every rule id the checker's source
// can emit (the first argument of add, addFile, addFileConf, and Rule:
// fields) has a catalogue entry.
func TestCheckerSourceRulesCatalogued(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var lit *ast.BasicLit
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && len(n.Args) > 0 &&
					(sel.Sel.Name == "add" || sel.Sel.Name == "addFile" || sel.Sel.Name == "addFileConf") {
					lit, _ = n.Args[0].(*ast.BasicLit)
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Rule" {
					lit, _ = n.Value.(*ast.BasicLit)
				}
			}
			if lit != nil && lit.Kind == token.STRING {
				id, _ := strconv.Unquote(lit.Value)
				found++
				if _, ok := review.LookupRule(id); !ok {
					t.Errorf("%s: rule %q is emitted but not in the catalogue", fset.Position(lit.Pos()), id)
				}
			}
			return true
		})
	}
	if found < 40 {
		t.Errorf("found only %d rule literals: is the scan still right?", found)
	}
}

// TestFixtureRulesCatalogued runs the checker over every fixture the
// repository reviews (the real Rust series, the clippy UI patches, the
// command's example mail) and fails on a rule id the catalogue lacks.
func TestFixtureRulesCatalogued(t *testing.T) {
	var paths []string
	for _, sub := range []string{"lore", "format-patch"} {
		m, _ := filepath.Glob(filepath.Join(mailtest.SharedDir(t, "rust-series", sub), "*.mbox"))
		paths = append(paths, m...)
	}
	m, _ := filepath.Glob(filepath.Join(mailtest.SharedDir(t, "clippy-ui", "patches"), "*", "*.patch"))
	paths = append(paths, m...)
	m, _ = filepath.Glob(filepath.Join("..", "..", "cmd", "ferrule", "testdata", "*.mbox"))
	paths = append(paths, m...)
	m, _ = filepath.Glob(filepath.Join("..", "..", "examples", "*.mbox"))
	paths = append(paths, m...)
	seen := map[string]bool{}
	for _, p := range paths {
		src, err := mail.Open([]string{p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := review.Ingest(context.Background(), src, &review.IngestOptions{Workers: 1, Checkers: []review.Checker{rustcheck.New(nil)}})
		src.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		var fs []review.Finding
		for _, pt := range res.Posts {
			fs = append(fs, pt.Findings...)
		}
		for _, s := range res.Series {
			fs = append(fs, s.Findings...)
		}
		for _, f := range fs {
			if !seen[f.Rule] {
				seen[f.Rule] = true
				if _, ok := review.LookupRule(f.Rule); !ok {
					t.Errorf("%s: rule %q emitted but not in the catalogue", filepath.Base(p), f.Rule)
				}
			}
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct rules over %d fixtures", len(seen), len(paths))
	}
}

// TestCheckFailsOnlyOnViolations: on the shipped example, the clean
// abstraction patch (a new unsafe block with a SAFETY comment) fails
// nothing at --fail-on high; the driver patch, which has an unsafe block
// without a SAFETY comment, fails.
func TestCheckFailsOnlyOnViolations(t *testing.T) {
	src, err := mail.Open([]string{filepath.Join("..", "..", "examples", "rust-pwm-demo.mbox")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	res, err := review.Ingest(context.Background(), src, &review.IngestOptions{Workers: 1, Checkers: []review.Checker{rustcheck.New(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, p := range res.Posts {
		if p.Kind != review.KindPatch {
			continue
		}
		fails := 0
		for _, f := range p.Findings {
			if review.Fails(f, review.High) {
				fails++
			}
		}
		switch {
		case strings.Contains(p.Subject, "period_ns"):
			seen++
			if fails > 0 {
				t.Errorf("%s: %d findings fail check, want 0", p.Subject, fails)
			}
		case p.Subject == "[PATCH 2/2] pwm: demo: add Rust driver":
			seen++
			if fails == 0 {
				t.Errorf("%s: no finding fails check, want the missing SAFETY comment", p.Subject)
			}
		}
	}
	if seen != 3 {
		t.Fatalf("found %d of the example's 3 patches", seen)
	}
}
