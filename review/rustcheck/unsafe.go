package rustcheck

import (
	"regexp"
	"strings"

	"ferrule/review"
	"ferrule/review/diff"
)

// Group A of RULES.md §4: the unsafe surface.

var (
	weakSafetyRe      = regexp.MustCompile(`^(ffi call\.?|todo\.?|safe\.?|this is safe\.?|unsafe\.?|)$`)
	safetyTagRe       = regexp.MustCompile(`^(//+|/\*+|\*+)?\s*(?i:safety)\s*:`)
	safetyDocTagRe    = regexp.MustCompile(`^\s*///\s*SAFETY:`)
	sendSyncRe        = regexp.MustCompile(`^(Send|Sync)\b`)
	byteValidityRe    = regexp.MustCompile(`\b(FromBytes|AsBytes|Zeroable|AlwaysRefCounted|ForeignOwnable)\b`)
	rawPointerRe      = regexp.MustCompile(`&raw\s+(const|mut)\b|\baddr_of(_mut)?!|\bas\s+\*(const|mut)\b|\.cast(_mut|_const)?(::<.*>)?\(\)|\bOpaque::cast_into\b|\.cast_into\(|\.(add|sub|offset|byte_add|byte_sub|wrapping_add)\(|\bptr::(read|write|copy|copy_nonoverlapping|write_bytes|null|null_mut)\b|\bslice::from_raw_parts(_mut)?\b|\bNonNull::new_unchecked\b|\bcontainer_of!`)
	transmuteRe       = regexp.MustCompile(`\b(mem::)?transmute(_copy)?\b|MaybeUninit::\S*(assume_init|zeroed)|\bassume_init\(|\bmem::zeroed\b|\bmem::forget\b|ManuallyDrop::(drop|take)\b|\bfrom_raw_parts(_mut)?\b`)
	ffiCastRe         = regexp.MustCompile(`\bas\s+(i|u)(8|16|32|64|size)\b|\bas\s+_\b`)
	globalsRe         = regexp.MustCompile(`\bstatic\s+mut\b|^\s*(pub(\([^)]*\))?\s+)?union\s+\w+|\b(kernel::)?asm!|\bglobal_asm!|#\[(unsafe\()?no_mangle\)?\]|#\[export_name\b|#\[link_section\b`)
	lintSuppressedRe  = regexp.MustCompile(`#!?\[(allow|expect)\((clippy::)?(undocumented_unsafe_blocks|missing_safety_doc|unsafe_op_in_unsafe_fn|multiple_unsafe_ops_per_block|unnecessary_safety_comment|unnecessary_safety_doc)\b`)
	lintAllowRe       = regexp.MustCompile(`^\s*#!?\[allow\(`)
	unsafeOpRe        = regexp.MustCompile(`\bbindings::\w+\s*\(|\.(offset|add|sub)\(|\bptr::(read|write)\(|\b(from_raw|new_unchecked|assume_init|get_unchecked(_mut)?|from_raw_parts(_mut)?)\(`)
	fnLineRe          = regexp.MustCompile(`\b(unsafe\s+)?(extern\s+"[^"]*"\s+)?fn\s+(\w+)`)
	traitLineRe       = regexp.MustCompile(`\b(unsafe\s+)?trait\s+(\w+)`)
	sectionHeadingRe  = regexp.MustCompile(`^\s*///\s*#+\s*(\w+)`)
	unsafeWordRe      = regexp.MustCompile(`\bunsafe\b`)
	preconditionRe    = regexp.MustCompile(`(?i)less than|non-null|aligned`)
	preconditionUseRe = regexp.MustCompile(`unsafe_precondition_assert!`)
)

