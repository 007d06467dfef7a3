package am

import (
	"strings"
	"testing"
)

// FuzzInsertTrailers checks that any text keeps everything from its patch
// break on, byte for byte, and gains the trailer above it.
func FuzzInsertTrailers(f *testing.F) {
	f.Add("Body.\n\nSigned-off-by: A <a@b>\n---\ndiff --git a/x b/x\n")
	f.Add("---")
	f.Add("")
	f.Add("\n\n\nIndex: x\n")
	f.Add("x\r\n---\r\n")
	f.Fuzz(func(t *testing.T, text string) {
		const rb = "Reviewed-by: R <r@example.org>"
		out := InsertTrailers(text, []string{rb})
		end := messageEnd(text)
		msg, tail := strings.TrimRight(text[:end], " \t\r\n"), text[end:]
		// The message, then the trailer, then the patch break on: each
		// byte for byte.
		if !strings.HasPrefix(out, msg) {
			t.Fatalf("message %q lost from %q", msg, out)
		}
		i := strings.Index(out[len(msg):], rb)
		if i < 0 {
			t.Fatalf("trailer missing from %q", out)
		}
		if rest := out[len(msg)+i+len(rb):]; !strings.HasSuffix(rest, tail) || strings.TrimLeft(strings.TrimSuffix(rest, tail), " \t\r\n") != "" {
			t.Fatalf("after the trailer %q, want blank lines then the tail %q", rest, tail)
		}
	})
}
