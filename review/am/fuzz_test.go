package am_test

import (
	"strings"
	"testing"

	"ferrule/review/am"
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
		out := am.InsertTrailers(text, []string{rb})
		i := strings.Index(out, rb)
		if i < 0 {
			t.Fatalf("trailer missing from %q", out)
		}
		i += len(rb)
		rest := strings.TrimLeft(out[i:], "\n \t\r")
		if !strings.HasSuffix(text, rest) {
			t.Fatalf("tail %q is not the end of the input %q", rest, text)
		}
	})
}