// checkUnsafe runs the group A rules on a parsed post-image window.
func (f *findings) checkUnsafe(w *window, items []item) {
	for _, it := range items {
		if !w.lines[it.row].changed && it.kind != unsafeBlock {
			continue
		}
		switch it.kind {
		case unsafeBlock:
			f.unsafeBlock(w, it)
		case unsafeImpl:
			f.unsafeImpl(w, it)
		case fnItem:
			if it.unsafe {
				f.unsafeFn(w, it, items)
			}
		case traitItem:
			if it.unsafe {
				if got := w.safetyDoc(it.row); got != present {
					conf := confidence(got)
					if it.inMacroCall {
						conf = review.Heuristic // the macro may expand it to anything
					}
					f.add("unsafe-trait-missing-safety-doc", review.High, conf, w, it.row,
						"unsafe trait %s has no # Safety section stating what implementers must uphold", it.name)
				}
			}
		}
	}
	f.unsafeOpInUnsafeFn(w, items)
	for i, l := range w.lines {
		if !l.changed {
			continue
		}
		f.safetyComments(w, i, items)
		code := w.code[i]
		if strings.TrimSpace(code) == "" {
			continue
		}
		if mayRawPointer(code) && rawPointerRe.MatchString(code) {
			f.add("raw-pointer-ops", leafOr(w, review.High, review.Medium), review.Certain, w, i,
				"raw pointer manipulation: check the pointer's provenance, alignment and lifetime")
		}
		if mayTransmute(code) && transmuteRe.MatchString(code) {
			f.add("transmute-and-uninit", review.High, review.Certain, w, i,
				"type punning or uninitialised memory (%s)", strings.TrimSpace(transmuteRe.FindString(code)))
		}
		if strings.Contains(code, " as ") && ffiCastRe.MatchString(code) && (strings.Contains(code, "bindings::") || insideUnsafe(i, items)) {
			sev := review.Low
			if strings.Contains(code, "bindings::") {
				sev = review.Medium
			}
			f.add("ffi-integer-cast", sev, review.Certain, w, i,
				"numeric cast at the FFI edge (%s): can it lose sign or width?", strings.TrimSpace(ffiCastRe.FindString(code)))
		}
		if m := mayMatch(code, globalsRe, "static", "union", "asm!", "#["); m != "" {
			f.add("unsafe-globals-asm-ffi-decl", leafOr(w, review.High, review.Medium), review.Certain, w, i,
				"%s bypasses Rust's safety and bindgen's declarations", strings.TrimSpace(m))
		}
		if !strings.Contains(code, "#") {
			continue
		}
		if lintSuppressedRe.MatchString(code) && w.file != "rust/bindings/lib.rs" && w.file != "rust/uapi/lib.rs" {
			f.add("safety-lint-suppressed", leafOr(w, review.Critical, review.High), review.Certain, w, i,
				"a safety lint is switched off: %s", strings.TrimSpace(code))
		} else if lintAllowRe.MatchString(code) && !strings.Contains(code, "cfg_attr") && !inMacroRules(w, i) {
			f.add("lint-allow-not-expect", review.Low, review.Certain, w, i,
				"prefer #[expect(…)] over #[allow(…)] unless the lint only fires conditionally")
		}
	}
	for _, it := range items {
		if it.kind == externBlock && w.lines[it.row].changed {
			f.add("unsafe-globals-asm-ffi-decl", leafOr(w, review.Critical, review.Medium), review.Certain, w, it.row,
				"hand-written extern block: C declarations must come from bindgen (rust/bindings)")
		}
	}
}

func confidence(l lookUp) review.Confidence {
	if l == ranOff {
		return review.NeedsPostImage
	}
	return review.Certain
}

func (f *findings) unsafeBlock(w *window, it item) {
	if !w.lines[it.row].changed {
		// An existing block whose body changed.
		for r := it.row + 1; r <= it.endRow && r < len(w.lines); r++ {
			if w.lines[r].changed {
				f.add("unsafe-block-changed", review.Info, review.Certain, w, r,
					"the body of an existing unsafe block changed: does its SAFETY comment still hold?")
				return
			}
		}
		return
	}
	where := "abstraction"
	if w.class == diff.LeafRust {
		where = "leaf driver code, which ideally has none"
	}
	if w.doc {
		where = "a doc-test"
	}
	switch f.status[w][it.row] {
	case blockMoved:
		// Reformatted or moved within its function: nothing new.
	case blockRewritten:
		f.add("unsafe-block-changed", review.Info, review.Certain, w, it.row,
			"unsafe block rewritten (its function has no more unsafe blocks than before): does its SAFETY comment still hold?")
	default:
		f.add("unsafe-block-added", leafOr(w, review.High, review.Medium), review.Certain, w, it.row, "new unsafe block in %s", where)
	}
	f.safetyMissing(w, it.row, w.hasSafetyComment(it), "unsafe block")
}

