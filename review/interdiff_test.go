package review

import (
	"strconv"
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

// myers finds a shortest edit script (checked against the longest common
// subsequence) that turns a into b, and gives up beyond its limit.
func TestMyersShortest(t *testing.T) {
	lcs := func(a, b []string) int {
		dp := make([][]int, len(a)+1)
		for i := range dp {
			dp[i] = make([]int, len(b)+1)
		}
		for i := len(a) - 1; i >= 0; i-- {
			for j := len(b) - 1; j >= 0; j-- {
				if a[i] == b[j] {
					dp[i][j] = dp[i+1][j+1] + 1
				} else {
					dp[i][j] = max(dp[i+1][j], dp[i][j+1])
				}
			}
		}
		return dp[0][0]
	}
	seed := uint32(7)
	rnd := func(n int) int { seed = seed*1664525 + 1013904223; return int(seed>>16) % n }
	words := func() []string {
		out := make([]string, rnd(30))
		for i := range out {
			out[i] = string(rune('a' + rnd(4)))
		}
		return out
	}
	for range 300 {
		a, b := words(), words()
		ops, ok := myers(a, b, len(a)+len(b))
		if !ok {
			t.Fatalf("myers(%q, %q) gave up", a, b)
		}
		var fromA, fromB []string
		edits := 0
		for _, o := range ops {
			if o.op != '+' {
				fromA = append(fromA, o.text)
			}
			if o.op != '-' {
				fromB = append(fromB, o.text)
			}
			if o.op != ' ' {
				edits++
			}
		}
		if strings.Join(fromA, " ") != strings.Join(a, " ") || strings.Join(fromB, " ") != strings.Join(b, " ") {
			t.Fatalf("myers(%q, %q) = %v does not turn one into the other", a, b, ops)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
			t.Fatalf("myers(%q, %q): %d edits, want %d", a, b, edits, want)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); want > 0 {
			if _, ok := myers(a, b, want-1); ok {
				t.Fatalf("myers(%q, %q) with limit %d did not give up", a, b, want-1)
			}
		}
	}
}

// Two long, wholly different patches are not compared line by line.
func TestLineDiffTooDifferent(t *testing.T) {
	var a, b []string
	for i := range maxEdits {
		a = append(a, "old "+strconv.Itoa(i))
		b = append(b, "new "+strconv.Itoa(i))
	}
	got := lineDiff(a, b)
	if want := "… more than 2000 lines differ (2000 lines before, 2000 after): too many to compare\n"; got != want {
		t.Errorf("lineDiff = %q, want %q", got, want)
	}
}
