package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/render"
)

func TestShow(t *testing.T) {
	// Any message of the series selects it: here v1's review reply.
	code, out, stderr := runCmd(t, "", "show", "https://lore.kernel.org/r/rita-1@example.net", example)
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "show-rust-pwm-demo-v1.txt.golden", out)
	code, out, _ = runCmd(t, "", "show", "<20261010-pwm-demo-v2-2-bbbb@example.org>", example)
	if code != cli.ExitOK {
		t.Fatal(code)
	}
	golden(t, "show-rust-pwm-demo-v2.txt.golden", out)
	// From stdin, read once: the hunks are kept in the one pass.
	data, _ := os.ReadFile(example)
	if code, out, _ = runCmd(t, string(data), "show", "<20261010-pwm-demo-v2-2-bbbb@example.org>", "-"); code != cli.ExitOK {
		t.Fatal(code)
	}
	golden(t, "show-rust-pwm-demo-v2.txt.golden", out)

	code, out, _ = runCmd(t, "", "show", "--format", "json", "20261010-pwm-demo-v2-0-bbbb@example.org", example)
	var rep render.ShowReport
	if code != cli.ExitOK || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("json: exit %d", code)
	}
	if len(rep.Versions) != 2 || rep.Interdiff == nil || rep.Interdiff.FromVersion != 1 {
		t.Fatalf("versions %d, interdiff %+v", len(rep.Versions), rep.Interdiff)
	}
	statuses := []string{}
	for _, c := range rep.Interdiff.Patches {
		statuses = append(statuses, c.Status)
	}
	if strings.Join(statuses, " ") != "unchanged changed" || !strings.Contains(rep.Interdiff.Patches[1].Diff, "-+        unsafe { bindings::pwm_chip_period_ns(chip.as_raw()) }") {
		t.Errorf("interdiff = %+v", rep.Interdiff.Patches)
	}

	check := func(want int, msg string, args ...string) {
		t.Helper()
		code, _, stderr := runCmd(t, "", append([]string{"show"}, args...)...)
		if code != want || !strings.Contains(stderr, msg) {
			t.Errorf("show %q: exit %d, stderr %q; want %d mentioning %q", args, code, stderr, want, msg)
		}
	}
	check(cli.ExitUsage, "no series", "nobody@example.org", example)
	check(cli.ExitUsage, "store", "20261010-pwm-demo-v2-0-bbbb@example.org")
}
