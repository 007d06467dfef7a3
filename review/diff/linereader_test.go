package diff

import (
	"bufio"
	"strings"
	"testing"
)

// lineReader.ReadString returns what bufio.Reader's does, line by line,
// errors included.
func FuzzLineReader(f *testing.F) {
	for _, s := range []string{"", "a", "a\n", "\n\n", "a\nb", "diff --git a/x b/x\n+y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		br := bufio.NewReader(strings.NewReader(text))
		lr := &lineReader{rest: text}
		for range len(text) + 2 {
			want, werr := br.ReadString('\n')
			got, gerr := lr.ReadString('\n')
			if got != want || gerr != werr {
				t.Fatalf("%q: ReadString %q, %v; bufio gives %q, %v", text, got, gerr, want, werr)
			}
			if werr != nil {
				return
			}
		}
	})
}
