// Package mailtest helps tests find the shared peer data (Patchwork and b4
// fixtures, real list archives) that lives outside the repository, at
// ../shared/testdata next to the checkout or wherever $FERRULE_TESTDATA
// points. Tests skip with a clear message when it is absent; the data is
// never copied into the repository.
package mailtest

import (
	"os"
	"path/filepath"
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
