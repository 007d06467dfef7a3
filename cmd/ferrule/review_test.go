package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferrule/cmd/internal/cli"
	"ferrule/mail/mailtest"
	"ferrule/review"
)

var update = flag.Bool("update", false, "rewrite golden files")

const example = "../../examples/rust-pwm-demo.mbox"

// testNow pins the clock of command tests (waiting times in reasons).
func testNow() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }

// runCmd runs ferrule with args and returns exit code, stdout and stderr.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, now: testNow}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	mailtest.Golden(t, filepath.Join("testdata", name), got, *update)
}

func TestReviewGolden(t *testing.T) {
	for _, f := range []struct{ format, file string }{
		{"text", "rust-pwm-demo.txt.golden"},
		{"markdown", "rust-pwm-demo.md.golden"},
		{"json", "rust-pwm-demo.json.golden"},
	} {
		code, out, stderr := runCmd(t, "", "review", "--format", f.format, example)
		if code != cli.ExitOK {
			t.Fatalf("review --format %s: exit %d, stderr %q", f.format, code, stderr)
		}
		golden(t, f.file, out)
	}
}

func TestReviewJSONContract(t *testing.T) {
	_, out, _ := runCmd(t, "", "review", "--format", "json", example)
	var rep review.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	c := rep.Messages
	if c.Total != 11 || c.Patches+c.Covers+c.Replies+c.Other+c.Unparsed != c.Total {
		t.Errorf("messages = %+v", c)
	}
	// Generic decoding: the contract's keys are present with their types.
	var generic map[string]any
	json.Unmarshal([]byte(out), &generic)
	s := generic["series"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "title", "version", "total", "rfc", "resend", "author", "date",
		"cover_message_id", "complete", "missing", "extra", "supersedes", "superseded_by", "patches"} {
		if _, ok := s[key]; !ok {
			t.Errorf("series lacks %q", key)
		}
	}
	p := s["patches"].([]any)[0].(map[string]any)
	for _, key := range []string{"number", "message_id", "subject", "files", "trailers"} {
		if _, ok := p[key]; !ok {
			t.Errorf("patch lacks %q", key)
		}
	}
}

func TestReviewStdinEqualsFile(t *testing.T) {
	b, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	_, fromFile, _ := runCmd(t, "", "review", "--format", "json", example)
	code, fromStdin, stderr := runCmd(t, string(b), "review", "--format", "json", "-")
	if code != cli.ExitOK || fromStdin != fromFile {
		t.Errorf("stdin: exit %d, stderr %q, same output: %v", code, stderr, fromStdin == fromFile)
	}
}

func TestReviewErrors(t *testing.T) {
	check := func(wantCode int, wantErr string, args ...string) {
		t.Helper()
		code, _, stderr := runCmd(t, "", args...)
		if code != wantCode || !strings.Contains(stderr, wantErr) {
			t.Errorf("ferrule %q: exit %d, stderr %q; want exit %d mentioning %q", args, code, stderr, wantCode, wantErr)
		}
	}
	check(cli.ExitUsage, "usage")
	check(cli.ExitUsage, "unknown command", "frobnicate")
	check(cli.ExitUsage, "no input", "review")
	check(cli.ExitUsage, "unknown --format", "review", "--format", "yaml", example)
	check(cli.ExitUsage, "give --db", "review", "--no-fsync", example)
	check(cli.ExitUsage, "no-such.mbox", "review", "testdata/no-such.mbox")
	check(cli.ExitOK, "", "review", "-h")
}
