package review

import (
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	check := func(a, b, want string) {
		t.Helper()
		got := lineDiff(strings.Split(a, " "), strings.Split(b, " "))
		if got != want {
			t.Errorf("lineDiff(%q, %q) =\n%s\nwant\n%s", a, b, got, want)
		}
	}
	check("a b c", "a b c", "")
	check("a b c", "a x c", " a\n-b\n+x\n c\n")
	check("a b c d e f g h i j k", "a b c d e f g h i j K", " h\n i\n j\n-k\n+K\n")
	check("1 2 3 4 5 6 7 8 9 10 11 12", "x 2 3 4 5 6 7 8 9 10 11 y", "-1\n+x\n 2\n 3\n 4\n…\n 9\n 10\n 11\n-12\n+y\n")
	check("", "a", "-\n+a\n")
}
