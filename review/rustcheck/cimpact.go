package rustcheck

import (
	"strings"

	"ferrule/review"
	"ferrule/review/diff"
)

// C→Rust impact (RULES.md group D, symbol level): a C change is reported
// only when a symbol it changes is used by the Rust layer, naming the
// symbol and the Rust files that use it.

var (
	cGuardRe     = guarded(`^\s*#\s*(?:ifndef|define|endif)\s*(?:/\*\s*)?(_*[A-Z0-9_]+_H_*)\b\s*(?:\*/)?\s*$`, "#").and("_H")
	exportNameRe = guarded(`\bEXPORT_SYMBOL(?:_GPL|_NS|_NS_GPL|_FOR_MODULES)?\s*\(\s*(\w+)`, "EXPORT_SYMBOL")
)

// cChange is one changed C symbol of a patch.
type cChange struct {
	name string
	// how: "definition" (prototype, type, macro, enum constant, export)
	// or "body" (the code of a function).
	how string
	// inline: a static inline function or a function-like macro — Rust
	// reaches it only through a helper.
	inline bool
	// stub: an inline in the !CONFIG_… branch (#else), whose real
	// definition is elsewhere.
	stub bool
	row  int
	w    *window
}

// checkCImpact reports the changed symbols of a C file that Rust uses.
func (c *Checker) checkCImpact(f *findings, file *diff.File) {
	k := c.knowledge
	if !k.RustArch(file.Path) || strings.HasPrefix(file.Path, "tools/") || strings.HasPrefix(file.Path, "Documentation/") {
		return
	}
	for _, ch := range changedCSymbols(file, k.mayImpact) {
		im := k.ImpactOf(ch.name)
		if im == nil {
			continue
		}
		if ch.inline && !im.Wrapped {
			// bindgen cannot call a static inline or a function-like
			// macro: Rust's bindings::NAME is the real function, and
			// this is another definition (usually a !CONFIG stub).
			continue
		}
		if ch.stub && !im.Wrapped {
			continue
		}
		n := len(f.list)
		users := describeFiles(im.Users)
		// RULES.md: a prototype, layout or definition change of a symbol
		// a tree shows used inside unsafe code or an Opaque wrapper is
		// critical; otherwise high.
		defSev := review.High
		if im.Unsafe {
			defSev = review.Critical
		}
		switch {
		case ch.inline || (im.Wrapped && !im.Direct):
			msg := ch.name + " changed: wrapped by " + describeFiles(im.Helpers)
			if users != "" {
				msg += ", called from " + users
			}
			f.add("c-inline-or-macro-wrapped-by-helper-changed", review.High, review.Certain, ch.w, ch.row, "%s", msg)
		case ch.how == "body":
			f.add("c-function-called-by-rust-changed", review.Medium, review.Certain, ch.w, ch.row,
				"behaviour of a function Rust calls changed: %s, called from %s", ch.name, describeFiles(im.Where()))
		case file.Class == diff.CSource:
			f.add("c-function-called-by-rust-changed", defSev, review.Certain, ch.w, ch.row,
				"%s changed (definition or export): used by %s", ch.name, describeFiles(im.Where()))
		default:
			f.add("c-header-used-by-rust-changed", defSev, review.Certain, ch.w, ch.row,
				"%s changed: used by %s", ch.name, describeFiles(im.Where()))
		}
		if len(f.list) > n {
			f.list[len(f.list)-1].RustUsers = im.Files()
		}
	}
}

// changedCSymbols finds the C symbols a file's hunks change: defined
// (macros, inline and other functions, types, enum constants, exports)
// or, for functions, whose bodies the changed lines fall in. Include
// guards, comment-only and blank lines change nothing. A hunk none of
// whose identifiers (nor its function-name line's) is relevant is skipped
// unread: every symbol hunkCSymbols names is one of them, and most C
// hunks on a list touch nothing Rust uses.
//
// Only relevant symbols are returned. A hunk's lines are read in place;
// its windows (for the findings' excerpts) are built only when it changes
// a symbol Rust uses.
func changedCSymbols(file *diff.File, relevant func(name string) bool) []cChange {
	var out []cChange
	seen := map[string]int{}
	for i := range file.Hunks {
		h := &file.Hunks[i]
		if !hunkMentions(h, relevant) {
			continue
		}
		var post, pre *window
		added, removed := hunkCSymbols(h, relevant)
		for side, changes := range [2][]cChange{added, removed} {
			for _, ch := range changes {
				if post == nil {
					post, pre = hunkWindows(file, h)
				}
				if ch.w = post; side == 1 {
					ch.w = pre
				}
				// one change per symbol; a definition outweighs a body
				if at, ok := seen[ch.name]; !ok {
					seen[ch.name] = len(out)
					out = append(out, ch)
				} else if out[at].how == "body" && ch.how == "definition" {
					out[at] = ch
				}
			}
		}
	}
	return out
}

// defineName is the macro a "#define NAME…" line defines, as cDefineRe
// reads it, without the regexp engine (a header patch is mostly such
// lines), and whether it takes arguments ("(" right after the name).
func defineName(t string) (name string, funcLike bool) {
	s := trimRESpace(t)
	if !strings.HasPrefix(s, "#") {
		return "", false
	}
	s = trimRESpace(s[1:])
	if !strings.HasPrefix(s, "define") {
		return "", false
	}
	s = s[len("define"):]
	rest := trimRESpace(s)
	if len(rest) == len(s) {
		return "", false
	}
	n := wordEnd(rest, 0)
	if n == 0 {
		return "", false
	}
	return rest[:n], n < len(rest) && rest[n] == '('
}

// hunkMentions reports whether an identifier of h's lines or section
// line is relevant.
func hunkMentions(h *diff.Hunk, relevant func(string) bool) bool {
	if identifierIn(h.Section, relevant) {
		return true
	}
	for _, l := range h.Lines {
		if identifierIn(l.Text, relevant) {
			return true
		}
	}
	return false
}

// identifierIn reports whether a C identifier of s is relevant.
func identifierIn(s string, relevant func(string) bool) bool {
	for i := 0; i < len(s); {
		if !isIdentStart(s[i]) {
			i++
			continue
		}
		j := wordEnd(s, i+1)
		if relevant(s[i:j]) {
			return true
		}
		i = j
	}
	return false
}

// upperStart reports whether s starts with an ASCII capital, as an enum
// constant does.
func upperStart(s string) bool {
	return s != "" && s[0] >= 'A' && s[0] <= 'Z'
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
