package rustcheck_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/rustcheck"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRealSeriesGolden lists every unsafe block, unsafe impl and unsafe fn
// that the real Rust-for-Linux threads add, with its line and SAFETY
// status, and every finding. The golden files were reviewed line by line
// against the diffs.
func TestRealSeriesGolden(t *testing.T) {
	for _, sub := range []string{"lore", "format-patch"} {
		dir := mailtest.SharedDir(t, "rust-series", sub)
		files, _ := filepath.Glob(filepath.Join(dir, "*.mbox"))
		for _, f := range files {
			name := filepath.Base(f)
			if strings.Contains(name, "-v1-v") {
				continue // concatenations of files tested on their own
			}
			t.Run(name, func(t *testing.T) {
				golden(t, filepath.Join("testdata", sub+"-"+strings.TrimSuffix(name, ".mbox")+".golden"), inventoryOf(t, f))
			})
		}
	}
}

func inventoryOf(t *testing.T, path string) string {
	src, err := mail.Open([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	checker := rustcheck.New(nil)
	var b strings.Builder
	res, err := review.Ingest(context.Background(), src, &review.IngestOptions{
		Workers:  1,
		Checkers: []review.Checker{checker},
		Inspect:  review.InspectOptions{KeepHunks: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Posts {
		if p.Kind != review.KindPatch || len(p.Files) == 0 {
			continue
		}
		fmt.Fprintf(&b, "== %s\n", p.Subject)
		for _, u := range rustcheck.Inventory(p.Files) {
			doc := ""
			if u.DocTest {
				doc = " (doc-test)"
			}
			fmt.Fprintf(&b, "   %s:%d %s%s: %s\n", u.File, u.Line, u.Kind, doc, u.Safety)
		}
		for _, f := range p.Findings {
			side := ""
			if f.Side == "pre" {
				side = " (removed)"
			}
			fmt.Fprintf(&b, "   - %s %s %s %s:%d%s %s\n", f.Severity, f.Confidence, f.Rule, f.File, f.Line, side, f.Message)
		}
	}
	return b.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	mailtest.Golden(t, path, got, *update)
}
