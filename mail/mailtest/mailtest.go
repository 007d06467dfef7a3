// Package mailtest holds test helpers: finding the shared peer data
// (Patchwork and b4 fixtures, real list archives) that lives outside the
// repository, at ../shared/testdata next to the checkout or wherever
// $FERRULE_TESTDATA points (tests skip with a clear message when it is
// absent; the data is never copied into the repository), and comparing
// output with golden files.
package mailtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// SharedDataDir is SharedDir for ../shared/data (the kernel extracts
// the embedded defaults are made from): beside the testdata directory
// SharedDir finds, skipping the test when it is absent.
func SharedDataDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	testdata := SharedDir(tb)
	p := filepath.Join(append([]string{filepath.Dir(testdata), "data"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared kernel data %s not available: %v", p, err)
	}
	return p
}

// SharedDir returns the shared testdata directory joined with elem, or
// skips the test when it does not exist.
func SharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	root := os.Getenv("FERRULE_TESTDATA")
	if root == "" {
		root = findUp("shared/testdata")
	}
	if root == "" {
		tb.Skip("shared peer data not found: set FERRULE_TESTDATA or check out ../shared next to the repository")
	}
	p := filepath.Join(append([]string{root}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared peer data %s not available: %v", p, err)
	}
	return p
}

// findUp looks for rel in the parents of the working directory (tests run
// in their package directory, so ../shared is some levels up).
func findUp(rel string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for i := 0; i < 8; i++ {
		p := filepath.Join(dir, "..", rel)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			abs, _ := filepath.Abs(p)
			return abs
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

// Golden compares got with the golden file at path, rewriting the file
// first when update is set (go test -update). A difference is reported
// with the first differing line.
func Golden(tb testing.TB, path, got string, update bool) {
	tb.Helper()
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", path, firstDiff(string(want), got))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n-%s\n+%s", i+1, wl, gl)
		}
	}
	return ""
}

// OpenArchive streams the real linux-pwm archive (mboxrd) through xz; stop
// ends the stream. It skips when the archive or xz is missing.
func OpenArchive(tb testing.TB) (r io.ReadCloser, stop func()) {
	tb.Helper()
	path := filepath.Join(SharedDir(tb, "lists"), "linux-pwm-2019-2026.mbox.xz")
	if _, err := exec.LookPath("xz"); err != nil {
		tb.Skip("xz not installed (.ci/run installs xz-utils)")
	}
	cmd := exec.Command("xz", "-dc", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	return out, func() {
		_ = out.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

// ArchiveMessages returns the first n messages with distinct Message-IDs
// of the real linux-pwm archive (streamed through xz), as raw bytes. It
// skips when the archive or xz is missing. Message-IDs are found with a
// plain header scan (this package may not import mail).
func ArchiveMessages(tb testing.TB, n int) [][]byte {
	tb.Helper()
	out, stop := OpenArchive(tb)
	defer stop()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var msgs [][]byte
	var cur bytes.Buffer
	seen := map[string]bool{}
	flush := func() {
		b := bytes.TrimRight(cur.Bytes(), "\n")
		cur.Reset()
		if len(b) == 0 {
			return
		}
		id := headerMessageID(b)
		if id == "" || seen[id] {
			return
		}
		seen[id] = true
		msgs = append(msgs, append(append([]byte{}, b...), '\n'))
	}
	for sc.Scan() && len(msgs) < n {
		line := sc.Bytes()
		if bytes.HasPrefix(line, []byte("From mboxrd@z ")) {
			flush()
			continue
		}
		if bytes.HasPrefix(line, []byte(">From ")) || bytes.HasPrefix(line, []byte(">>From ")) {
			line = line[1:]
		}
		cur.Write(line)
		cur.WriteByte('\n')
	}
	if len(msgs) < n {
		flush()
	}
	if len(msgs) < n {
		tb.Fatalf("archive gave %d messages, want %d", len(msgs), n)
	}
	return msgs[:n]
}

func headerMessageID(b []byte) string {
	for _, l := range strings.SplitN(string(b), "\n\n", 2)[0:1] {
		for _, h := range strings.Split(l, "\n") {
			if len(h) > 11 && strings.EqualFold(h[:11], "message-id:") {
				return strings.TrimSpace(h[11:])
			}
		}
	}
	return ""
}
