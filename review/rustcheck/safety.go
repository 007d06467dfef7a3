package rustcheck

import (
	"regexp"
	"strings"
)

// lookUp is the outcome of a search upwards from a line.
type lookUp int

const (
	missing lookUp = iota // a code line was reached: definitely absent
	present               // found
	ranOff                // reached the top of the window: cannot tell
)

// blank reports whether row holds neither code nor comment.
func (w *window) blank(row int) bool {
	return strings.TrimSpace(w.code[row]) == "" && w.cmt[row] == ""
}

// commentOnly reports whether row holds a comment and no code.
func (w *window) commentOnly(row int) bool {
	return strings.TrimSpace(w.code[row]) == "" && w.cmt[row] != ""
}

// attribute reports whether row is an attribute line such as #[cfg(…)].
func (w *window) attribute(row int) bool {
	c := strings.TrimSpace(w.code[row])
	return strings.HasPrefix(c, "#[") || strings.HasPrefix(c, "#![")
}

// safetyAbove follows clippy's undocumented_unsafe_blocks logic (RULES.md
// §2.3, with accept-comment-above-attributes as in the kernel) from the
// line above row: blank lines and attributes are skipped; then the
// contiguous run of comment lines, attributes anywhere in it, is searched
// for "SAFETY:", ignoring case (so "///" lines and /* */ blocks count too).
func (w *window) safetyAbove(row int) lookUp {
	i := row - 1
	for i >= 0 && (w.blank(i) || w.attribute(i)) {
		i--
	}
	if i < 0 {
		return w.edge()
	}
	if !w.commentOnly(i) {
		return missing
	}
	for ; i >= 0 && (w.commentOnly(i) || w.attribute(i)); i-- {
		if hasSafetyTag(w.cmt[i]) {
			return present
		}
	}
	if i < 0 {
		return w.edge()
	}
	return missing
}

// hasSafetyTag reports whether comment text holds clippy's "SAFETY:" tag
// (any case; the colon is required).
func hasSafetyTag(c string) bool {
	return strings.Contains(strings.ToUpper(c), "SAFETY:")
}

// startsWithSafetyTag reports whether comment text starts, after its
// comment markers, with "SAFETY:": what clippy asks of a comment that is
// not on a line of its own (let x = // SAFETY: …).
func startsWithSafetyTag(c string) bool {
	return strings.HasPrefix(strings.ToUpper(strings.TrimLeft(c, "/*! \t")), "SAFETY:")
}

// edge is what reaching the top of the window means.
func (w *window) edge() lookUp {
	if w.atTop {
		return missing
	}
	return ranOff
}

// hasSafetyComment applies safetyAbove to the line of the unsafe keyword
// and, when the enclosing statement starts higher, to the statement (clippy
// accepts a comment above the statement since PR #11170). Like clippy it
// also accepts a SAFETY comment trailing the unfinished statement on the
// line above (let x = // SAFETY: …), and one that is the first thing
// inside a block that is part of a larger expression (let x = unsafe {
// // SAFETY: …).
func (w *window) hasSafetyComment(it item) lookUp {
	got := w.safetyAbove(it.row)
	if got == present {
		return got
	}
	if p := it.row - 1; p >= 0 && startsWithSafetyTag(w.cmt[p]) && strings.TrimSpace(w.code[p]) != "" && !endsStatement(w.code[p]) {
		return present
	}
	if w.innerSafety(it) {
		return present
	}
	if it.stmtRow >= it.row {
		return got
	}
	return w.safetyAbove(it.stmtRow)
}

// innerSafety reports whether a multi-line unsafe block that is part of a
// larger expression starts with a SAFETY comment.
func (w *window) innerSafety(it item) bool {
	code := w.code[it.row]
	loc := unsafeWordRe.FindStringIndex(code)
	if loc == nil || !strings.HasSuffix(strings.TrimSpace(code), "{") {
		return false
	}
	inExpr := strings.TrimSpace(code[:loc[0]]) != "" ||
		it.row > 0 && !endsStatement(w.code[it.row-1])
	if !inExpr {
		return false
	}
	for r := it.row + 1; r < len(w.lines); r++ {
		if w.blank(r) {
			continue
		}
		return w.commentOnly(r) && hasSafetyTag(w.cmt[r])
	}
	return false
}

// endsStatement reports whether a code line ends a statement or opens or
// closes a block (or is empty), so that the next line starts a new one.
func endsStatement(code string) bool {
	c := strings.TrimSpace(code)
	return c == "" || strings.HasSuffix(c, ";") || strings.HasSuffix(c, "{") || strings.HasSuffix(c, "}") || strings.HasSuffix(c, ",")
}

// safetyHeadingRe matches the # Safety headings clippy accepts: # Safety,
// # SAFETY, # Implementation safety.
var safetyHeadingRe = regexp.MustCompile(`^\s*///\s*#+\s*(Safety|SAFETY|Implementation [Ss]afety)\s*$`)

// safetyDoc looks for a "# Safety" section in the doc comment above row,
// over attributes and doc lines.
func (w *window) safetyDoc(row int) lookUp {
	i := row - 1
	for ; i >= 0; i-- {
		switch {
		case w.attribute(i):
		case w.commentOnly(i) && strings.HasPrefix(w.cmt[i], "///"):
			if safetyHeadingRe.MatchString(w.cmt[i]) {
				return present
			}
		case w.commentOnly(i) && strings.HasPrefix(w.cmt[i], "//"):
			// A plain comment between docs and item: keep looking.
		default:
			return missing
		}
	}
	return w.edge()
}

// nextCode returns the first row at or below row with code, skipping
// blank, comment and attribute lines, or -1.
func (w *window) nextCode(row int) int {
	for i := row; i < len(w.lines); i++ {
		if w.blank(i) || w.commentOnly(i) || w.attribute(i) {
			continue
		}
		return i
	}
	return -1
}
