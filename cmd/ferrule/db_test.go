package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/cmd/internal/cli"
	"ferrule/review"
	"ferrule/store"
)

// TestReviewFromStore: ingesting into a store and reviewing it gives the
// same output as reviewing the files; ingesting again changes nothing;
// show reads the store when no input is given.
func TestReviewFromStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ferrule.db")
	_, fromFiles, _ := runCmd(t, "", "review", "--format", "json", example, kernelPatches)
	code, ingested, stderr := runCmd(t, "", "review", "--format", "json", "--db", db, example, kernelPatches)
	if code != cli.ExitOK {
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
	// --no-fsync writes the same store.
	unsynced := filepath.Join(t.TempDir(), "unsynced.db")
	if code, out, stderr := runCmd(t, "", "review", "--format", "json", "--no-fsync", "--db", unsynced, example, kernelPatches); code != cli.ExitOK || out != fromFiles {
		t.Errorf("review --no-fsync --db: exit %d, %s\n%s", code, stderr, firstDiffLine(fromFiles, out))
	}
	if _, out, _ := runCmd(t, "", "review", "--format", "json", "--db", unsynced); out != fromFiles {
		t.Errorf("store written with --no-fsync reviews differently:\n%s", firstDiffLine(fromFiles, out))
	}
	code, out, stderr := runCmd(t, "", "show", "--db", db, "rita-1@example.net")
	if code != cli.ExitOK || !strings.Contains(out, "interdiff: no previous version") || !strings.Contains(out, "v1 pwm: demo") {
		t.Errorf("show from store: exit %d, stderr %q\n%s", code, stderr, out)
	}
	if code, _, stderr := runCmd(t, "", "show", "--db", filepath.Join(t.TempDir(), "none.db"), "x@y"); code != cli.ExitUsage || !strings.Contains(stderr, "no store") {
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

// The saved review answers views as a fresh review of the files would:
// review --db without input in every format and with filters, and show,
// reply and thanks for every patch of the example, from the series'
// messages alone.
func TestViewsFromSavedReview(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ferrule.db")
	if code, _, stderr := runCmd(t, "", "review", "--db", db, example, kernelPatches); code != cli.ExitOK {
		t.Fatalf("review --db: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{
		{"--format", "text"}, {"--format", "markdown"}, {"--tier", "should-look"}, {"--limit", "1"},
		{"--path", "rust/kernel/**"}, {"--maintainer", "nobody@example.org"},
	} {
		_, fromFiles, _ := runCmd(t, "", append(append([]string{"review"}, args...), example, kernelPatches)...)
		code, saved, stderr := runCmd(t, "", append(append([]string{"review"}, args...), "--db", db)...)
		if code != cli.ExitOK || saved != fromFiles {
			t.Errorf("review %v --db: exit %d %s\n%s", args, code, stderr, firstDiffLine(fromFiles, saved))
		}
	}
	_, js, _ := runCmd(t, "", "review", "--format", "json", example)
	var rep review.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	ids := 0
	for _, s := range rep.Series {
		for _, p := range s.Patches {
			for _, format := range []string{"text", "json"} {
				ids++
				_, fromFile, _ := runCmd(t, "", "show", "--format", format, p.MessageID, example, kernelPatches)
				code, fromStore, stderr := runCmd(t, "", "show", "--format", format, "--db", db, p.MessageID)
				if code != cli.ExitOK || fromStore != fromFile {
					t.Errorf("show %s --format %s --db: exit %d %s\n%s", p.MessageID, format, code, stderr, firstDiffLine(fromFile, fromStore))
				}
			}
		}
	}
	if ids < 10 {
		t.Errorf("only %d shows compared", ids)
	}
	// reply and thanks: the same draft from the store as from the files.
	for _, s := range rep.Series {
		for _, p := range s.Patches {
			for _, cmd := range []string{"reply", "thanks"} {
				_, fromFile, _ := runCmd(t, "", cmd, "--from", me, p.MessageID, example, kernelPatches)
				code, fromStore, stderr := runCmd(t, "", cmd, "--from", me, "--db", db, p.MessageID)
				if code != cli.ExitOK || maskIDs(fromStore) != maskIDs(fromFile) {
					t.Errorf("%s %s --db: exit %d %s\n%s", cmd, p.MessageID, code, stderr, firstDiffLine(maskIDs(fromFile), maskIDs(fromStore)))
				}
			}
		}
	}
}

// A store that cannot be read is a runtime failure (exit 3), not a usage
// error.
func TestReviewCorruptStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ferrule.db")
	if err := os.WriteFile(db, bytes.Repeat([]byte("not a database "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, "", "review", "--db", db, example); code != cli.ExitRuntime {
		t.Errorf("review on a corrupt store: exit %d, want %d: %s", code, cli.ExitRuntime, stderr)
	}
	if code, _, stderr := runCmd(t, "", "review", "--db", db); code != cli.ExitRuntime {
		t.Errorf("review --db on a corrupt store: exit %d, want %d: %s", code, cli.ExitRuntime, stderr)
	}
}

// show and reply read the store the config's store.path names.
func TestShowReplyUseConfigStore(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cfg.db")
	if code, _, stderr := runCmd(t, "", "review", "--db", dbPath, example); code != cli.ExitOK {
		t.Fatalf("review --db: exit %d %s", code, stderr)
	}
	cfg := filepath.Join(dir, "ferrule.yaml")
	if err := os.WriteFile(cfg, []byte("store: {path: "+dbPath+"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "elsewhere"))
	const id = "20261010-pwm-demo-v2-0-bbbb@example.org"
	for _, cmd := range []string{"show", "reply"} {
		code, out, stderr := runCmd(t, "", cmd, "-c", cfg, id)
		if code != cli.ExitOK || !strings.Contains(out, "demo") {
			t.Errorf("%s -c (store.path): exit %d, stderr %q", cmd, code, stderr)
		}
	}
}