// safetyMissing reports safety-comment-missing for what ("unsafe block",
// "unsafe impl") at row, definite or needs-post-image by the look-up.
func (f *findings) safetyMissing(w *window, row int, got lookUp, what string) {
	switch got {
	case missing:
		f.add("safety-comment-missing", review.High, review.Certain, w, row,
			"%s without a // SAFETY: comment (clippy::undocumented_unsafe_blocks)", what)
	case ranOff:
		f.add("safety-comment-missing", review.High, review.NeedsPostImage, w, row,
			"no // SAFETY: comment within the hunk above this %s; the lines above the hunk decide", what)
	}
}

func (f *findings) unsafeImpl(w *window, it item) {
	trait := it.name
	switch {
	case sendSyncRe.MatchString(lastSegment(trait)):
		f.add("unsafe-impl-send-sync", review.High, review.Certain, w, it.row,
			"unsafe impl %s for %s: is the type really safe to share or send across threads?", trait, it.selfType)
	default:
		sev := review.Medium
		if byteValidityRe.MatchString(trait) {
			sev = review.High
		}
		f.add("unsafe-impl-other", sev, review.Certain, w, it.row,
			"unsafe impl %s for %s: the trait's # Safety contract must be justified", trait, it.selfType)
	}
	f.safetyMissing(w, it.row, w.safetyAbove(it.row), "unsafe impl")
}

func (f *findings) unsafeFn(w *window, it item, items []item) {
	if it.inTraitImpl || strings.Contains(w.section, " for ") && strings.HasPrefix(strings.TrimSpace(w.section), "impl") && !enclosedByInherentImpl(it, items) {
		return // the contract lives on the trait declaration
	}
	if got := w.safetyDoc(it.row); got != present {
		conf := confidence(got)
		if it.inMacroCall {
			conf = review.Heuristic // the macro may expand it to anything
		}
		f.add("unsafe-fn-missing-safety-doc", review.High, conf, w, it.row,
			"unsafe fn %s has no # Safety section stating its preconditions (clippy::missing_safety_doc)", it.name)
	} else if it.bodyStart >= 0 && it.endRow < len(w.lines) {
		doc := docAbove(w, it.row)
		if preconditionRe.MatchString(doc) && !bodyMatches(w, it, preconditionUseRe) {
			f.add("unsafe-precondition-unchecked", review.Info, review.Certain, w, it.row,
				"unsafe fn %s has a checkable precondition; consider unsafe_precondition_assert!", it.name)
		}
	}
}

// enclosedByInherentImpl reports whether an impl without a trait, visible
// in the window, encloses it (the hunk header may name a different impl).
func enclosedByInherentImpl(it item, items []item) bool {
	for _, o := range items {
		if o.kind == implBlock && o.name == "" && o.row < it.row && o.endRow >= it.endRow {
			return true
		}
	}
	return false
}

