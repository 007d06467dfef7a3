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
// §2.3) from the line above row: blank lines and attributes are skipped;
// then the contiguous run of comment lines is searched for "SAFETY:",
// ignoring case (so "///" lines and /* */ blocks count too).
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
	for ; i >= 0 && w.commentOnly(i); i-- {
		if strings.Contains(strings.ToUpper(w.cmt[i]), "SAFETY:") {
			return present
		}
	}
	if i < 0 {
		return w.edge()
	}
	return missing
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
// accepts a comment above the statement since PR #11170).
func (w *window) hasSafetyComment(it item) lookUp {
	got := w.safetyAbove(it.row)
	if got == present || it.stmtRow >= it.row {
		return got
	}
	return w.safetyAbove(it.stmtRow)
}

var safetyHeadingRe = regexp.MustCompile(`^\s*///\s*#+\s*Safety\s*$`)

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
