package rustcheck

import (
	"path"
	"regexp"
	"strings"

	"ferrule/review"
	"ferrule/review/diff"
)

// Groups B and C of RULES.md §4: invariants and the abstraction boundary.

var (
	bindingsUseRe    = regexp.MustCompile(`\bbindings::|\bkernel::bindings\b|\buse\s+kernel::\{[^}]*\bbindings\b|\buse\s+kernel::bindings\b`)
	useKernelOpenRe  = regexp.MustCompile(`\buse\s+kernel::\{`)
	wordBindingsRe   = regexp.MustCompile(`\bbindings\b`)
	uapiRe           = regexp.MustCompile(`\b(kernel::)?uapi::`)
	rawHandleRe      = regexp.MustCompile(`\.(as_raw|as_ptr)\(\)`)
	dupAbstractionRe = regexp.MustCompile(`\bstruct\s+\w+(<[^>]*>)?\s*\(\s*(pub\s+)?\*(mut|const)\s+bindings::|Opaque<\s*bindings::`)
	releaseCallRe    = regexp.MustCompile(`\bbindings::\w+_(put|free|release|destroy)\s*\(`)
	implDropRe       = regexp.MustCompile(`\bimpl\b.*\bDrop\s+for\b`)
	pubItemRe        = regexp.MustCompile(`^\s*pub(\([^)]*\))?\s+(const\s+)?(unsafe\s+)?(fn|trait|struct|enum|type|const|mod|static)\s+(\w+)`)
	pubModRe         = regexp.MustCompile(`^\s*pub\s+mod\s+(\w+)\s*;`)
	selfConstructRe  = regexp.MustCompile(`\bSelf\s*[{(]|\bself\.\w+\s*=[^=]`)
	invariantDocRe   = regexp.MustCompile(`^\s*///\s*#+\s*Invariants\s*$`)
	typeItemRe       = regexp.MustCompile(`\b(struct|enum|union)\s+(\w+)`)
)

// defaultLeafAllow are leaf paths where direct bindings use is a known,
// justified exception (RULES.md §4 bindings-outside-abstractions).
var defaultLeafAllow = []string{"drivers/android/binder/**", "drivers/gpu/drm/drm_panic_qr.rs"}

func (c *Checker) leafAllowed(file string) bool {
	for _, g := range c.leafAllow {
		if globMatch(g, file) {
			return true
		}
	}
	return false
}

// globMatch matches path globs where ** spans directories.
func globMatch(glob, name string) bool {
	if strings.HasSuffix(glob, "/**") {
		return strings.HasPrefix(name, strings.TrimSuffix(glob, "**"))
	}
	ok, _ := path.Match(glob, name)
	return ok
}

// checkLeaf runs the abstraction-boundary rules on leaf Rust code.
func (f *findings) checkLeaf(c *Checker, w *window, items []item) {
	if w.class != diff.LeafRust {
		return
	}
	allowed := c.leafAllowed(w.file)
	inUse := false
	for i, l := range w.lines {
		code := w.code[i]
		if inUse || strings.Contains(code, "use") {
			if useKernelOpenRe.MatchString(code) && !strings.Contains(code, "}") {
				inUse = true
			}
		}
		hit := strings.Contains(code, "bindings") && (bindingsUseRe.MatchString(code) || inUse && wordBindingsRe.MatchString(code))
		if inUse && strings.Contains(code, "}") {
			inUse = false
		}
		switch {
		case hit && l.changed && allowed:
			f.add("bindings-outside-abstractions", review.Info, review.Certain, w, i,
				"leaf code uses the C bindings directly (%s is on the allow-list)", w.file)
		case hit && l.changed:
			f.add("bindings-outside-abstractions", review.High, review.Certain, w, i,
				"leaf code uses the C bindings directly; the subsystem should provide a safe abstraction in rust/kernel/")
		case hit && near(w, i):
			f.add("bindings-outside-abstractions", review.Info, review.Certain, w, i,
				"existing direct bindings use next to changed lines")
		}
		if !l.changed {
			continue
		}
		if strings.Contains(code, "uapi") && uapiRe.MatchString(code) {
			f.add("uapi-in-leaf", review.Info, review.Certain, w, i, "leaf code uses the uapi crate (a C ABI edge)")
		}
		if strings.Contains(code, ".as_") && rawHandleRe.MatchString(code) && (strings.Contains(code, "bindings::") || insideUnsafe(i, items) ||
			i+1 < len(w.lines) && strings.Contains(w.code[i+1], "bindings::")) {
			f.add("raw-handle-escape-in-leaf", review.Medium, review.Certain, w, i,
				"leaf code takes a raw C pointer out of an abstraction (%s)", rawHandleRe.FindString(code))
		}
		if strings.Contains(code, "bindings::") && dupAbstractionRe.MatchString(code) {
			f.add("duplicate-abstraction", review.High, review.Certain, w, i,
				"leaf code wraps a C type itself; a generic abstraction belongs in rust/kernel/")
		}
		if strings.Contains(code, "bindings::") && releaseCallRe.MatchString(code) && dropAbove(w, i) {
			f.add("duplicate-abstraction", review.High, review.Certain, w, i,
				"leaf code implements Drop over a C release function; a generic abstraction belongs in rust/kernel/")
		}
	}
}

// near reports whether a changed line is within two rows of i.
func near(w *window, i int) bool {
	for j := max(0, i-2); j <= min(len(w.lines)-1, i+2); j++ {
		if w.lines[j].changed {
			return true
		}
	}
	return false
}