// unsafeOpInUnsafeFn flags unsafe operations at the top level of an unsafe
// fn body: a build error under -Dunsafe_op_in_unsafe_fn. Besides FFI calls
// and known unsafe constructors, it knows from the window the unsafe fns
// declared there, the fn's raw-pointer parameters and the static muts.
func (f *findings) unsafeOpInUnsafeFn(w *window, items []item) {
	var unsafeFns []string
	for _, it := range items {
		if it.kind == fnItem && it.unsafe && it.name != "" && !strings.HasPrefix(it.name, "#") {
			unsafeFns = append(unsafeFns, regexp.QuoteMeta(it.name))
		}
	}
	var statics []string
	for _, c := range w.code {
		if strings.Contains(c, "static") {
			for _, m := range staticMutRe.FindAllStringSubmatch(c, -1) {
				statics = append(statics, m[1])
			}
		}
	}
	var callRe, staticRe *regexp.Regexp
	if len(unsafeFns) > 0 {
		callRe = regexp.MustCompile(`(^|[^\w.:])(` + strings.Join(unsafeFns, "|") + `)\s*\(`)
	}
	if len(statics) > 0 {
		staticRe = regexp.MustCompile(`\b(` + strings.Join(statics, "|") + `)\b`)
	}
	for _, fn := range items {
		if fn.kind != fnItem || !fn.unsafe || fn.bodyStart < 0 {
			continue
		}
		derefRe := rawParamDerefRe(w, fn)
		for r := fn.bodyStart; r <= fn.endRow && r < len(w.lines); r++ {
			if !w.lines[r].changed || insideUnsafe(r, items) || nestedFn(r, fn, items) {
				continue
			}
			code := w.code[r]
			if r == fn.bodyStart {
				if i := strings.IndexByte(code, '{'); i >= 0 {
					code = strings.Repeat(" ", i+1) + code[i+1:]
				}
			}
			what, sev, conf := "", review.High, review.Certain
			switch m := unsafeOpRe.FindString(code); {
			case m != "":
				what = strings.TrimSpace(m)
				if !strings.HasPrefix(m, "bindings::") {
					sev, conf = review.Info, review.Heuristic
				}
			case callRe != nil && callRe.MatchString(code):
				what = "call of unsafe fn " + callRe.FindStringSubmatch(code)[2]
			case derefRe != nil && derefRe.MatchString(code):
				what = "dereference of raw pointer " + derefRe.FindStringSubmatch(code)[2]
			case staticRe != nil && staticRe.MatchString(code) && !staticMutRe.MatchString(code):
				what = "use of static mut " + staticRe.FindString(code)
			default:
				continue
			}
			f.add("unsafe-op-in-unsafe-fn", sev, conf, w, r,
				"%s in the body of unsafe fn %s outside an unsafe block (-Dunsafe_op_in_unsafe_fn)", what, fn.name)
		}
	}
}

var (
	staticMutRe   = regexp.MustCompile(`\bstatic\s+mut\s+(\w+)`)
	rawParamRe    = regexp.MustCompile(`(\w+)\s*:\s*\*(const|mut)\b`)
	derefOperands = `(^|[=(,\[{+\-*/%&|^!<>;:]|\breturn)\s*\*\s*`
)

// rawParamDerefRe matches a dereference of one of fn's raw-pointer
// parameters (from its signature, up to the body), or is nil.
func rawParamDerefRe(w *window, fn item) *regexp.Regexp {
	var names []string
	for r := fn.row; r <= fn.bodyStart && r < len(w.lines); r++ {
		for _, m := range rawParamRe.FindAllStringSubmatch(w.code[r], -1) {
			names = append(names, m[1])
		}
	}
	if len(names) == 0 {
		return nil
	}
	return regexp.MustCompile(derefOperands + `(` + strings.Join(names, "|") + `)\b`)
}

func nestedFn(r int, outer item, items []item) bool {
	for _, o := range items {
		if o.kind == fnItem && o.row > outer.row && o.row <= r && o.endRow >= r {
			return true
		}
	}
	return false
}

func insideUnsafe(r int, items []item) bool {
	for _, it := range items {
		if it.kind == unsafeBlock && it.row <= r && it.endRow >= r {
			return true
		}
	}
	return false
}

