package rustcheck

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"ferrule/review/diff"
)

// The regexp pipeline normalizeCode and formattingHunks replace.
var (
	trailingCommaRe = regexp.MustCompile(`,([)\]}])`)
	emptyCommentRe  = regexp.MustCompile(`//\s*$`)
)

func normalizeCodeRe(s string) string {
	s = emptyCommentRe.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), "")
	return trailingCommaRe.ReplaceAllString(s, "$1")
}

// formattingHunksRe is formattingHunks as two passes over the file, one
// per test, with normalizeCodeRe.
func formattingHunksRe(f *diff.File) map[*diff.Hunk]bool {
	count := map[string]int{}
	n := 0
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			switch l.Op {
			case diff.Delete:
				count[normalizeCodeRe(l.Text)]--
				n++
			case diff.Add:
				count[normalizeCodeRe(l.Text)]++
				n++
			}
		}
	}
	moved := n > 0
	for _, c := range count {
		moved = moved && c == 0
	}
	reformatOnly := func(h *diff.Hunk) bool {
		var del, add strings.Builder
		n := 0
		for _, l := range h.Lines {
			switch l.Op {
			case diff.Delete:
				del.WriteString(normalizeCodeRe(l.Text))
				n++
			case diff.Add:
				add.WriteString(normalizeCodeRe(l.Text))
				n++
			}
		}
		norm := func(s string) string { return foldSemicolon(trailingCommaRe.ReplaceAllString(s, "$1")) }
		return n > 0 && norm(del.String()) == norm(add.String())
	}
	out := map[*diff.Hunk]bool{}
	for i := range f.Hunks {
		if h := &f.Hunks[i]; moved || reformatOnly(h) {
			out[h] = true
		}
	}
	return out
}

// fuzzHunks is fuzzHunk with a hunk per "@@" line of text.
func fuzzHunks(text string) *diff.File {
	f := &diff.File{Path: "rust/kernel/fuzz.rs", Class: diff.Abstraction}
	for _, part := range strings.Split(text, "\n@@\n") {
		f.Hunks = append(f.Hunks, fuzzHunk(part).Hunks...)
	}
	return f
}

func checkNormalize(t *testing.T, text string) {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if got, want := normalizeCode(l), normalizeCodeRe(l); got != want {
			t.Errorf("normalizeCode(%q) = %q, the regexps say %q", l, got, want)
		}
		if got, want := dropTrailingCommas(l), trailingCommaRe.ReplaceAllString(l, "$1"); got != want {
			t.Errorf("dropTrailingCommas(%q) = %q, the regexp says %q", l, got, want)
		}
	}
	f := fuzzHunks(text)
	if got, want := formattingHunks(f), formattingHunksRe(f); !reflect.DeepEqual(got, want) {
		t.Errorf("%q: formattingHunks = %v, the regexps say %v", text, got, want)
	}
}

var normalizeCases = []string{
	"",
	"use kernel::{a, b}; //",
	"use kernel::{a, b}; //   \t",
	"a ///",
	"a// //  ",
	"x // comment",
	"f(a, b,)",
	"f(a, b, )",
	"[1, 2,\t]",
	",,)",
	",)]",
	", }",
	"a\u00a0b\u0085c\u2003d",
	"a\vb\fc\r",
	"//\v",
	"bad \xff\xfe, )",
	"é , ]",
	"-f(a,\n-  b)\n+f(a, b)",
	"-unsafe {\n-    f();\n-}\n+unsafe { f() };",
	"-let x = [\n-    1,\n-]\n+let x = [1]",
	"-a\n+b\n@@\n-b\n+a",
	"-a\n+b\n@@\n-b\n+c",
	"-x,\n@@\n+x",
	" ctx\n@@\n ctx",
	"+use a; //\n-use a;",
}

func TestNormalizeCode(t *testing.T) {
	for _, c := range normalizeCases {
		checkNormalize(t, c)
	}
}

func FuzzNormalizeCode(f *testing.F) {
	for _, c := range normalizeCases {
		f.Add(c)
	}
	f.Fuzz(checkNormalize)
}
