package main

import (
	"strings"
	"testing"

	"ferrule/cmd/internal/cli"
)

// TestHelpGolden pins every help page: the command list and each
// command's usage and flags, on stdout with exit 0.
func TestHelpGolden(t *testing.T) {
	pages := [][]string{{"help"}}
	for _, c := range commands {
		pages = append(pages, []string{"help", c.Name})
	}
	for _, args := range pages {
		code, out, stderr := runCmd(t, "", args...)
		if code != cli.ExitOK || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
		if !strings.Contains(out, "usage") {
			t.Errorf("%q: no usage line in %q", args, out)
		}
		name := "commands" // the list, for plain "ferrule help"
		if len(args) > 1 {
			name = args[1]
		}
		golden(t, "help-"+name+".golden", out)
	}
	if code, _, _ := runCmd(t, "", "help", "nope"); code != cli.ExitUsage {
		t.Errorf("help nope: exit %d, want %d", code, cli.ExitUsage)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, _ := runCmd(t, "", args...)
		if code != cli.ExitOK || !strings.HasPrefix(out, "ferrule ") || !strings.Contains(out, "go1.") {
			t.Errorf("%q: exit %d, %q", args, code, out)
		}
	}
}

// TestFlagsAnywhere: flags after the arguments mean what they mean before
// them, as in git and b4; "--" ends the flags.
func TestFlagsAnywhere(t *testing.T) {
	_, before, _ := runCmd(t, "", "review", "--format", "json", example)
	code, after, stderr := runCmd(t, "", "review", example, "--format", "json")
	if code != cli.ExitOK || after != before || !strings.HasPrefix(after, "{") {
		t.Errorf("review PATH --format json: exit %d, stderr %q, same output %v", code, stderr, after == before)
	}
	code, _, stderr = runCmd(t, "", "review", "--", "--format")
	if code != cli.ExitUsage || !strings.Contains(stderr, "--format") {
		t.Errorf("review -- --format: exit %d, stderr %q (want the path --format refused)", code, stderr)
	}
	code, out, stderr := runCmd(t, "", "show", "20261001-pwm-demo-v1-1-aaaa@example.org", example, "--format", "json")
	if code != cli.ExitOK || !strings.HasPrefix(out, "{") {
		t.Errorf("show ID PATH --format json: exit %d, stderr %q", code, stderr)
	}
}

// TestSinceTier: git's approximate dates for --since (from the command's
// clock), and the superseded tier the table prints.
func TestSinceTier(t *testing.T) {
	_, want, _ := runCmd(t, "", "review", "--format", "json", "--since", "2026-10-02T12:00:00Z", example)
	for _, since := range []string{"30 days ago", "30.days.ago"} {
		code, got, stderr := runCmd(t, "", "review", "--format", "json", "--since", since, example)
		if code != cli.ExitOK || got != want {
			t.Errorf("--since %q: exit %d, %q; output differs from --since 2026-10-02T12:00:00Z", since, code, stderr)
		}
	}
	if code, out, _ := runCmd(t, "", "review", "--since", "yesterday", example); code != cli.ExitOK || !strings.Contains(out, "\n0 series") {
		t.Errorf("--since yesterday: exit %d, %q", code, out)
	}
	code, out, stderr := runCmd(t, "", "review", "--tier", "superseded", example)
	if code != cli.ExitOK || !strings.Contains(out, "\n1 series") || !strings.Contains(out, "1 superseded") {
		t.Errorf("--tier superseded: exit %d, %q %q", code, out, stderr)
	}
}
