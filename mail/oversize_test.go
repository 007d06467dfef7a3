package mail

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An mbox message over the limit is named by its size and the digest of
// its first 64 KiB, exactly as if it had been read whole (quoting undone,
// over lines longer than the window, CRLF, at the end without a newline),
// and so gets the same fallback id wherever it is found.
func TestOversizeNamedByContent(t *testing.T) {
	from := "From x Mon Jan  1 00:00:00 2024\n"
	lines := func(n int, line string) string { return strings.Repeat(line, n) }
	msgs := []string{
		"Subject: small\n\nbody\n",
		"Subject: quoted\n\n" + lines(200, ">From here\n") + lines(3000, strings.Repeat("q", 99)+"\n"),
		"Subject: one long line\n\n" + strings.Repeat("L", 1<<20) + "\nend\n",
		"Subject: crlf\r\n\r\n" + lines(4000, strings.Repeat("c", 98)+"\r\n"),
		"Subject: last, no newline\n\n" + lines(3000, strings.Repeat("z", 99)+"\n") + "tail",
	}
	var mbox strings.Builder
	for i, m := range msgs {
		if i > 0 {
			mbox.WriteString("\n")
		}
		mbox.WriteString(from + m)
	}
	read := func(in string, limit int) []*Raw {
		t.Helper()
		r := NewMboxReader(strings.NewReader(in), "f", &MboxOptions{MaxMessageBytes: limit})
		var out []*Raw
		for {
			raw, err := r.Next(context.Background())
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, raw)
		}
	}
	whole, limited := read(mbox.String(), 0), read(mbox.String(), 100<<10)
	if len(whole) != len(msgs) || len(limited) != len(msgs) {
		t.Fatalf("read %d and %d messages, want %d", len(whole), len(limited), len(msgs))
	}
	if limited[0].Err != nil {
		t.Errorf("small message: %v", limited[0].Err)
	}
	for i := 1; i < len(msgs); i++ {
		want := TooLarge(int64(len(whole[i].Bytes)), whole[i].Bytes).Error()
		if limited[i].Err == nil || !errors.Is(limited[i].Err, ErrTooLarge) || limited[i].Err.Error() != want {
			t.Errorf("message %d: error %v\nwant %s", i, limited[i].Err, want)
		}
	}
	// The same message elsewhere in another mbox: the same id.
	moved := read(from+msgs[3]+"\n"+from+msgs[0]+"\n"+from+msgs[1], 100<<10)
	if len(moved) != 3 || FallbackID(moved[0]) != FallbackID(limited[3]) || FallbackID(moved[2]) != FallbackID(limited[1]) ||
		FallbackID(moved[0]) == FallbackID(moved[2]) || moved[0].Position == limited[3].Position {
		t.Errorf("ids depend on the position: %q %q / %q %q", FallbackID(moved[0]), FallbackID(limited[3]), FallbackID(moved[2]), FallbackID(limited[1]))
	}
}

// A Maildir message over the limit is named the same way, by the file's
// size and first bytes.
func TestOversizeMaildir(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	big := []byte("Subject: big\n\n" + strings.Repeat("b", DefaultMaxMessageBytes))
	if err := os.WriteFile(filepath.Join(dir, "cur", "1:2,S"), big, 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := Open([]string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	raw, err := src.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := TooLarge(int64(len(big)), big).Error(); raw.Err == nil || raw.Err.Error() != want {
		t.Errorf("error %v, want %s", raw.Err, want)
	}
}