// safetyComments runs the rules about SAFETY comments written on row.
// Like clippy, a comment that is not a // or /* comment's first line
// counts when it continues a /* */ block (" * SAFETY: …").
func (f *findings) safetyComments(w *window, i int, items []item) {
	c := w.cmt[i]
	if c == "" {
		return
	}
	if safetyDocTagRe.MatchString(c) {
		f.add("safety-doc-as-tagged-comment", review.Low, review.Certain, w, i,
			"/// SAFETY: in rustdoc: write a # Safety section for a contract, or a // SAFETY: comment for a justification")
		if next := w.nextCode(i + 1); next >= 0 && itemStartRe.MatchString(w.code[next]) {
			f.add("unnecessary-safety-comment", review.Low, review.Certain, w, i,
				"SAFETY comment on an item declaration (clippy::unnecessary_safety_comment): an unsafe fn documents its contract in # Safety")
		}
		return
	}
	if strings.HasPrefix(c, "///") {
		if safetyHeadingRe.MatchString(c) {
			f.safetyDocOnSafeItem(w, i)
		}
		return
	}
	if strings.HasPrefix(c, "//!") || strings.HasPrefix(c, "/*!") {
		return
	}
	m := safetyTagRe.FindString(c)
	if m == "" {
		return
	}
	continuation := !strings.HasPrefix(c, "/")
	body := strings.TrimSpace(strings.TrimSuffix(c[len(m):], "*/"))
	// The comment may continue on the next lines.
	full := body
	last := i
	for j := i + 1; j < len(w.lines) && w.commentOnly(j) && strings.HasPrefix(w.cmt[j], "//") && !strings.HasPrefix(w.cmt[j], "///"); j++ {
		full += " " + strings.TrimSpace(strings.TrimLeft(w.cmt[j], "/"))
		last = j
	}
	if continuation || strings.HasPrefix(c, "/*") && !strings.HasSuffix(c, "*/") {
		// The rest of a /* */ block.
		for j := i + 1; j < len(w.lines) && w.commentOnly(j); j++ {
			last = j
			if strings.HasSuffix(w.cmt[j], "*/") {
				break
			}
		}
	}
	lower := strings.ToLower(strings.TrimSpace(full))
	if weakSafetyRe.MatchString(lower) || len(strings.Fields(full)) < 4 {
		f.add("safety-comment-weak", review.Medium, review.Certain, w, i,
			"SAFETY comment %q does not say why the code is sound", strings.TrimSpace(c))
	}
	// "// SAFETY:" followed by "// - …" bullet lines is kernel style too.
	list := body == "" && last > i && i+1 < len(w.lines) && strings.HasPrefix(strings.TrimSpace(strings.TrimLeft(w.cmt[i+1], "/")), "- ")
	wellFormed := strings.HasPrefix(c, "// SAFETY: ") || list && strings.HasPrefix(c, "// SAFETY:")
	endsBadly := !list && (last+1 < len(w.lines) || w.whole) && !strings.HasSuffix(strings.TrimSpace(full), ".")
	if !wellFormed || (body != "" && !startsUpper(body)) || endsBadly {
		f.add("safety-comment-format", review.Low, review.Certain, w, i,
			"kernel style is \"// SAFETY: \" and a sentence starting with a capital letter and ending with a period")
	}
	if insideUnsafe(i, items) && !startsUnsafe(i, items) {
		return // a comment inside an unsafe block is never unnecessary
	}
	next := i
	if strings.TrimSpace(w.code[i]) == "" {
		// The comment is on a line of its own: it belongs to the next
		// statement, else to the code of its own line.
		next = w.nextCode(last + 1)
	}
	if next < 0 {
		return
	}
	stmt := statementText(w, next)
	switch {
	case next != i && itemStartRe.MatchString(w.code[next]) && !traitBlockRe.MatchString(enclosingBlock(w, next)):
		// An unsafe fn documents its contract in # Safety; a safe item
		// needs no justification.
		f.add("unnecessary-safety-comment", review.Low, review.Certain, w, i,
			"SAFETY comment on an item declaration (clippy::unnecessary_safety_comment): an unsafe fn documents its contract in # Safety")
	case macroCallRe.MatchString(stmt):
		// What the macro expands to is unknown: it may be unsafe.
	case !unsafeWordRe.MatchString(stmt):
		f.add("unnecessary-safety-comment", review.Low, review.Certain, w, i,
			"SAFETY comment on code without unsafe (clippy::unnecessary_safety_comment)")
	}
}

