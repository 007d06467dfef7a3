// Package mailtest holds test helpers: finding the shared peer data
// (Patchwork and b4 fixtures, real list archives) that lives outside the
// repository, at ../shared/testdata next to the checkout or wherever
// $FERRULE_TESTDATA points (tests skip with a clear message when it is
// absent; the data is never copied into the repository), and comparing
// output with golden files.
package mailtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// SharedDir returns the shared testdata directory joined with elem, or
// skips the test when it does not exist.
func SharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	root := os.Getenv("FERRULE_TESTDATA")
	if root == "" {
		root = findUp("shared/testdata")
	}
	if root == "" {
		tb.Skip("shared peer data not found: set FERRULE_TESTDATA or check out ../shared next to the repository")
	}
	p := filepath.Join(append([]string{root}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared peer data %s not available: %v", p, err)
	}
	return p
}

// findUp looks for rel in the parents of the working directory (tests run
// in their package directory, so ../shared is some levels up).
func findUp(rel string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for i := 0; i < 8; i++ {
		p := filepath.Join(dir, "..", rel)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			abs, _ := filepath.Abs(p)
			return abs
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

// Golden compares got with the golden file at path, rewriting the file
// first when update is set (go test -update). A difference is reported
// with the first differing line.
func Golden(tb testing.TB, path, got string, update bool) {
	tb.Helper()
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", path, firstDiff(string(want), got))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n-%s\n+%s", i+1, wl, gl)
		}
	}
	return ""
}
