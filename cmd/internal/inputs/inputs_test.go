package inputs

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"ferrule/cmd/internal/cli"
	"ferrule/mail"
	"ferrule/review"
)

func TestParseID(t *testing.T) {
	for in, want := range map[string]string{
		"<a@b>":                                  "a@b",
		"a@b":                                    "a@b",
		"https://lore.kernel.org/r/a@b":          "a@b",
		"https://lore.kernel.org/linux-pwm/a@b/": "a@b",
		"https://lore.kernel.org/all/a%2Bx@b/T/#u": "a+x@b",
		"https://patch.msgid.link/a@b":             "a@b",
		"id:a@b":                                   "a@b",      // lei's spelling
		"055c031a":                                 "055c031a", // a short id
	} {
		if got := ParseID(in); got != want {
			t.Errorf("ParseID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNoPatches(t *testing.T) {
	for _, c := range []struct {
		c    review.Counts
		want string
	}{
		{review.Counts{}, "no messages in the input"},
		{review.Counts{Total: 3, Patches: 1, Replies: 2}, ""},
		{review.Counts{Total: 1, Unparsed: 1}, "no patches in the input: 1 message, 1 unparsed (not mail)"},
		{review.Counts{Total: 3, Other: 2, Covers: 1}, "no patches in the input: 3 messages, 1 cover letter(s) without patches, 2 other (mail that is no patch, cover letter or reply)"},
	} {
		if got := NoPatches(c.c); got != c.want {
			t.Errorf("NoPatches(%+v) = %q, want %q", c.c, got, c.want)
		}
	}
}

// An input that cannot be opened is the user's to fix (exit 2); an
// interrupt while standard input sends nothing is a runtime error (exit
// 3), as an interrupted review is.
func TestFilesErrors(t *testing.T) {
	if _, err := Files(t.Context(), []string{filepath.Join(t.TempDir(), "missing.mbox")}, nil, mail.MboxRD); cli.Code(err) != cli.ExitUsage {
		t.Errorf("missing file: %v, exit %d; want %d", err, cli.Code(err), cli.ExitUsage)
	}
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := Files(ctx, []string{"-"}, r, mail.MboxRD); cli.Code(err) != cli.ExitRuntime {
		t.Errorf("interrupted stdin: %v, exit %d; want %d", err, cli.Code(err), cli.ExitRuntime)
	}
}
