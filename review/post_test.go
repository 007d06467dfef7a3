package review_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
)

func inspect(t *testing.T, raw string) *review.Post {
	t.Helper()
	m, err := mail.Parse(&mail.Raw{Position: "t:1", Bytes: []byte(raw)})
	if err != nil {
		t.Fatal(err)
	}
	return review.Inspect(m, nil)
}

// TestPullRequests: git pull requests are their own entries, flagged, with
// the URL Patchwork's tests expect; never numbered patch series.
func TestPullRequests(t *testing.T) {
	dir := mailtest.SharedDir(t, "patchwork", "mail")
	for file, url := range map[string]string{
		"0001-git-pull-request.mbox":                "git://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next",
		"0002-git-pull-request-wrapped.mbox":        "",
		"0003-git-pull-request-with-diff.mbox":      "git://git.kernel.org/pub/scm/linux/kernel/git/tip/linux-2.6-tip.git x86-fixes-for-linus",
		"0004-git-pull-request-git+ssh.mbox":        "",
		"0005-git-pull-request-ssh.mbox":            "",
		"0006-git-pull-request-http.mbox":           "",
		"0017-git-pull-request-git-2-14-3.mbox":     "",
		"0023-git-pull-request-newline-in-url.mbox": "https://git.kernel.org/pub/scm/linux/kernel/git/matthias.bgg/linux.git/ tags/v5.4-next-soc",
		"0024-git-pull-request-trailing-space.mbox": "git://git.kernel.org/pub/scm/linux/kernel/git/nsekhar/linux-davinci.git tags/davinci-for-v5.6/soc",
	} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		p := inspect(t, string(b))
		if !p.Pull || p.Kind != review.KindPatch || p.PullURL == "" {
			t.Errorf("%s: pull %v, kind %s, url %q; want a pull request with its URL", file, p.Pull, p.Kind, p.PullURL)
		}
		if url != "" && p.PullURL != url {
			t.Errorf("%s: url %q, want %q", file, p.PullURL, url)
		}
	}
}

// TestB4RelaySender: clk-exclusive v1 was sent through B4 Relay; the
// series is Maurice's, not the relay's.
func TestB4RelaySender(t *testing.T) {
	res := ingest(t, filepath.Join(mailtest.SharedDir(t, "rust-series", "lore"), "clk-exclusive-v1.mbox"))
	for _, s := range res.Series {
		if s.Sender.Email != "mhi@mailbox.org" || strings.Contains(s.Sender.Name, "via") {
			t.Errorf("series sender = %v, want Maurice Hieronymus <mhi@mailbox.org>", s.Sender)
		}
	}
}

func TestAuthorAndBots(t *testing.T) {
	p := inspect(t, "From: Sender <s@example.com>\nSubject: [PATCH] x\nMessage-ID: <1@x>\n\n"+
		"From: Real Author <real@example.com>\n\nfix\n\nSigned-off-by: Real Author <real@example.com>\n---\n"+
		"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
	if p.Author.Email != "real@example.com" || p.Sender.Email != "s@example.com" {
		t.Errorf("author %v, sender %v; want the in-body From as author", p.Author, p.Sender)
	}
	p = inspect(t, "From: \"Jane Doe via Foo-list\" <foo-list@lists.example.com>\nReply-To: Jane Doe <jane@example.com>\nSubject: [PATCH] x\n\n"+
		"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
	if p.Sender != (mail.Address{Name: "Jane Doe", Email: "jane@example.com"}) {
		t.Errorf("DMARC-munged sender resolved to %v", p.Sender)
	}
	p = inspect(t, "From: kernel test robot <lkp@intel.com>\nSubject: Re: [PATCH] x\nIn-Reply-To: <1@x>\n\n"+
		"kernel test robot noticed the following build errors:\n\nReported-by: kernel test robot <lkp@intel.com>\n")
	if p.Bot != "kernel-test-robot" || len(p.Trailers) != 0 {
		t.Errorf("bot %q, trailers %v; want a labelled robot whose trailers do not count", p.Bot, p.Trailers)
	}
}

// TestRepliesWithDiffsStayComments: reviewers' inline diffs in the v16 PWM
// thread are not new patches.
func TestRepliesWithDiffsStayComments(t *testing.T) {
	res := ingest(t, filepath.Join(mailtest.SharedDir(t, "rust-series", "lore"), "pwm-abstractions-v16.mbox"))
	var withPatches []*review.Series
	for _, s := range res.Series {
		if len(s.Parts) > 0 {
			withPatches = append(withPatches, s)
		}
	}
	if len(withPatches) != 1 || len(withPatches[0].Parts) != 7 || withPatches[0].Cover == nil {
		t.Fatalf("want one series of 7 patches with a cover, got %d series", len(withPatches))
	}
	withDiff := 0
	for _, p := range res.Posts {
		if p.Kind == review.KindReply && p.HasDiff {
			withDiff++
		}
	}
	if withDiff != 2 {
		t.Errorf("replies carrying diffs = %d, want 2", withDiff)
	}
}

// TestCarryOver: in the shipped example, v2 1/2 is unchanged (same
// patch-id) and keeps v1's Reviewed-by; the rewritten 2/2 does not.
func TestCarryOver(t *testing.T) {
	res := ingest(t, "../examples/rust-pwm-demo.mbox")
	var v2 *review.Series
	for _, s := range res.Series {
		if s.Version == 2 {
			v2 = s
		}
	}
	if v2 == nil {
		t.Fatal("no v2")
	}
	has := func(pt *review.Part, source, value string) bool {
		for _, tr := range pt.Trailers {
			if tr.Source == source && strings.Contains(tr.Value, value) {
				return true
			}
		}
		return false
	}
	if !has(v2.Part(1), "carried", "rita@example.net") {
		t.Errorf("v2 1/2 trailers %v lack the carried Reviewed-by", v2.Part(1).Trailers)
	}
	if has(v2.Part(2), "carried", "rita@example.net") {
		t.Error("v2 2/2 changed but carries v1's review")
	}
	if !has(v2.Part(2), "cover", "mo@example.com") || !has(v2.Part(1), "cover", "mo@example.com") {
		t.Error("the cover letter's Acked-by does not apply to every patch")
	}
}
