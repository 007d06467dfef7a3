package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"ferrule/cmd/internal/cli"
	"ferrule/review"
)

const ranking = "../../review/testdata/ranking.mbox"

func reportOf(t *testing.T, args ...string) *review.Report {
	t.Helper()
	code, out, stderr := runCmd(t, "", append([]string{"review", "--format", "json"}, args...)...)
	if code != cli.ExitOK {
		t.Fatalf("review %q: exit %d: %s", args, code, stderr)
	}
	var rep review.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

func titlesOf(rep *review.Report) []string {
	var out []string
	for _, s := range rep.Series {
		out = append(out, s.Title)
	}
	return out
}

func TestReviewFilters(t *testing.T) {
	check := func(want int, args ...string) {
		t.Helper()
		rep := reportOf(t, append(args, ranking)...)
		if len(rep.Series) != want {
			t.Errorf("%q: %d series %q, want %d", args, len(rep.Series), titlesOf(rep), want)
		}
	}
	check(14)
	check(5, "--tier", "must-look")
	check(4, "--tier", "fyi")
	check(3, "--limit", "3")
	check(6, "--path", "rust/kernel/**")
	check(2, "--path", "rust/kernel/device.rs")
	check(1, "--path", "*.h")
	check(1, "--path", "pwm_foo")
	check(3, "--since", "2026-09-01T19:30:00Z")
	check(14, "--since", "2026-09-01")
	check(0, "--maintainer", "nobody@example.org")
	check(7, "--maintainer", "rust-for-linux@vger.kernel.org") // six under rust/, one by K: on "Rust"
}

func TestReviewTTYStyle(t *testing.T) {
	run := func(tty bool, width int, noColor string) string {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, isTTY: tty, width: width,
			getenv: func(k string) string {
				if k == "NO_COLOR" {
					return noColor
				}
				return ""
			}}
		if code := run(context.Background(), e, []string{"review", ranking}); code != cli.ExitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	plain := run(false, 0, "")
	colour := run(true, 60, "")
	noColour := run(true, 60, "1")
	if strings.Contains(plain, "\033[") || strings.Contains(noColour, "\033[") {
		t.Error("colour escapes without a terminal or with NO_COLOR")
	}
	if !strings.Contains(colour, "\033[1;31m") {
		t.Error("no colour on a terminal")
	}
	for _, l := range strings.Split(noColour, "\n") {
		if strings.HasPrefix(l, "must-look") || strings.HasPrefix(l, "fyi") || strings.HasPrefix(l, "should-look") {
			if n := len([]rune(l)); n > 60 {
				t.Errorf("table line of %d runes on a 60-column terminal: %q", n, l)
			}
		}
	}
	if !strings.Contains(plain, "rust: device: add Device::is_bound()") {
		t.Error("titles cut without a terminal")
	}
}

func TestNoProgressWithoutTerminal(t *testing.T) {
	// Not a terminal: nothing on stderr, however long it takes.
	_, _, stderr := runCmd(t, "", "review", example)
	if stderr != "" {
		t.Errorf("stderr = %q", stderr)
	}
}
