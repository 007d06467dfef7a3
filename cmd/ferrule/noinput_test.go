package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferrule/cmd/internal/cli"
)

// TestNoPatchInput: input with no patch is said on stderr by review and
// fails check (exit 2); a truncated .gz reviews what came before the cut
// and names the place once.
func TestNoPatchInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noise := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(noise)
	maildir := filepath.Join(dir, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		os.MkdirAll(filepath.Join(maildir, sub), 0o755)
	}
	for _, c := range []struct{ path, want string }{
		{write("empty", nil), "no messages in the input"},
		{maildir, "no messages in the input"},
		{write("noise", noise), "no patches in the input: 1 message, 1 "},
		{write("text", []byte("hello\nworld\n")), "no patches in the input: 1 message, 1 other"},
		{write("long", append(bytes.Repeat([]byte("x"), 3<<20), '\n')), "no patches in the input: 1 message, 1 other"},
	} {
		code, _, stderr := runCmd(t, "", "review", c.path)
		if code != cli.ExitOK || !strings.Contains(stderr, c.want) {
			t.Errorf("review %s: exit %d, stderr %q, want %q", filepath.Base(c.path), code, stderr, c.want)
		}
		code, out, stderr := runCmd(t, "", "check", c.path)
		if code != cli.ExitUsage || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "nothing to check") {
			t.Errorf("check %s: exit %d, stdout %q, stderr %q", filepath.Base(c.path), code, out, stderr)
		}
	}

	raw, _ := os.ReadFile(example)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	cut := write("cut.mbox.gz", gz.Bytes()[:gz.Len()*3/4])
	code, out, stderr := runCmd(t, "", "review", "--format", "json", cut)
	if code != cli.ExitRuntime || !strings.Contains(out, `"patches"`) || strings.Contains(out, `"patches": 0,`) {
		t.Errorf("review of a cut .gz: exit %d, no messages before the cut in\n%s", code, out)
	}
	if strings.Count(stderr, "cut.mbox.gz:") != 1 {
		t.Errorf("review of a cut .gz: the place should be named once: %q", stderr)
	}
}

// TestReviewIdleStdinInterrupted: `ferrule review -` on a standard input
// that sends nothing ends when interrupted (a runtime error), instead of
// waiting for the first bytes forever.
func TestReviewIdleStdinInterrupted(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	var out, errb bytes.Buffer
	e := &env{stdin: r, stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, now: testNow}
	done := make(chan int, 1)
	go func() { done <- run(ctx, e, []string{"review", "-"}) }()
	select {
	case code := <-done:
		if code != cli.ExitRuntime || !strings.Contains(errb.String(), "ferrule review: stdin: waiting for input: context deadline exceeded") {
			t.Errorf("review - interrupted: exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("review - still waiting for stdin 5 s after the interrupt")
	}
}
