package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/rustcheck"
)

const (
	kernelTreeDir = "testdata/kernel"
	kernelPatches = "testdata/kernel-patches.mbox"
)

// findingsOf runs review --format json and indexes findings as
// "rule file:line confidence".
func findingsOf(t *testing.T, args ...string) (map[string]bool, *review.Report) {
	t.Helper()
	code, out, stderr := runCmd(t, "", append([]string{"review", "--format", "json"}, args...)...)
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep review.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, s := range rep.Series {
		for _, p := range s.Patches {
			for _, f := range p.Findings {
				got[f.Rule+" "+f.File+":"+itoa(f.Line)+" "+string(f.Confidence)] = true
			}
		}
	}
	return got, &rep
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestKernelTreeMode: hunks alone cannot see the SAFETY comment above the
// hunk; the whole post-image file can. The tree also says which Rust lines
// use a changed C symbol and which helper wraps a changed inline.
func TestKernelTreeMode(t *testing.T) {
	hunks, _ := findingsOf(t, kernelPatches)
	tree, rep := findingsOf(t, "--tree", kernelTreeDir, kernelPatches)
	check := func(set map[string]bool, mode, key string, want bool) {
		t.Helper()
		if set[key] != want {
			t.Errorf("%s: %q reported = %v, want %v; have %v", mode, key, set[key], want, keys(set))
		}
	}
	check(hunks, "hunks", "safety-comment-missing rust/kernel/clk.rs:23 needs-post-image", true)
	check(tree, "tree", "safety-comment-missing rust/kernel/clk.rs:23 needs-post-image", false)
	check(tree, "tree", "safety-comment-missing rust/kernel/clk.rs:23 high", false)
	check(hunks, "hunks", "safety-comment-missing rust/kernel/clk.rs:35 high", true)
	check(tree, "tree", "safety-comment-missing rust/kernel/clk.rs:35 high", true)
	check(hunks, "hunks", "c-header-used-by-rust-changed include/linux/clk.h:7 high", true)
	check(tree, "tree", "c-header-used-by-rust-changed include/linux/clk.h:7 high", true)
	check(tree, "tree", "c-inline-or-macro-wrapped-by-helper-changed include/linux/clk.h:19 high", true)

	var critical string
	for _, s := range rep.Series {
		for _, p := range s.Patches {
			for _, f := range p.Findings {
				if f.Rule == "c-header-used-by-rust-changed" && f.Line == 7 {
					critical = string(f.Severity) + " " + f.Message
				}
			}
		}
	}
	if !strings.HasPrefix(critical, "critical ") || !strings.Contains(critical, "rust/kernel/clk.rs:23") {
		t.Errorf("clk_get_rate finding = %q, want critical naming rust/kernel/clk.rs:23", critical)
	}
}

// TestRoutingToCMaintainers: a change to the Rust clk wrapper alone reaches
// the clock maintainers, whose API it wraps.
func TestRoutingToCMaintainers(t *testing.T) {
	_, rep := findingsOf(t, "--tree", kernelTreeDir, kernelPatches)
	for _, s := range rep.Series {
		if !strings.HasPrefix(s.Title, "rust: clk") {
			continue
		}
		var emails []string
		why := ""
		for _, m := range s.Maintainers {
			emails = append(emails, m.Email)
			if m.Email == "clk@example.org" {
				why = m.Why
			}
		}
		if strings.Join(emails, " ") != "rust@example.org rust-review@example.org rust-for-linux@vger.kernel.org clk@example.org linux-clk@vger.kernel.org" {
			t.Errorf("maintainers = %v", emails)
		}
		if !strings.Contains(why, "C API wrapped by rust/kernel/clk.rs (include/linux/clk.h") {
			t.Errorf("clk maintainer reason = %q", why)
		}
		return
	}
	t.Fatal("no rust: clk series")
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestKernelSnapshot regenerates the embedded knowledge from the test tree
// and reads it back the way the embedded snapshot is read.
func TestKernelSnapshot(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := runCmd(t, "", "kernel-snapshot", "--out", out, kernelTreeDir); code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	k := rustcheck.SnapshotFS(os.DirFS(out))
	if !k.Headers["include/linux/clk.h"] || !k.HelperFiles["rust/helpers/clk.c"] {
		t.Errorf("snapshot knowledge = headers %v, helpers %v", k.Headers, k.HelperFiles)
	}
	m, _ := os.ReadFile(filepath.Join(out, "MAINTAINERS"))
	tm, _ := os.ReadFile(filepath.Join(kernelTreeDir, "MAINTAINERS"))
	if string(m) != string(tm) {
		t.Errorf("snapshot MAINTAINERS is not the tree's whole file:\n%s", m)
	}
	// The symbol table reads back: the clk abstraction's bindings and the
	// helper's wrapped calls.
	im := k.ImpactOf("clk_get_rate")
	if im == nil || strings.Join(im.Users, ",") != "rust/kernel/clk.rs" {
		t.Errorf("clk_get_rate impact from the snapshot = %+v", im)
	}
	if im := k.ImpactOf("clk_prepare_enable"); im == nil || !im.Wrapped {
		t.Errorf("clk_prepare_enable impact from the snapshot = %+v, want wrapped by the helper", im)
	}
}

// TestKernelSnapshotData: the embedded snapshot is what kernel-snapshot
// --data makes of ../shared/data/kernel, byte for byte.
func TestKernelSnapshotData(t *testing.T) {
	data := mailtest.SharedDataDir(t, "kernel")
	out := t.TempDir()
	if code, _, stderr := runCmd(t, "", "kernel-snapshot", "--data", data, "--out", out); code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range analysis.SnapshotFiles {
		got, _ := os.ReadFile(filepath.Join(out, name))
		embedded, _ := os.ReadFile(filepath.Join("..", "..", "review", "rustcheck", "snapshot", name))
		if string(got) != string(embedded) {
			t.Errorf("review/rustcheck/snapshot/%s differs from what kernel-snapshot --data %s writes", name, data)
		}
	}
}

// TestWrappersCommand: the PWM maintainer's map from the embedded
// knowledge, and a clk map with exact homes from the test tree.
func TestWrappersCommand(t *testing.T) {
	code, out, stderr := runCmd(t, "", "wrappers", "--maintainer", "ukleinek@kernel.org")
	if code != cli.ExitOK || !strings.Contains(out, "from what ukleinek@kernel.org maintains (PWM SUBSYSTEM)") ||
		!strings.Contains(out, "include/linux/pwm.h\n") || !strings.Contains(out, "pwmchip_release ") ||
		!strings.Contains(out, "rust/kernel/pwm.rs                   uses ") {
		t.Errorf("wrappers --maintainer: exit %d, stderr %q\n%s", code, stderr, out)
	}
	code, out, stderr = runCmd(t, "", "wrappers", "--tree", kernelTreeDir, "--format", "json", "include/linux/clk.h")
	var wm struct {
		ByName  bool `json:"by_name"`
		Symbols []struct {
			Symbol, Home string
			Users        []string
		}
	}
	if err := json.Unmarshal([]byte(out), &wm); code != cli.ExitOK || err != nil || wm.ByName {
		t.Fatalf("wrappers --tree: exit %d, %v, stderr %q\n%s", code, err, stderr, out)
	}
	homes := map[string]string{}
	for _, s := range wm.Symbols {
		homes[s.Symbol] = s.Home
	}
	if homes["clk_get_rate"] != "include/linux/clk.h" {
		t.Errorf("tree homes %v: want clk_get_rate defined in include/linux/clk.h", homes)
	}
	if code, _, _ := runCmd(t, "", "wrappers", "--maintainer", "nobody@example.org"); code != cli.ExitUsage {
		t.Errorf("an address MAINTAINERS does not name: exit %d, want %d", code, cli.ExitUsage)
	}
}
