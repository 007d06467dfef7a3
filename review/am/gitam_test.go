package am_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ferrule/mail/mailtest"
	"ferrule/review/am"
)

// repo is a clone of b4's gitdir.bundle in a temporary directory, with git
// configured as b4's test harness runs it: committer Test Override, no
// user or system configuration.
type repo struct {
	t   *testing.T
	dir string
	env []string
}

func cloneBundle(t *testing.T, b4dir string) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	tmp := t.TempDir()
	r := &repo{t: t, dir: filepath.Join(tmp, "repo")}
	r.env = append(os.Environ(),
		"HOME="+tmp,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+filepath.Join(tmp, "gitconfig"),
		"GIT_COMMITTER_NAME=Test Override",
		"GIT_COMMITTER_EMAIL=test-override@example.com",
		"GIT_COMMITTER_DATE=2022-10-26T12:00:00Z",
		"LC_ALL=C",
	)
	r.git(nil, "", "clone", "-q", filepath.Join(b4dir, "gitdir.bundle"), r.dir)
	return r
}

func (r *repo) git(stdin []byte, dir string, args ...string) string {
	r.t.Helper()
	if dir == "" {
		dir = r.dir
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = filepath.Dir(dir)
	if _, err := os.Stat(dir); err == nil {
		cmd.Dir = dir
	}
	cmd.Env = r.env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// log is b4's verification format: per commit, newest first, author
// email, (committer email), subject, body, "---".
func (r *repo) log(rev string, n int, committer bool) string {
	format := "%ae%n%s%n%b---"
	if committer {
		format = "%ae%n%ce%n%s%n%b---"
	}
	return r.git(nil, "", "log", "--format="+format, "-n", strconv.Itoa(n), rev)
}

// TestGitAmB4Fixtures applies the am mbox of b4's apply samples with git am
// onto a clone of gitdir.bundle and compares git log with b4's .verify
// files.
func TestGitAmB4Fixtures(t *testing.T) {
	dir := mailtest.SharedDir(t, "b4")
	cases := []struct {
		name, mbox, verify string
		opts               am.Options
		signoff, committer bool
	}{
		{"defaults", "shazam-git1-just-series.mbox", "shazam-git1-just-series-defaults.verify", am.Options{}, false, true},
		{"add-link", "shazam-git1-just-series.mbox", "shazam-git1-just-series-addlink.verify", am.Options{AddLink: true}, false, true},
		{"add-link-present", "shazam-git1-with-link.mbox", "shazam-git1-just-series-addlink.verify", am.Options{AddLink: true}, false, true},
		{"followups", "trailers-thread-with-followups.mbox", "trailers-thread-with-followups.verify", am.Options{}, true, false},
		{"cover-followup", "trailers-thread-with-cover-followup.mbox", "trailers-thread-with-cover-followup.verify", am.Options{}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := cloneBundle(t, dir)
			th := load(t, filepath.Join(dir, c.mbox))
			mbox, _ := writeAm(t, th, "20221025-test1-v1-1-e4f28f57990c@linuxfoundation.org", &c.opts)
			args := []string{"am", "-q"}
			if c.signoff {
				args = append(args, "-s")
			}
			r.git(mbox, "", args...)
			got := r.log("HEAD", 4, c.committer)
			want := string(readFile(t, filepath.Join(dir, c.verify)))
			if strings.TrimSpace(got) != strings.TrimSpace(want) {
				t.Errorf("git log after git am:\n%s\nwant (%s):\n%s", got, c.verify, want)
			}
		})
	}
}

// TestTripleDashUpdate updates commits already applied (b4's
// trailers-with-tripledash.bundle, whose last commit message holds a
// "---" line) with the trailers of the follow-up thread, as b4 trailers
// --update does: the Reviewed-by must go above the "---" and the text
// after it stay.
func TestTripleDashUpdate(t *testing.T) {
	dir := mailtest.SharedDir(t, "b4")
	r := cloneBundle(t, dir)
	r.git(nil, "", "fetch", "-q", filepath.Join(dir, "trailers-with-tripledash.bundle"), "HEAD")
	th := load(t, filepath.Join(dir, "trailers-thread-with-followups.mbox"))
	s := th.res.SeriesOf("20221025-test1-v1-1-e4f28f57990c@linuxfoundation.org").Latest()
	commits := strings.Fields(r.git(nil, "", "rev-list", "--reverse", "HEAD..FETCH_HEAD"))
	if len(commits) != 4 {
		t.Fatalf("bundle holds %d new commits, want 4", len(commits))
	}
	r.git(nil, "", "checkout", "-q", "--detach", "HEAD")
	updated := 0
	for _, c := range commits {
		r.git(nil, "", "cherry-pick", "--allow-empty", c)
		// %B ends with the tformat newline on top of the message's own.
		msg := strings.TrimRight(r.git(nil, "", "log", "-1", "--format=%B"), "\n") + "\n"
		subject := strings.SplitN(msg, "\n", 2)[0]
		for _, p := range s.Parts {
			if p.Post.Tags.Title != subject {
				continue
			}
			added, _ := am.AddedLines(p, msg, nil)
			if len(added) > 0 {
				r.git([]byte(am.InsertTrailers(msg, added)), "", "commit", "-q", "--amend", "--cleanup=verbatim", "-F", "-")
				updated++
			}
		}
	}
	if updated != 1 {
		t.Errorf("%d commits updated, want 1", updated)
	}
	got := r.log("HEAD", 4, false)
	want := string(readFile(t, filepath.Join(dir, "trailers-thread-with-followups-and-tripledash.verify")))
	if strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("git log after the update:\n%s\nwant:\n%s", got, want)
	}
}
