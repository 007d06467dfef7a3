package applied_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferrule/cmd/internal/applied"
	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/am"
)

type gitRepo struct {
	t   *testing.T
	dir string
	env []string
}

func newRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	tmp := t.TempDir()
	r := &gitRepo{t: t, dir: filepath.Join(tmp, "tree"), env: append(os.Environ(),
		"HOME="+tmp, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(tmp, "gitconfig"),
		"GIT_AUTHOR_NAME=Pat Author", "GIT_AUTHOR_EMAIL=pat@example.org",
		"GIT_COMMITTER_NAME=Mae Maintainer", "GIT_COMMITTER_EMAIL=mae@example.org", "LC_ALL=C")}
	if err := os.Mkdir(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git(nil, "init", "-q", "-b", "main")
	return r
}

func (r *gitRepo) git(stdin []byte, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit writes files and commits them with the given subject, committed
// at date.
func (r *gitRepo) commit(date time.Time, subject string, files map[string]string) string {
	r.t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(r.dir, name), []byte(text), 0o644); err != nil {
			r.t.Fatal(err)
		}
		r.git(nil, "add", name)
	}
	d := date.Format(time.RFC3339)
	saved := r.env
	r.env = append(r.env, "GIT_AUTHOR_DATE="+d, "GIT_COMMITTER_DATE="+d)
	defer func() { r.env = saved }()
	r.git(nil, "commit", "-q", "-m", subject+"\n\nSigned-off-by: Pat Author <pat@example.org>")
	return r.git(nil, "rev-parse", "HEAD")
}

func TestFind(t *testing.T) {
	r := newRepo(t)
	sent := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	lines := "one\ntwo\nthree\nfour\nfive\n"
	r.commit(sent.Add(-30*24*time.Hour), "base", map[string]string{"a.txt": lines, "b.txt": lines, "c.txt": lines})
	base := r.git(nil, "rev-parse", "HEAD")

	// The series as sent: three patches, from format-patch.
	r.git(nil, "checkout", "-q", "-b", "series")
	r.commit(sent, "pwm: fix one", map[string]string{"a.txt": strings.Replace(lines, "two", "TWO", 1)})
	r.commit(sent, "pwm: fix two", map[string]string{"b.txt": strings.Replace(lines, "four", "FOUR", 1)})
	r.commit(sent, "pwm: fix three", map[string]string{"c.txt": strings.Replace(lines, "five", "FIVE", 1)})
	var patches []applied.Patch
	for i, title := range []string{"pwm: fix one", "pwm: fix two", "pwm: fix three"} {
		text := r.git(nil, "format-patch", "--stdout", "-1", fmt.Sprintf("series~%d", 2-i))
		patches = append(patches, applied.Patch{Number: i + 1, Title: title, Text: text})
	}

	// The maintainer's tree: patch 1 applied with git am (new commit id,
	// same diff), an unrelated commit, patch 2 changed while applying,
	// patch 3 not applied.
	r.git(nil, "checkout", "-q", "main")
	r.git(nil, "reset", "-q", "--hard", base)
	r.env = append(r.env, "GIT_COMMITTER_DATE="+sent.Add(48*time.Hour).Format(time.RFC3339))
	r.git([]byte(patches[0].Text), "am", "-q")
	one := r.git(nil, "rev-parse", "HEAD")
	r.commit(sent.Add(49*time.Hour), "unrelated", map[string]string{"d.txt": "d\n"})
	two := r.commit(sent.Add(50*time.Hour), "pwm: fix two", map[string]string{"b.txt": strings.Replace(lines, "four", "Four", 1)})
	if one == r.git(nil, "rev-parse", "series~2") {
		t.Fatal("git am reused the commit id: the test would not test patch-ids")
	}

	got, err := applied.Find(context.Background(), patches, &applied.Options{Tree: r.dir, Since: sent.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	want := []applied.Commit{
		{Number: 1, Title: "pwm: fix one", Hash: one, Subject: "pwm: fix one"},
		{Number: 2, Title: "pwm: fix two", Hash: two, Subject: "pwm: fix two", BySubject: true},
		{Number: 3, Title: "pwm: fix three"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d commits, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("patch %d: got %+v, want %+v", i+1, got[i], want[i])
		}
	}
	wantLines := "[1/3] pwm: fix one\n      commit: " + one[:12] +
		"\n[2/3] pwm: fix two\n      commit: " + two[:12] +
		"\n[3/3] pwm: fix three\n      (no commit info)"
	if s := applied.Lines(3, got); s != wantLines {
		t.Errorf("Lines:\n%s\nwant:\n%s", s, wantLines)
	}

	// A window that ends before the series was applied finds nothing.
	got, err = applied.Find(context.Background(), patches, &applied.Options{Tree: r.dir, Since: sent.Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got {
		if c.Hash != "" {
			t.Errorf("patch %d found outside the window: %s", c.Number, c.Hash)
		}
	}
}

func TestFindErrors(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	p := []applied.Patch{{Number: 1, Title: "x", Text: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"}}
	if _, err := applied.Find(context.Background(), p, &applied.Options{Tree: t.TempDir()}); err == nil {
		t.Error("a directory that is not a git tree: no error")
	}
	if _, err := applied.Find(context.Background(), p, nil); err == nil {
		t.Error("no tree: no error")
	}
	// In a real repository, so that only the revision check can refuse
	// it; were it passed to git, git would write the file.
	out := filepath.Join(t.TempDir(), "x")
	if _, err := applied.Find(context.Background(), p, &applied.Options{Tree: newRepo(t).dir, Rev: "--output=" + out}); err == nil || !strings.Contains(err.Error(), "bad revision") {
		t.Errorf("option-like revision: %v, want it refused as a bad revision", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("git wrote the --output file")
	}
}

// TestFindSeries applies b4's sample series with git am and finds every
// patch of the reviewed series again, by patch-id.
func TestFindSeries(t *testing.T) {
	dir := mailtest.SharedDir(t, "b4")
	path := filepath.Join(dir, "shazam-git1-just-series.mbox")
	src, err := mail.Open([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := review.Ingest(context.Background(), src, nil)
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := res.Series[0]
	src, err = mail.Open([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := am.Collect(context.Background(), src, am.MessageIDs(s))
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	patches, err := applied.Patches(s, raw)
	if err != nil {
		t.Fatal(err)
	}

	r := newRepo(t)
	r.git(nil, "fetch", "-q", filepath.Join(dir, "gitdir.bundle"), "master")
	r.git(nil, "reset", "-q", "--hard", "FETCH_HEAD")
	var mbox bytes.Buffer
	if _, err := am.Write(&mbox, s, raw, nil); err != nil {
		t.Fatal(err)
	}
	r.git(mbox.Bytes(), "am", "-q")
	got, err := applied.Find(context.Background(), patches, &applied.Options{Tree: r.dir, Since: s.Date.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	hashes := strings.Fields(r.git(nil, "log", "--reverse", "--format=%H", "-4"))
	for i, c := range got {
		if c.Hash != hashes[i] || c.BySubject || c.Subject != patches[i].Title {
			t.Errorf("patch %d: %+v, want commit %s by patch-id", c.Number, c, hashes[i])
		}
	}
	t.Logf("\n%s", applied.Lines(s.Total, got))
}
