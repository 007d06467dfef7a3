package main

import (
	"path/filepath"
	"strings"
	"testing"

	"ferrule/store"
)

// TestReviewFromStore: ingesting into a store and reviewing it gives the
// same output as reviewing the files; ingesting again changes nothing;
// show reads the store when no input is given.
func TestReviewFromStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ferrule.db")
	_, fromFiles, _ := runCmd(t, "", "review", "--format", "json", example, kernelPatches)
	code, ingested, stderr := runCmd(t, "", "review", "--format", "json", "--db", db, example, kernelPatches)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, fromStore, _ := runCmd(t, "", "review", "--format", "json", "--db", db)
	if ingested != fromFiles || fromStore != fromFiles {
		t.Errorf("store review differs from the files' review:\n%s", firstDiffLine(fromFiles, fromStore))
	}
	count := func() int {
		d, err := store.Open(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		n, err := d.CountMessages(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	_, again, _ := runCmd(t, "", "review", "--format", "json", "--db", db, example)
	if count() != before || again != fromFiles {
		t.Errorf("re-ingesting changed the store: %d -> %d messages", before, count())
	}
	code, out, stderr := runCmd(t, "", "show", "--db", db, "rita-1@example.net")
	if code != exitOK || !strings.Contains(out, "interdiff: no previous version") || !strings.Contains(out, "v1 pwm: demo") {
		t.Errorf("show from store: exit %d, stderr %q\n%s", code, stderr, out)
	}
	if code, _, stderr := runCmd(t, "", "show", "--db", filepath.Join(t.TempDir(), "none.db"), "x@y"); code != exitUsage || !strings.Contains(stderr, "no store") {
		t.Errorf("show without a store: exit %d, %q", code, stderr)
	}
}

func firstDiffLine(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return al[i] + "\n" + bl[i]
		}
	}
	return "(lengths differ)"
}
