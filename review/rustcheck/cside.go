package rustcheck

import (
	"regexp"
	"strings"
	"unicode"

	"ferrule/review"
	"ferrule/review/diff"
)

// Group D of RULES.md §4: bindings, helpers and the C side.

// guardedRe is a regexp with the substrings one of which every match
// contains, tested first: most lines of a C hunk match none of the
// patterns below, and a substring search is far cheaper than the regexp
// engine.
type guardedRe struct {
	*regexp.Regexp
	needs []string
	also  string // a second substring every match contains, or ""
}

func guarded(expr string, needs ...string) guardedRe {
	return guardedRe{Regexp: regexp.MustCompile(expr), needs: needs}
}

// and adds a substring every match contains besides one of the needs.
func (g guardedRe) and(also string) guardedRe {
	g.also = also
	return g
}

func (g guardedRe) possible(s string) bool {
	if g.also != "" && !strings.Contains(s, g.also) {
		return false
	}
	for _, n := range g.needs {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

func (g guardedRe) MatchString(s string) bool {
	return g.possible(s) && g.Regexp.MatchString(s)
}

func (g guardedRe) FindStringSubmatch(s string) []string {
	if !g.possible(s) {
		return nil
	}
	return g.Regexp.FindStringSubmatch(s)
}

// newHeaderMsg starts the message of a finding about a header newly
// exposed to Rust; CheckSeries looks for it.
const newHeaderMsg = "new header exposed to Rust: "

var bindingsGlueFiles = map[string]bool{
	"rust/bindings/bindings_helper.h": true,
	"rust/uapi/uapi_helper.h":         true,
	"rust/bindgen_parameters":         true,
	"rust/bindings/lib.rs":            true,
}

var (
	cProtoRe      = guarded(`^\s*(?:extern\s+)?(?:const\s+)?(?:(?:struct|enum|union|unsigned|signed)\s+)?\w+[\s*]+\**\s*(\w+)\s*\(`, "(")
	cEnumConstRe  = regexp.MustCompile(`^\s*([A-Z][A-Z0-9_]{2,})\s*(=[^,]*)?,?\s*(/\*.*)?$`)
	cStmtWords    = map[string]bool{"return": true, "if": true, "else": true, "while": true, "for": true, "switch": true, "case": true, "goto": true, "do": true}
	cKeywords     = map[string]bool{"if": true, "while": true, "for": true, "switch": true, "return": true, "sizeof": true, "defined": true}
	helperDefRe   = regexp.MustCompile(`^(__rust_helper\s+)?[A-Za-z_][\w\s*]*?\b(\w+)\s*\([^;]*$`)
	cControlRe    = regexp.MustCompile(`\b(if|for|while|switch)\s*\(|\?.*:`)
	exportSymRe   = regexp.MustCompile(`\bEXPORT_SYMBOL(_GPL)?\s*\(`)
	anyIncludeRe  = regexp.MustCompile(`^\s*#include\s+([<"][^>"]+[>"])`)
	relIncludeRe  = regexp.MustCompile(`#include\s+"\.\./`)
	constHelperRe = regexp.MustCompile(`RUST_CONST_HELPER_(\w+)`)
)

// checkCSide runs the group D rules on one file of a patch.
func (c *Checker) checkCSide(f *findings, file *diff.File) {
	switch {
	case bindingsGlueFiles[file.Path]:
		f.addFile("bindings-header-changed", review.Medium, file, "%s changed: what C is visible to Rust changes", file.Path)
		for i := range file.Hunks {
			post, _ := hunkWindows(file, &file.Hunks[i])
			f.includeOrder(post, "bindings-header-changed")
			for r, l := range post.lines {
				if !l.changed {
					continue
				}
				if m := anyIncludeRe.FindStringSubmatch(l.text); m != nil {
					f.add("bindings-header-changed", review.Medium, review.Certain, post, r, newHeaderMsg+"%s", m[1])
				}
				if relIncludeRe.MatchString(l.text) {
					f.add("bindings-header-changed", review.Low, review.Certain, post, r, "relative include of a header outside include/")
				}
			}
		}
	case file.Class == diff.Helper:
		f.addFile("helper-changed", review.Medium, file, "C helper %s changed: Rust calls it as bindings::<name>", file.Path)
		for i := range file.Hunks {
			post, _ := hunkWindows(file, &file.Hunks[i])
			f.checkHelpers(post, file.Path == "rust/helpers/helpers.c")
		}
	case file.Class == diff.CHeader || file.Class == diff.CSource:
		c.checkCImpact(f, file)
	}
}

// includeOrder flags added #include lines out of alphabetical order with
// their neighbours ("Sorted alphabetically." in bindings_helper.h and
// helpers.c).
func (f *findings) includeOrder(w *window, rule string) {
	var rows []int
	for r, l := range w.lines {
		if anyIncludeRe.MatchString(l.text) && !strings.Contains(l.text, "hrtimer_types.h") {
			rows = append(rows, r)
		}
	}
	for k, r := range rows {
		if !w.lines[r].changed {
			continue
		}
		cur := anyIncludeRe.FindStringSubmatch(w.lines[r].text)[1]
		if k > 0 && rows[k-1] == r-1 {
			if prev := anyIncludeRe.FindStringSubmatch(w.lines[rows[k-1]].text)[1]; strings.ToLower(prev) > strings.ToLower(cur) && prev[0] == cur[0] {
				f.add(rule, review.Low, review.Certain, w, r, "includes are sorted alphabetically: %s belongs before %s", cur, prev)
			}
		}
	}
}

func (f *findings) checkHelpers(w *window, helpersC bool) {
	if helpersC {
		f.includeOrder(w, "helper-changed")
	}
	for r, l := range w.lines {
		if !l.changed {
			continue
		}
		if exportSymRe.MatchString(l.text) {
			f.add("helper-changed", review.Low, review.Certain, w, r, "helpers need no EXPORT_SYMBOL: rust/Makefile exports them")
		}
		if strings.HasPrefix(l.text, " ") || strings.HasPrefix(l.text, "\t") || strings.HasPrefix(l.text, "#") {
			continue
		}
		m := helperDefRe.FindStringSubmatch(l.text)
		if m == nil || cKeywords[m[2]] {
			continue
		}
		name := m[2]
		if !strings.HasPrefix(name, "rust_helper_") {
			f.add("helper-changed", review.Low, review.Certain, w, r, "helper %s should be named rust_helper_<c_name>", name)
		}
		if m[1] == "" {
			f.add("helper-changed", review.Low, review.Certain, w, r, "newer helpers are marked __rust_helper")
		}
		f.helperBody(w, r, name)
	}
}

// helperBody flags helper bodies that do more than forward one call.
func (f *findings) helperBody(w *window, row int, name string) {
	stmts, control := 0, false
	opened := false
	for r := row; r < len(w.lines); r++ {
		t := w.lines[r].text
		if strings.Contains(t, "{") {
			opened = true
		}
		if r > row || strings.Contains(t, "{") {
			body := t
			if r == row {
				body = t[strings.Index(t, "{")+1:]
			}
			stmts += strings.Count(body, ";")
			control = control || cControlRe.MatchString(body)
		}
		if opened && strings.HasPrefix(t, "}") {
			if stmts > 1 || control {
				f.add("helper-nontrivial", review.Medium, review.Certain, w, row,
					"helper %s has logic (%d statements%s): helpers should forward one call", name, stmts,
					map[bool]string{true: ", control flow"}[control])
			}
			return
		}
	}
}

// firstWord is strings.Fields(s)[0], or "" when s is blank.
func firstWord(s string) string {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}
