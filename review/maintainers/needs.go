package maintainers

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// need is a string a match must contain, in any case when fold (then
// written in lower case).
type need struct {
	s    string
	fold bool
}

// needs returns strings one of which every match of re contains, or nil
// when it cannot tell (a pattern that can match the empty string, a
// case-folded literal beyond ASCII).
func needs(re *regexp.Regexp) []need {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	return required(tree.Simplify())
}

func required(re *syntax.Regexp) []need {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase == 0 {
			return []need{{s: s}}
		}
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return nil
			}
		}
		return []need{{s: strings.ToLower(s), fold: true}}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		// the part whose shortest alternative is longest
		var best []need
		for _, sub := range re.Sub {
			if r := required(sub); r != nil && shortest(r) > shortest(best) {
				best = r
			}
		}
		return best
	case syntax.OpAlternate:
		var all []need
		for _, sub := range re.Sub {
			r := required(sub)
			if r == nil {
				return nil
			}
			all = append(all, r...)
		}
		return all
	}
	return nil
}

func shortest(set []need) int {
	if len(set) == 0 {
		return 0
	}
	n := len(set[0].s)
	for _, x := range set[1:] {
		n = min(n, len(x.s))
	}
	return n
}

// containsAny reports whether s contains one of needs; true when needs is
// nil (nothing known).
func containsAny(s string, needs []need) bool {
	if needs == nil {
		return true
	}
	for _, n := range needs {
		if n.fold && containsFold(s, n.s) || !n.fold && strings.Contains(s, n.s) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains lower (ASCII, lower case) in
// any case. With a byte beyond ASCII in s it says yes: Go's case folding
// also matches the Kelvin sign for k and the long s for s.
func containsFold(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	for i := 0; i+len(lower) <= len(s); i++ {
		j := 0
		for j < len(lower) && asciiLower(s[i+j]) == lower[j] {
			j++
		}
		if j == len(lower) {
			return true
		}
	}
	return false
}

func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
