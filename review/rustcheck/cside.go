package rustcheck

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"ferrule/review"
	"ferrule/review/diff"
)

// Group D of RULES.md §4: bindings, helpers and the C side.

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
	cDefineRe     = regexp.MustCompile(`^\s*#\s*define\s+(\w+)`)
	cInlineRe     = regexp.MustCompile(`\bstatic\s+(__always_)?inline\b[^(]*?\b(\w+)\s*\(`)
	cProtoRe      = regexp.MustCompile(`^\s*(?:extern\s+)?(?:const\s+)?(?:(?:struct|enum|union|unsigned|signed)\s+)?\w+[\s*]+\**\s*(\w+)\s*\(`)
	cTypeRe       = regexp.MustCompile(`\b(struct|union|enum)\s+(\w+)\s*\{`)
	cEnumConstRe  = regexp.MustCompile(`^\s*([A-Z][A-Z0-9_]{2,})\s*(=[^,]*)?,?\s*(/\*.*)?$`)
	cSectionRe    = regexp.MustCompile(`^\s*(typedef\s+)?(struct|union|enum)\s+(\w+)\s*\{?\s*$`)
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
	case file.Class == diff.CHeader:
		c.checkHeader(f, file)
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

// checkHeader runs c-header-used-by-rust-changed and
// c-inline-or-macro-wrapped-by-helper-changed on a C header.
func (c *Checker) checkHeader(f *findings, file *diff.File) {
	k := c.knowledge
	inH := k.Headers[file.Path]
	type sym struct {
		name       string
		inline     bool
		definition bool // a prototype, type or macro definition line changed
		row        int
		w          *window
	}
	var syms []sym
	seen := map[string]bool{}
	for i := range file.Hunks {
		h := &file.Hunks[i]
		post, pre := hunkWindows(file, h)
		enclosing, enclosingInline := "", ""
		if m := cSectionRe.FindStringSubmatch(h.Section); m != nil {
			enclosing = m[3]
		} else if m := cInlineRe.FindStringSubmatch(h.Section); m != nil {
			enclosingInline = m[2]
		}
		for _, w := range []*window{post, pre} {
			inlineAt := inlineRows(w)
			for r, l := range w.lines {
				if !l.changed {
					continue
				}
				add := func(name string, inline, def bool) {
					if name == "" || cKeywords[name] || seen[name] {
						return
					}
					seen[name] = true
					syms = append(syms, sym{name, inline, def, r, w})
				}
				t := l.text
				if inl := inlineAt[r]; inl != "" {
					enclosingInline = inl
				}
				switch {
				case cDefineRe.MatchString(t):
					add(cDefineRe.FindStringSubmatch(t)[1], true, true)
				case cInlineRe.MatchString(t):
					add(cInlineRe.FindStringSubmatch(t)[2], true, true)
				case cTypeRe.MatchString(t):
					add(cTypeRe.FindStringSubmatch(t)[2], false, true)
				case cProtoRe.MatchString(t) && !cStmtWords[firstWord(t)] && !strings.HasPrefix(t, "\t") && !strings.HasPrefix(t, "    "):
					add(cProtoRe.FindStringSubmatch(t)[1], false, true)
				case cEnumConstRe.MatchString(t):
					add(cEnumConstRe.FindStringSubmatch(t)[1], false, false)
				case enclosingInline != "":
					add(enclosingInline, true, true) // the body of an inline function
				case enclosing != "":
					add(enclosing, false, true) // a field of the enclosing type
				}
			}
		}
	}
	var hits []string
	for _, s := range syms {
		uses := k.usesOf(s.name)
		if len(uses) > 0 {
			sev := review.High
			if s.definition && anyUnsafe(uses) {
				sev = review.Critical
			}
			hits = append(hits, s.name)
			f.add("c-header-used-by-rust-changed", sev, review.Certain, s.w, s.row,
				"%s changed and Rust uses it: %s", s.name, describeUses(uses))
		}
		if s.inline {
			switch helper := k.Helpers[s.name]; {
			case helper != "":
				f.add("c-inline-or-macro-wrapped-by-helper-changed", review.High, review.Certain, s.w, s.row,
					"%s is wrapped by rust_helper_%s in %s: the helper and its Rust callers' SAFETY comments need a look", s.name, s.name, helper)
			case !k.FromTree && k.helperFileFor(file.Path) != "":
				f.add("c-inline-or-macro-wrapped-by-helper-changed", review.Medium, review.NeedsPostImage, s.w, s.row,
					"%s is an inline function or macro and %s wraps this header's inlines; check for rust_helper_%s (use --tree)", s.name, k.helperFileFor(file.Path), s.name)
			}
		}
	}
	if inH && len(hits) == 0 {
		names := make([]string, 0, len(syms))
		for _, s := range syms {
			names = append(names, s.name)
		}
		sort.Strings(names)
		detail := "no changed symbol found"
		if len(names) > 0 {
			detail = "changed: " + strings.Join(names, ", ")
		}
		// That bindgen reads the header is known; whether Rust uses the
		// changed symbols needs a tree (--tree), so say so.
		fd := fmt.Sprintf("%s is read by bindgen for the Rust bindings (%s)", file.Path, detail)
		if !k.FromTree {
			fd += "; use --tree to find the Rust users"
		}
		f.addFileConf("c-header-used-by-rust-changed", review.Medium, review.Certain, file, fd)
	}
}

func anyUnsafe(uses []Use) bool {
	for _, u := range uses {
		if strings.Contains(u.Text, "unsafe") || strings.Contains(u.Text, "Opaque<") {
			return true
		}
	}
	return false
}

func describeUses(uses []Use) string {
	var parts []string
	for i, u := range sortedUses(uses) {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(uses)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s:%d", u.File, u.Line))
	}
	return strings.Join(parts, ", ")
}

// usesOf returns the Rust uses of a C symbol; an enum constant also
// matches bindgen's <enum>_<CONSTANT> names.
func (k *Knowledge) usesOf(name string) []Use {
	out := append([]Use{}, k.RustUses[name]...)
	if strings.ToUpper(name) == name && len(name) > 3 {
		for key, us := range k.RustUses {
			if key != name && strings.HasSuffix(key, "_"+name) {
				out = append(out, us...)
			}
		}
	}
	return out
}

// inlineRows names, for each row, the inline function whose definition
// (visible above in the window) the row belongs to, in one pass.
func inlineRows(w *window) []string {
	out := make([]string, len(w.lines))
	cur := ""
	for r, l := range w.lines {
		if strings.Contains(l.text, "inline") {
			if m := cInlineRe.FindStringSubmatch(l.text); m != nil {
				cur = m[2]
			}
		}
		out[r] = cur
		if strings.HasPrefix(l.text, "}") {
			cur = ""
		}
	}
	return out
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