var (
	// itemStartRe matches the first line of an fn item (not an unsafe
	// impl or block, which a SAFETY comment justifies).
	itemStartRe  = regexp.MustCompile(`^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+"[^"]*"\s+)?fn\b`)
	traitBlockRe = regexp.MustCompile(`^(pub(\([^)]*\))?\s+)?(unsafe\s+)?trait\b`)
	macroCallRe  = regexp.MustCompile(`^\s*[\w:]+!\s*[({\[]`)
)

// startsUnsafe reports whether row is the first row of an unsafe block
// (a comment trailing "unsafe {" or before it on the line).
func startsUnsafe(row int, items []item) bool {
	for _, it := range items {
		if it.kind == unsafeBlock && it.row == row {
			return true
		}
	}
	return false
}

// statementText returns the code of the statement starting at row: up to
// the line that ends it (";", "{" or "}") or 6 lines.
func statementText(w *window, row int) string {
	var b strings.Builder
	for r := row; r < len(w.lines) && r < row+6; r++ {
		c := strings.TrimSpace(w.code[r])
		b.WriteString(c + "\n")
		if strings.HasSuffix(c, ";") || strings.HasSuffix(c, "{") || strings.HasSuffix(c, "}") {
			break
		}
	}
	return b.String()
}

func (f *findings) safetyDocOnSafeItem(w *window, i int) {
	for r := i + 1; r < len(w.lines); r++ {
		if w.commentOnly(r) || w.attribute(r) || w.blank(r) {
			continue
		}
		c := w.code[r]
		if (fnLineRe.MatchString(c) || traitLineRe.MatchString(c)) && !unsafeWordRe.MatchString(c) {
			f.add("safety-doc-on-safe-item", review.Low, review.Certain, w, r,
				"# Safety section on a safe item (clippy::unnecessary_safety_doc)")
		}
		return
	}
}

// checkContracts runs safety-contract-changed and invariants-doc-changed
// over a hunk, which needs both sides.
func (f *findings) checkContracts(file *diff.File, h *diff.Hunk, post, pre *window) {
	section := ""
	flagged := map[string]bool{}
	for _, l := range h.Lines {
		t := strings.TrimSpace(l.Text)
		if m := sectionHeadingRe.FindStringSubmatch(t); m != nil {
			section = m[1]
			if l.Op == diff.Add {
				section = "" // a new section documents a new item
			}
		} else if !strings.HasPrefix(t, "///") && t != "" {
			section = ""
		}
		if l.Op == diff.Context || flagged[section] {
			continue
		}
		w := post
		if l.Op == diff.Delete {
			w = pre
		}
		row := rowOf(w, l)
		switch section {
		case "Safety":
			flagged[section] = true
			f.add("safety-contract-changed", review.High, review.Certain, w, row,
				"the # Safety contract changed: every caller's SAFETY comment needs re-review")
		case "Invariants":
			flagged[section] = true
			f.add("invariants-doc-changed", review.High, review.Certain, w, row,
				"the type's # Invariants changed: SAFETY comments relying on them need re-review")
		}
	}
	// unsafe added to or removed from an existing signature.
	removed := map[string]bool{}
	for _, l := range h.Lines {
		if l.Op != diff.Delete {
			continue
		}
		if !strings.Contains(l.Text, "fn ") && !strings.Contains(l.Text, "trait ") {
			continue
		}
		if m := fnLineRe.FindStringSubmatch(l.Text); m != nil {
			removed[m[3]] = m[1] != ""
		} else if m := traitLineRe.FindStringSubmatch(l.Text); m != nil {
			removed[m[2]] = m[1] != ""
		}
	}
	for _, l := range h.Lines {
		if l.Op != diff.Add || len(removed) == 0 {
			continue
		}
		name, isUnsafe := "", false
		if m := fnLineRe.FindStringSubmatch(l.Text); m != nil {
			name, isUnsafe = m[3], m[1] != ""
		} else if m := traitLineRe.FindStringSubmatch(l.Text); m != nil {
			name, isUnsafe = m[2], m[1] != ""
		}
		was, ok := removed[name]
		if name == "" || !ok || was == isUnsafe {
			continue
		}
		if isUnsafe {
			f.add("safety-contract-changed", review.High, review.Certain, post, rowOf(post, l),
				"%s became unsafe: callers now need unsafe blocks and SAFETY comments", name)
		} else {
			f.add("safety-contract-changed", review.Critical, review.Certain, post, rowOf(post, l),
				"%s is no longer unsafe: is its former contract really enforced now?", name)
		}
	}
}

