package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/cmd/internal/cli"
)

func TestCheckExitCodes(t *testing.T) {
	check := func(want int, args ...string) string {
		t.Helper()
		code, out, stderr := runCmd(t, "", append([]string{"check"}, args...)...)
		if code != want {
			t.Errorf("check %q: exit %d, want %d; stderr %q", args, code, want, stderr)
		}
		return out
	}
	out := check(cli.ExitFindings, kernelPatches)
	if !strings.Contains(out, "safety-comment-missing rust/kernel/clk.rs:35") || !strings.Contains(out, "| +        unsafe { bindings::clk_unprepare(self.0) }") {
		t.Errorf("check output lacks the finding or its excerpt:\n%s", out)
	}
	check(cli.ExitOK, "--fail-on", "critical", kernelPatches)
	check(cli.ExitFindings, "--fail-on", "critical", "--tree", kernelTreeDir, kernelPatches)
	check(cli.ExitOK, "--fail-on", "critical", "--ignore-uncertain", example)
	check(cli.ExitUsage, "--fail-on", "severe", kernelPatches)
	// The example's v2, as git format-patch wrote it: a changed
	// abstraction with its SAFETY comment and a driver that uses it is
	// something to look at, not a violation.
	v2, _ := filepath.Glob("../../examples/v2-patches/*.patch")
	if len(v2) != 2 {
		t.Fatalf("examples/v2-patches: %v", v2)
	}
	check(cli.ExitOK, v2...)
	check(cli.ExitUsage)
}

// TestCheckGitRange commits the test patches in a scratch repository made
// from the kernel-shaped tree and checks them with --git-range: the tree
// at A decides what the hunks cannot.
func TestCheckGitRange(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(kernelTreeDir)); err != nil {
		t.Fatal(err)
	}
	patches, err := filepath.Abs(kernelPatches)
	if err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "base")
	git("tag", "base")
	git("am", "-q", patches)
	t.Chdir(dir)
	code, out, stderr := runCmd(t, "", "check", "--git-range", "base..HEAD")
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(out, "needs-post-image") {
		t.Errorf("with the tree at the base, nothing should need the post-image:\n%s", out)
	}
	if !strings.Contains(out, "critical c-header-used-by-rust-changed include/linux/clk.h:7") {
		t.Errorf("missing the tree-mode C header finding:\n%s", out)
	}
}
