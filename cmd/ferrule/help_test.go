package main

import (
	"strings"
	"testing"
)

// TestHelpGolden pins every help page: the command list and each
// command's usage and flags, on stdout with exit 0.
func TestHelpGolden(t *testing.T) {
	pages := [][]string{{"help"}}
	for _, c := range commands {
		pages = append(pages, []string{"help", c.name})
	}
	for _, args := range pages {
		code, out, stderr := runCmd(t, "", args...)
		if code != exitOK || stderr != "" {
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
	if code, _, _ := runCmd(t, "", "help", "nope"); code != exitUsage {
		t.Errorf("help nope: exit %d, want %d", code, exitUsage)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, _ := runCmd(t, "", args...)
		if code != exitOK || !strings.HasPrefix(out, "ferrule ") || !strings.Contains(out, "go1.") {
			t.Errorf("%q: exit %d, %q", args, code, out)
		}
	}
}

// TestFlagsAnywhere: flags after the arguments mean what they mean before
// them, as in git and b4; "--" ends the flags.
func TestFlagsAnywhere(t *testing.T) {
	_, before, _ := runCmd(t, "", "review", "--format", "json", example)
	code, after, stderr := runCmd(t, "", "review", example, "--format", "json")
	if code != exitOK || after != before || !strings.HasPrefix(after, "{") {
		t.Errorf("review PATH --format json: exit %d, stderr %q, same output %v", code, stderr, after == before)
	}
	code, _, stderr = runCmd(t, "", "review", "--", "--format")
	if code != exitUsage || !strings.Contains(stderr, "--format") {
		t.Errorf("review -- --format: exit %d, stderr %q (want the path --format refused)", code, stderr)
	}
	code, out, stderr := runCmd(t, "", "show", "20261001-pwm-demo-v1-1-aaaa@example.org", example, "--format", "json")
	if code != exitOK || !strings.HasPrefix(out, "{") {
		t.Errorf("show ID PATH --format json: exit %d, stderr %q", code, stderr)
	}
}
