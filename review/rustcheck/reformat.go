package rustcheck

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"ferrule/review/diff"
)

// New unsafe is counted per function against the pre-image: an added
// unsafe block is new only when its function has more unsafe blocks after
// the patch than before. A block whose tokens equal those of a removed
// block of the same function was reformatted or moved (no finding); one
// that replaces a removed block of the same function with changed tokens
// was rewritten (an info finding, like a changed body).

// blockStatus says what an added unsafe block is.
type blockStatus int

const (
	blockNew       blockStatus = iota // the function has more unsafe than before
	blockRewritten                    // replaces a removed block, tokens changed
	blockMoved                        // same tokens as a removed block: reformatted or moved
)

// unsafeBlocks are the changed unsafe blocks of one side of a file, by
// function key, with their normalised tokens.
type unsafeBlocks map[string][]blockRef

type blockRef struct {
	w      *window
	row    int
	tokens string
}

var sectionFnRe = regexp.MustCompile(`\bfn\s+(\w+)`)

// collectBlocks adds the changed unsafe blocks of w (parsed into items) to
// into.
func collectBlocks(into unsafeBlocks, w *window, items []item) {
	for _, it := range items {
		if it.kind != unsafeBlock || !w.lines[it.row].changed {
			continue
		}
		k := fnKey(w, it, items)
		into[k] = append(into[k], blockRef{w: w, row: it.row, tokens: blockTokens(w, it)})
	}
}

// fnKey names the function enclosing a block: the innermost fn item of
// the window, else the fn the hunk header names, else "".
func fnKey(w *window, it item, items []item) string {
	best := -1
	name := ""
	for _, o := range items {
		if o.kind == fnItem && o.row <= it.row && o.endRow >= it.endRow && o.row > best {
			best, name = o.row, o.name
		}
	}
	if name != "" {
		return name
	}
	if m := sectionFnRe.FindStringSubmatch(w.section); m != nil {
		return m[1]
	}
	return ""
}

// blockTokens is the block's code from the unsafe keyword to its end,
// without comments and white space.
func blockTokens(w *window, it item) string {
	var b strings.Builder
	for r := it.row; r <= it.endRow && r < len(w.code); r++ {
		c := w.code[r]
		if r == it.row {
			if loc := unsafeWordRe.FindStringIndex(c); loc != nil {
				c = c[loc[0]:]
			}
		}
		b.WriteString(strings.Join(strings.Fields(c), ""))
	}
	return foldSemicolon(b.String())
}

// classify decides, per function, which added blocks are new.
func classify(added, removed unsafeBlocks) map[*window]map[int]blockStatus {
	out := map[*window]map[int]blockStatus{}
	set := func(b blockRef, s blockStatus) {
		if out[b.w] == nil {
			out[b.w] = map[int]blockStatus{}
		}
		out[b.w][b.row] = s
	}
	for k, adds := range added {
		gone := map[string]int{}
		for _, r := range removed[k] {
			gone[r.tokens]++
		}
		var unmatched []blockRef
		for _, a := range adds {
			if gone[a.tokens] > 0 {
				gone[a.tokens]--
				set(a, blockMoved)
				continue
			}
			unmatched = append(unmatched, a)
		}
		// Each removed block left over was rewritten into the most
		// similar added block left over; the rest are new.
		var left []blockRef
		for _, r := range removed[k] {
			if gone[r.tokens] > 0 {
				gone[r.tokens]--
				left = append(left, r)
			}
		}
		taken := map[int]bool{}
		for _, r := range left {
			best, bestLen := -1, -1
			for i, a := range unmatched {
				if n := commonPrefix(a.tokens, r.tokens); !taken[i] && n > bestLen {
					best, bestLen = i, n
				}
			}
			if best >= 0 {
				taken[best] = true
				set(unmatched[best], blockRewritten)
			}
		}
		for i, a := range unmatched {
			if !taken[i] {
				set(a, blockNew)
			}
		}
	}
	return out
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// A hunk that only reformats code (the same tokens, lines joined or split,
// rustfmt's trailing commas and empty "//" import markers aside), or a
// file whose changes only move lines, changes nothing a rule looks at:
// its lines are treated as context.

// normalizeCode removes what formatting changes: an empty trailing "//",
// white space, and a comma before a closing bracket. It equals
//
//	trailingCommaRe.ReplaceAllString(strings.Join(strings.Fields(emptyCommentRe.ReplaceAllString(s, "")), ""), "$1")
//
// with the regexps `//\s*$` and `,([)\]}])` (FuzzNormalizeCode), in one
// pass.
func normalizeCode(s string) string {
	return string(appendNormalized(make([]byte, 0, len(s)), s))
}

// appendNormalized appends normalizeCode(s) to dst.
func appendNormalized(dst []byte, s string) []byte {
	if t := strings.TrimRight(s, reSpace); strings.HasSuffix(t, "//") {
		s = t[:len(t)-2]
	}
	start := len(dst)
	for i := 0; i < len(s); {
		c := s[i]
		w := 1
		if c >= utf8.RuneSelf {
			var r rune
			r, w = utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				i += w
				continue
			}
		} else if asciiSpace(c) {
			i++
			continue
		}
		if closing(c) && len(dst) > start && dst[len(dst)-1] == ',' {
			dst = dst[:len(dst)-1]
		}
		dst = append(dst, s[i:i+w]...)
		i += w
	}
	return dst
}

// asciiSpace is strings.Fields' idea of ASCII white space.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func closing(c byte) bool { return c == ')' || c == ']' || c == '}' }

// dropTrailingCommas removes every comma that comes right before a
// closing bracket, as the regexp `,([)\]}])` replaced by "$1" does.
func dropTrailingCommas(s string) string {
	if !strings.Contains(s, ",") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == ',' && i+1 < len(s) && closing(s[i+1]) {
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// foldSemicolon treats "unsafe { f(); }" and "unsafe { f() };" alike: the
// semicolon moving out of a block is formatting.
func foldSemicolon(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, ";}", "}"), "};", "}")
}

// formattingHunks returns the hunks of f that only reformat or move code:
// a hunk whose added lines are its removed lines reformatted, or every
// hunk when the file's added lines are its removed lines moved (and
// possibly reformatted line by line). Each changed line is normalised
// once for both tests.
func formattingHunks(f *diff.File) map[*diff.Hunk]bool {
	out := map[*diff.Hunk]bool{}
	count := map[string]int{} // normalised added minus removed lines
	changed := 0
	var del, add []byte
	for i := range f.Hunks {
		h := &f.Hunks[i]
		del, add = del[:0], add[:0]
		n := 0
		for _, l := range h.Lines {
			switch l.Op {
			case diff.Delete:
				start := len(del)
				del = appendNormalized(del, l.Text)
				count[string(del[start:])]--
				n++
			case diff.Add:
				start := len(add)
				add = appendNormalized(add, l.Text)
				count[string(add[start:])]++
				n++
			}
		}
		// The hunk's lines joined: a trailing comma or a semicolon may
		// have moved to another line.
		norm := func(b []byte) string { return foldSemicolon(dropTrailingCommas(string(b))) }
		if n > 0 && norm(del) == norm(add) {
			out[h] = true
		}
		changed += n
	}
	for _, c := range count {
		if c != 0 {
			return out
		}
	}
	if changed > 0 {
		for i := range f.Hunks {
			out[&f.Hunks[i]] = true
		}
	}
	return out
}

// unmark treats the changed lines of w as context.
func (w *window) unmark() {
	for i := range w.lines {
		w.lines[i].changed = false
	}
}
