package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/cmd/internal/cli"
)

const amID = "20261001-pwm-demo-v1-1-aaaa@example.org" // v1: am takes the newest revision

// runCmdEnv is runCmd with an environment.
func runCmdEnv(t *testing.T, vars map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }, now: testNow}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// TestAm: the newest revision as an mbox, the cover letter's Acked-by on
// every patch; the same from the store, from stdin and into a file.
func TestAm(t *testing.T) {
	code, out, stderr := runCmd(t, "", "am", amID, example)
	if code != cli.ExitOK {
		t.Fatalf("am: exit %d: %s", code, stderr)
	}
	golden(t, "am-rust-pwm-demo.golden", out)
	if n := strings.Count(out, "Acked-by: Mo Maintainer <mo@example.com>"); n != 2 || !strings.Contains(out, "Subject: [PATCH v2 2/2]") {
		t.Errorf("am: %d Acked-by (want the cover's on both patches), or no v2 2/2:\n%s", n, out)
	}
	if !strings.Contains(stderr, "+ Acked-by: Mo Maintainer") {
		t.Errorf("am: stderr does not list the added trailers: %q", stderr)
	}

	db := filepath.Join(t.TempDir(), "f.db")
	if code, _, stderr := runCmd(t, "", "review", "--db", db, example); code != cli.ExitOK {
		t.Fatalf("review --db: exit %d: %s", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "series.mbox")
	for name, args := range map[string][]string{
		"store": {"am", amID, "--db", db, "-o", file},
		"stdin": {"am", "-o", file, amID, "-"},
	} {
		os.Remove(file)
		stdin, _ := os.ReadFile(example)
		if code, _, stderr := runCmd(t, string(stdin), args...); code != cli.ExitOK {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		if got, _ := os.ReadFile(file); string(got) != out {
			t.Errorf("%s: the mbox differs from the one read from the file:\n%s", name, got)
		}
	}
	if code, _, stderr := runCmd(t, "", "am", "nope@x", example); code != cli.ExitUsage || !strings.Contains(stderr, "nope@x") {
		t.Errorf("am of an unknown ID: exit %d, %q", code, stderr)
	}
}

// TestFromInbox: review, show and am of a thread fetched from a
// public-inbox-style server print what they print for the file; the
// second run is served from the cache.
func TestFromInbox(t *testing.T) {
	raw, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/all/"+amID+"/t.mbox.gz" {
			http.NotFound(w, r)
			return
		}
		hits++
		w.Write(gz.Bytes())
	}))
	defer srv.Close()
	vars := map[string]string{"XDG_CACHE_HOME": t.TempDir()}
	base := srv.URL + "/all/"
	for _, c := range []struct{ file, inbox []string }{
		{[]string{"review", "--format", "json", example}, []string{"review", "--format", "json", "--from-inbox", base, "<" + amID + ">"}},
		{[]string{"show", amID, example}, []string{"show", amID, "--from-inbox", base}},
		{[]string{"am", amID, example}, []string{"am", base + amID + "/"}}, // a lore-style URL as the ID
	} {
		_, want, _ := runCmd(t, "", c.file...)
		code, got, stderr := runCmdEnv(t, vars, "", c.inbox...)
		if code != cli.ExitOK || got != want || want == "" {
			t.Errorf("%q: exit %d, stderr %q; same output as from the file: %v", c.inbox, code, stderr, got == want)
		}
	}
	if hits != 1 {
		t.Errorf("%d downloads, want 1 (then the cache)", hits)
	}
	if code, _, stderr := runCmdEnv(t, nil, "", "show", "missing@x", "--from-inbox", base); code != cli.ExitRuntime || !strings.Contains(stderr, "no such message") {
		t.Errorf("unknown message: exit %d, %q", code, stderr)
	}
}

// TestThanksTree: a series applied with git am (from ferrule am's mbox)
// is found in the tree by patch-id, and thanks --tree writes its commit.
func TestThanksTree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	series := `From mboxrd@z Thu Jan  1 00:00:00 1970
From: Ada Example <ada@example.org>
Subject: [PATCH] demo: add a note
Date: Tue, 01 Dec 2026 10:00:00 +0000
Message-Id: <note-1@example.org>

Add a note.

Signed-off-by: Ada Example <ada@example.org>
---
diff --git a/NOTE b/NOTE
new file mode 100644
index 0000000..3b18e51
--- /dev/null
+++ b/NOTE
@@ -0,0 +1 @@
+hello world

From mboxrd@z Thu Jan  1 00:00:00 1970
From: Rita Reviewer <rita@example.net>
Subject: Re: [PATCH] demo: add a note
Date: Tue, 01 Dec 2026 11:00:00 +0000
Message-Id: <note-2@example.net>
In-Reply-To: <note-1@example.org>

Reviewed-by: Rita Reviewer <rita@example.net>
`
	dir := t.TempDir()
	mbox := filepath.Join(dir, "series.mbox")
	if err := os.WriteFile(mbox, []byte(series), 0o644); err != nil {
		t.Fatal(err)
	}
	code, amOut, stderr := runCmd(t, "", "am", "note-1@example.org", mbox)
	if code != cli.ExitOK || !strings.Contains(amOut, "Reviewed-by: Rita Reviewer <rita@example.net>") {
		t.Fatalf("am: exit %d: %s\n%s", code, stderr, amOut)
	}
	tree := filepath.Join(dir, "tree")
	git := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", tree, "-c", "user.name=M", "-c", "user.email=m@x"}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	os.Mkdir(tree, 0o755)
	git("", "init", "-q")
	git("", "commit", "-q", "--allow-empty", "-m", "base")
	git(amOut, "am", "-q")
	head := git("", "rev-parse", "HEAD")
	if !strings.Contains(git("", "log", "-1", "--format=%B"), "Reviewed-by: Rita Reviewer") {
		t.Errorf("git am lost the trailer")
	}
	code, out, stderr := runCmd(t, "", "thanks", "--from", "Mo Maintainer <mo@example.com>", "--tree", tree, "note-1@example.org", mbox)
	if code != cli.ExitOK || !strings.Contains(out, "commit: "+head[:12]) {
		t.Errorf("thanks --tree: exit %d, %s; want commit: %s in\n%s", code, stderr, head[:12], out)
	}
	code, out, stderr = runCmd(t, series, "thanks", "--from", "Mo Maintainer <mo@example.com>", "--tree", tree, "note-1@example.org", "-")
	if code != cli.ExitOK || !strings.Contains(out, "commit: "+head[:12]) {
		t.Errorf("thanks --tree from stdin: exit %d, %s; want commit: %s in\n%s", code, stderr, head[:12], out)
	}
	// From the store the config names: the series and its patches both.
	db := filepath.Join(dir, "store.db")
	if code, _, stderr := runCmd(t, "", "review", "--db", db, mbox); code != cli.ExitOK {
		t.Fatalf("review --db: exit %d: %s", code, stderr)
	}
	cfg := filepath.Join(dir, "ferrule.yaml")
	if err := os.WriteFile(cfg, []byte("store:\n  path: "+db+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCmd(t, "", "thanks", "-c", cfg, "--from", "Mo Maintainer <mo@example.com>", "--tree", tree, "note-1@example.org")
	if code != cli.ExitOK || !strings.Contains(out, "commit: "+head[:12]) {
		t.Errorf("thanks --tree from the config's store: exit %d, %s; want commit: %s in\n%s", code, stderr, head[:12], out)
	}
}
