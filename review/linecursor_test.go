package review

import (
	"slices"
	"strings"
	"testing"
)

// lineCursor gives the lines strings.Split(text, "\n") gives, and peek
// shows the one next returns.
func FuzzLineCursor(f *testing.F) {
	for _, s := range []string{"", "a", "a\n", "\n", "\n\n", "a\nb", "a\r\nb\r\n", "x\n\ny"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var got []string
		c := lineCursor{rest: text}
		for {
			p, pok := c.peek()
			l, ok := c.next()
			if p != l || pok != ok {
				t.Fatalf("%q: peek %q %v, next %q %v", text, p, pok, l, ok)
			}
			if !ok {
				break
			}
			got = append(got, l)
		}
		if want := strings.Split(text, "\n"); !slices.Equal(got, want) {
			t.Errorf("%q: lines %q, strings.Split %q", text, got, want)
		}
	})
}
