package rustcheck

import (
	"regexp"
	"strings"

	"ferrule/review"
	"ferrule/review/diff"
)

// Rules from what linux-pwm and Rust-for-Linux reviewers ask again and
// again, beyond the lints: one unsafe operation per block, the semicolon
// outside a one-statement block, C integer types in extern "C"
// signatures, dev_*! printing where a driver has a device, # Panics for
// assertions, and 'static lifetimes conjured from raw pointers.

var (
	// unsafeOpsRe finds the unsafe operations of a block: FFI calls, raw
	// pointer dereferences, and calls of unsafe constructors and readers.
	unsafeOpsRe  = regexp.MustCompile(`\bbindings::\w+\s*\(|\(\s*\*[^()]*(\([^()]*\))?[^()]*\)\s*\.|\b(from_raw|new_unchecked|assume_init|get_unchecked(_mut)?|from_raw_parts(_mut)?|from_foreign|copy_nonoverlapping|write_bytes|read_volatile|write_volatile)\s*(::<[^>]*>)?\s*\(|\bptr::(read|write)\s*\(`)
	externFnRe   = regexp.MustCompile(`\bextern\s+fn\s+\w+`) // "C" is blanked
	fixedIntRe   = regexp.MustCompile(`(:\s*|->\s*)(i32|u32)\b`)
	prPrintRe    = regexp.MustCompile(`\bpr_(emerg|alert|crit|err|warn|notice|info|debug)!\s*\(`)
	deviceRe     = regexp.MustCompile(`\b(dev|pdev|adev|idev|device)\s*:\s*&|\bDevice\b|\.device\(\)|\bdev_(emerg|alert|crit|err|warn|notice|info|dbg)!`)
	assertRe     = regexp.MustCompile(`(^|[^\w])(assert|assert_eq|assert_ne)!\s*\(`)
	testAttrRe   = regexp.MustCompile(`#\[(test|kunit_tests|cfg\(test\))`)
	panicsDocRe  = regexp.MustCompile(`^\s*///\s*#+\s*Panics\s*$`)
	staticRe     = regexp.MustCompile(`'static\b`)
	conjureRe    = regexp.MustCompile(`\btransmute\b|\bfrom_raw(_parts(_mut)?)?\s*\(|&\s*\*|&\s*mut\s+\*|\.as_ref\(\)|\.as_mut\(\)|\bborrow\s*\(`)
	staticItemRe = regexp.MustCompile(`addr_of(_mut)?!\s*\(\s*[A-Z][A-Z0-9_]*\s*\)|&raw\s+(const|mut)\s+[A-Z][A-Z0-9_]*\b`)
)

// checkReviewers runs the reviewers' rules on a parsed post-image window.
func (f *findings) checkReviewers(w *window, items []item) {
	for _, it := range items {
		if it.kind != unsafeBlock || !w.lines[it.row].changed || f.status[w][it.row] == blockMoved {
			continue
		}
		f.multipleOps(w, it)
		f.semicolonInside(w, it)
	}
	leafDriver := w.class == diff.LeafRust && strings.HasPrefix(w.file, "drivers/")
	for i, l := range w.lines {
		if !l.changed {
			continue
		}
		code := w.code[i]
		if strings.Contains(code, "extern") && externFnRe.MatchString(code) {
			f.fixedWidthSignature(w, i)
		}
		if leafDriver && !w.doc && strings.Contains(code, "pr_") && prPrintRe.MatchString(code) {
			if fn := enclosingFn(w, i); fn >= 0 && hasDevice(w, fn) {
				f.add("pr-print-in-driver", review.Low, review.Certain, w, i,
					"%s in a driver function that has a device: dev_*! names the device in the log", strings.TrimSuffix(prPrintRe.FindString(code), "("))
			}
		}
		if !w.doc && !testPath(w.file) && strings.Contains(code, "assert") && assertRe.MatchString(code) && !strings.Contains(code, "const") {
			f.assertWithoutPanicsDoc(w, i)
		}
		if strings.Contains(code, "'static") && staticRe.MatchString(code) && conjureRe.MatchString(code) && !staticItemRe.MatchString(code) {
			f.add("static-lifetime-from-raw", review.Medium, review.Heuristic, w, i,
				"a 'static lifetime made by %s: what keeps the referent alive that long?", strings.TrimSpace(conjureRe.FindString(code)))
		}
	}
}

// multipleOps flags an unsafe block doing more than one unsafe operation.
func (f *findings) multipleOps(w *window, it item) {
	var ops []string
	for r := it.row; r <= it.endRow && r < len(w.code); r++ {
		c := w.code[r]
		if r == it.row {
			loc := unsafeWordRe.FindStringIndex(c)
			if loc == nil {
				return
			}
			c = c[loc[1]:]
		}
		for _, m := range unsafeOpsRe.FindAllString(c, -1) {
			ops = append(ops, strings.TrimSpace(strings.TrimRight(m, "( .")))
		}
	}
	if len(ops) > 1 {
		f.add("unsafe-block-multiple-ops", review.Low, review.Heuristic, w, it.row,
			"one unsafe block does %d unsafe operations (%s): one block, with its own SAFETY comment, per operation", len(ops), strings.Join(dedupe(ops), ", "))
	}
}