// rowOf finds the window row of a hunk line.
func rowOf(w *window, l diff.Line) int {
	n := l.New
	if w.side == "pre" {
		n = l.Old
	}
	for i, wl := range w.lines {
		if wl.num == n {
			return i
		}
	}
	return -1
}

func docAbove(w *window, row int) string {
	var b strings.Builder
	for i := row - 1; i >= 0 && (w.commentOnly(i) || w.attribute(i)); i-- {
		b.WriteString(w.cmt[i] + "\n")
	}
	return b.String()
}

func bodyMatches(w *window, it item, re *regexp.Regexp) bool {
	for r := it.bodyStart; r <= it.endRow && r < len(w.lines); r++ {
		if re.MatchString(w.code[r]) {
			return true
		}
	}
	return false
}

// inMacroRules reports whether row is (probably) inside a macro body:
// a macro_rules! definition or a proc-macro quote!, where #[expect] could
// misfire on generated code.
func inMacroRules(w *window, row int) bool {
	for r := row; r >= 0 && r > row-60; r-- {
		c := w.code[r]
		if strings.Contains(c, "macro_rules!") || strings.Contains(c, "quote!") || strings.Contains(c, "quote_spanned!") {
			return true
		}
	}
	return false
}

func startsUpper(s string) bool {
	for _, r := range s {
		return r >= 'A' && r <= 'Z' || r == '`' || r == '['
	}
	return false
}

func lastSegment(path string) string {
	if i := strings.LastIndex(path, "::"); i >= 0 {
		path = path[i+2:]
	}
	if i := strings.IndexByte(path, '<'); i >= 0 {
		path = path[:i]
	}
	return path
}

// Cheap substring guards that let most lines skip the token regexes.

func mayRawPointer(c string) bool {
	return strings.Contains(c, "raw") || strings.Contains(c, "addr_of") || strings.Contains(c, " as *") ||
		strings.Contains(c, ".cast") || strings.Contains(c, "add(") || strings.Contains(c, "sub(") ||
		strings.Contains(c, ".offset(") || strings.Contains(c, "ptr::") || strings.Contains(c, "NonNull") ||
		strings.Contains(c, "container_of")
}

func mayTransmute(c string) bool {
	return strings.Contains(c, "transmute") || strings.Contains(c, "MaybeUninit") || strings.Contains(c, "assume_init") ||
		strings.Contains(c, "zeroed") || strings.Contains(c, "forget") || strings.Contains(c, "ManuallyDrop") ||
		strings.Contains(c, "from_raw_parts")
}

// enclosingBlock returns the first line of the block enclosing row (by
// indentation) in the window, or "".
func enclosingBlock(w *window, row int) string {
	indent := indentOf(w.lines[row].text)
	for a := row - 1; a >= 0; a-- {
		if !w.blank(a) && !w.commentOnly(a) && indentOf(w.lines[a].text) < indent && strings.HasSuffix(strings.TrimSpace(w.code[a]), "{") {
			return strings.TrimSpace(w.code[a])
		}
	}
	return ""
}

func indentOf(s string) int {
	return len(s) - len(strings.TrimLeft(s, " \t"))
}