func dropAbove(w *window, i int) bool {
	for j := i; j >= 0 && j > i-15; j-- {
		if implDropRe.MatchString(w.code[j]) {
			return true
		}
	}
	return false
}

// checkInvariants flags construction or field writes in an impl of a type
// whose # Invariants docs are visible, without an // INVARIANT: comment.
func (f *findings) checkInvariants(w *window, items []item) {
	types := map[string]bool{}
	for i := range w.lines {
		if !invariantDocRe.MatchString(w.cmt[i]) {
			continue
		}
		if n := w.nextCode(i + 1); n >= 0 {
			if m := typeItemRe.FindStringSubmatch(w.code[n]); m != nil {
				types[m[2]] = true
			}
		}
	}
	if len(types) == 0 {
		return
	}
	for _, impl := range items {
		if impl.kind != implBlock || !types[lastSegment(impl.selfType)] {
			continue
		}
		for r := impl.row + 1; r <= impl.endRow && r < len(w.lines); r++ {
			if !w.lines[r].changed || !selfConstructRe.MatchString(w.code[r]) {
				continue
			}
			if !invariantCommentAbove(w, r) {
				f.add("invariant-comment-missing", review.Medium, review.Certain, w, r,
					"%s has # Invariants: say how this construction or write upholds them (// INVARIANT: …)", lastSegment(impl.selfType))
			}
		}
	}
}

func invariantCommentAbove(w *window, r int) bool {
	for j := r - 1; j >= 0 && j >= r-4; j-- {
		if strings.Contains(strings.ToUpper(w.cmt[j]), "INVARIANT:") {
			return true
		}
		if !w.commentOnly(j) && !w.blank(j) && j < r-1 {
			return false
		}
	}
	return false
}

// checkAbstractionFile grades a change to a rust/kernel file as a whole;
// formatting is formattingHunks(file) when the caller has it, else nil.
func (f *findings) checkAbstractionFile(file *diff.File, formatting map[*diff.Hunk]bool) {
	if file.Class != diff.Abstraction {
		return
	}
	if file.New && strings.HasSuffix(file.Path, ".rs") {
		f.addFile("new-abstraction-added", review.High, file,
			"new abstraction %s: new unsafe surface that needs both the C subsystem's and the Rust reviewers' eyes", file.Path)
		if !headerLinked(file) {
			f.addFile("abstraction-missing-c-header-link", review.Low, file,
				"new abstraction without a //! C header: [`include/…`](srctree/include/…) link")
		}
	}
	var pubChanged []string
	pubAdded, modRemoved := map[string]bool{}, map[string]bool{}
	unsafeDelta, safetyText := f.delta[file.Path], false
	if formatting == nil { // not computed by Check (not a .rs file)
		formatting = formattingHunks(file)
	}
	for i := range file.Hunks {
		for _, l := range file.Hunks[i].Lines {
			if l.Op == diff.Add && pubItemRe.MatchString(l.Text) {
				pubAdded[normalizeCode(l.Text)] = true // the same declaration, moved
			}
			if m := pubModRe.FindStringSubmatch(l.Text); m != nil && l.Op == diff.Delete {
				modRemoved[m[1]] = true
			}
		}
	}
	for i := range file.Hunks {
		h := &file.Hunks[i]
		if formatting[h] {
			continue // reformatted or moved code
		}
		for _, l := range h.Lines {
			if l.Op == diff.Context {
				continue
			}
			t := l.Text
			if file.Path == "rust/kernel/lib.rs" && l.Op == diff.Add {
				if m := pubModRe.FindStringSubmatch(t); m != nil && !modRemoved[m[1]] {
					f.addFile("new-abstraction-added", review.High, file, "new kernel crate module %s", m[1])
				}
			}
			if m := pubItemRe.FindStringSubmatch(t); m != nil && l.Op == diff.Delete && !pubAdded[normalizeCode(t)] {
				pubChanged = append(pubChanged, m[5])
			}
			// Added or rewritten safety text raises the grade; removing
			// an unsafe block with its comment does not.
			if l.Op == diff.Add {
				if i := strings.Index(t, "//"); i >= 0 {
					if up := strings.ToUpper(t[i:]); strings.Contains(up, "SAFETY:") || strings.Contains(up, "INVARIANT:") {
						safetyText = true
					}
				}
				if m := sectionHeadingRe.FindStringSubmatch(t); m != nil && (m[1] == "Safety" || m[1] == "Invariants") {
					safetyText = true
				}
			}
		}
	}
	sev := review.Medium
	if safetyText || unsafeDelta > 0 {
		sev = review.High
	}
	f.addFile("abstraction-changed", sev, file, "abstraction %s changed (+%d -%d lines, unsafe %+d%s)",
		file.Path, file.Added, file.Deleted, unsafeDelta, map[bool]string{true: ", safety docs or comments changed"}[safetyText])
	if len(pubChanged) > 0 {
		f.addFile("public-api-changed", review.Medium, file,
			"public API changed or removed: %s; in-tree users must change in the same series", strings.Join(dedupe(pubChanged), ", "))
	}
}

func headerLinked(file *diff.File) bool {
	for _, h := range file.Hunks {
		for i, l := range h.Lines {
			if i > 15 {
				break
			}
			if strings.Contains(l.Text, "srctree/include/") {
				return true
			}
		}
	}
	return false
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