// semicolonInside flags "unsafe {\n f();\n}" whose one statement fits on
// one line as "unsafe { f() };".
func (f *findings) semicolonInside(w *window, it item) {
	if it.endRow <= it.row || it.endRow >= len(w.code) {
		return
	}
	head := strings.TrimSpace(w.code[it.row])
	if head != "unsafe {" || strings.TrimSpace(w.code[it.endRow]) != "}" {
		return
	}
	var body strings.Builder
	for r := it.row + 1; r < it.endRow; r++ {
		if w.cmt[r] != "" {
			return // a comment inside would be lost
		}
		body.WriteString(strings.TrimSpace(w.code[r]))
	}
	stmt := body.String()
	if strings.Count(stmt, ";") != 1 || !strings.HasSuffix(stmt, ";") || strings.HasPrefix(stmt, "let ") || strings.Contains(stmt, "{") {
		return
	}
	one := indentOf(w.lines[it.row].text) + len("unsafe { ") + len(stmt) - 1 + len(" };")
	if one > 100 {
		return
	}
	f.add("unsafe-block-semicolon", review.Low, review.Certain, w, it.row,
		"the statement fits one line with the semicolon outside the block: unsafe { %s };", strings.TrimSuffix(stmt, ";"))
}

// fixedWidthSignature flags i32/u32 in an extern "C" fn signature that
// starts on row (up to its body or end).
func (f *findings) fixedWidthSignature(w *window, row int) {
	for r := row; r < len(w.code) && r < row+12; r++ {
		c := w.code[r]
		if r == row {
			c = c[externFnRe.FindStringIndex(c)[0]:]
		}
		end := strings.IndexAny(c, "{;")
		if end >= 0 {
			c = c[:end]
		}
		if w.lines[r].changed {
			if m := fixedIntRe.FindStringSubmatch(c); m != nil {
				c := map[string]string{"i32": "c_int", "u32": "c_uint"}[m[2]]
				f.add("ffi-fixed-width-int", review.Low, review.Certain, w, r,
					"%s in an extern \"C\" fn signature: the C side has int or unsigned int, use %s", m[2], c)
				return
			}
		}
		if end >= 0 {
			return
		}
	}
}

// enclosingFn returns the row of the fn item enclosing row (by
// indentation), or -1 when it is not in the window.
func enclosingFn(w *window, row int) int {
	limit := indentOf(w.lines[row].text)
	for r := row - 1; r >= 0; r-- {
		t := strings.TrimSpace(w.code[r])
		in := indentOf(w.lines[r].text)
		if t == "" || in >= limit {
			continue
		}
		switch {
		case fnLineRe.MatchString(t) && strings.Contains(t, "fn "):
			return r
		case blockItemRe.MatchString(t):
			return -1
		case !strings.HasPrefix(t, ")"):
			limit = in
		}
	}
	return -1
}

var blockItemRe = regexp.MustCompile(`^(pub(\([^)]*\))?\s+)?(unsafe\s+)?(impl|mod|trait|extern)\b`)

// hasDevice reports whether the fn starting at row takes or reaches a
// device: a device parameter, .device(), or dev_*! printing in its body.
func hasDevice(w *window, row int) bool {
	indent := indentOf(w.lines[row].text)
	for r := row; r < len(w.code); r++ {
		if r > row && strings.TrimSpace(w.code[r]) == "}" && indentOf(w.lines[r].text) == indent {
			return false
		}
		if deviceRe.MatchString(w.code[r]) {
			return true
		}
	}
	return false
}

// assertWithoutPanicsDoc flags an assertion in a fn whose doc has no
// # Panics section.
func (f *findings) assertWithoutPanicsDoc(w *window, row int) {
	fn := enclosingFn(w, row)
	if fn < 0 {
		return
	}
	for r := fn - 1; r >= 0 && (w.commentOnly(r) || w.attribute(r)); r-- {
		if panicsDocRe.MatchString(w.cmt[r]) || w.attribute(r) && testAttrRe.MatchString(w.code[r]) {
			return
		}
	}
	for r := fn; r >= 0; r-- {
		if testAttrRe.MatchString(w.code[r]) || strings.Contains(w.code[r], "mod tests") {
			return // test code
		}
	}
	m := fnLineRe.FindStringSubmatch(w.code[fn])
	f.add("missing-panics-doc", review.Low, review.Certain, w, row,
		"%s can panic, and fn %s has no # Panics section saying when", strings.TrimSpace(strings.TrimSuffix(assertRe.FindString(w.code[row]), "(")), m[3])
}

// testPath reports whether file is test, example or benchmark code.
func testPath(file string) bool {
	for _, d := range []string{"tests/", "examples/", "benches/", "samples/"} {
		if strings.HasPrefix(file, d) || strings.Contains(file, "/"+d) {
			return true
		}
	}
	return strings.HasSuffix(file, "_test.rs") || strings.HasSuffix(file, "/tests.rs")
}

var (
	intoForeignRe = regexp.MustCompile(`\binto_foreign\s*\(`)
	pubSetterRe   = regexp.MustCompile(`^\s*pub\s+fn\s+(set_\w+)\b`)
)

// checkForeignOwnable flags into_foreign() on added lines of a file in
// which no from_foreign() is in view: what is handed to C is never taken
// back (and freed) on the drop path. A safe pub set_* fn that hands a
// ForeignOwnable to C leaks the previous value when called twice.
func (f *findings) checkForeignOwnable(posts []*window) {
	for _, w := range posts {
		for _, c := range w.code {
			if strings.Contains(c, "from_foreign") {
				return
			}
		}
	}
	for _, w := range posts {
		for i, l := range w.lines {
			if !l.changed || !strings.Contains(w.code[i], "into_foreign") || !intoForeignRe.MatchString(w.code[i]) {
				continue
			}
			extra := ""
			if fn := enclosingFn(w, i); fn >= 0 {
				if m := pubSetterRe.FindStringSubmatch(w.code[fn]); m != nil {
					extra = "; " + m[1] + " is safe to call twice, which leaks the first value"
				}
			}
			f.add("foreign-ownable-leak", review.Medium, review.Heuristic, w, i,
				"into_foreign() hands ownership to C, and no from_foreign() is in view to take it back on the drop path%s", extra)
		}
	}
}
