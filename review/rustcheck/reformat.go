package rustcheck

import (
	"regexp"
	"strings"

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

var (
	trailingCommaRe = regexp.MustCompile(`,([)\]}])`)
	emptyCommentRe  = regexp.MustCompile(`//\s*$`)
)

// normalizeCode removes what formatting changes: white space, an empty
// trailing "//" and a comma before a closing bracket.
func normalizeCode(s string) string {
	s = emptyCommentRe.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), "")
	return trailingCommaRe.ReplaceAllString(s, "$1")
}

// foldSemicolon treats "unsafe { f(); }" and "unsafe { f() };" alike: the
// semicolon moving out of a block is formatting.
func foldSemicolon(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, ";}", "}"), "};", "}")
}

// reformatOnly reports whether a hunk's added lines are its removed lines
// reformatted.
func reformatOnly(h *diff.Hunk) bool {
	var del, add strings.Builder
	n := 0
	for _, l := range h.Lines {
		switch l.Op {
		case diff.Delete:
			del.WriteString(normalizeCode(l.Text))
			n++
		case diff.Add:
			add.WriteString(normalizeCode(l.Text))
			n++
		}
	}
	norm := func(s string) string { return foldSemicolon(trailingCommaRe.ReplaceAllString(s, "$1")) }
	return n > 0 && norm(del.String()) == norm(add.String())
}

// movedOnly reports whether a file's added lines are its removed lines,
// moved (and possibly reformatted line by line).
func movedOnly(f *diff.File) bool {
	count := map[string]int{}
	n := 0
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			switch l.Op {
			case diff.Delete:
				count[normalizeCode(l.Text)]--
				n++
			case diff.Add:
				count[normalizeCode(l.Text)]++
				n++
			}
		}
	}
	for _, c := range count {
		if c != 0 {
			return false
		}
	}
	return n > 0
}

// formattingHunks returns the hunks of f that only reformat or move code.
func formattingHunks(f *diff.File) map[*diff.Hunk]bool {
	out := map[*diff.Hunk]bool{}
	moved := movedOnly(f)
	for i := range f.Hunks {
		if h := &f.Hunks[i]; moved || reformatOnly(h) {
			out[h] = true
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
