// Package rustcheck finds what a Rust-for-Linux reviewer must look at in a
// patch: new unsafe code and whether it is justified, the abstraction
// boundary, changed wrappers, helpers and bindings, C header changes that
// reach Rust, and what the list's reviewers ask again and again (one
// unsafe operation per block, overflowing arithmetic in drivers, dev_*!
// printing, # Panics, ForeignOwnable ownership). Every rule id it emits is
// in the rule catalogue ([review.Rules]); RULES.md, generated from the
// catalogue by go generate, is the reference a user reads.
//
// Rust code is parsed with tree-sitter (tree-sitter-rust): the post-image
// window of every hunk (context and added lines) for added code, the
// pre-image window (context and removed lines) for removed code, and the
// code of doc-tests inside /// fences. tree-sitter tolerates fragments, so
// a hunk that starts mid-function still yields its unsafe blocks, impls,
// fns and comments. Regular expressions are used only for token rules,
// on code with comments and string literals blanked out.
//
// New unsafe is counted per function against the pre-image: a block
// reformatted or moved within its function is not new, and hunks that
// only reformat code are treated as context.
//
// SAFETY comment presence and the SAFETY doc lints follow clippy
// (undocumented_unsafe_blocks, unnecessary_safety_comment,
// missing_safety_doc, unnecessary_safety_doc) on the kernel's
// configuration; TestClippyUI compares the findings with clippy's own UI
// tests. When a look-up runs off the top of a hunk, the finding's
// confidence is needs-post-image; with whole files (kernel tree mode,
// [review.Images]) the answer is definite.
//
// A Checker is safe for concurrent use; it does no I/O (tree knowledge is
// loaded by the caller into [Knowledge]). Every tree-sitter tree is closed
// before a check returns; up to eight idle parsers are kept between checks
// for reuse, and what tree-sitter found in a window is cached by the
// window's text (up to 16 MB of it, shared by all checkers): a series
// posted again repeats most of its hunks.
package rustcheck

import (
	"sort"
	"strings"

	"ferrule/review"
	"ferrule/review/diff"
)

// Options configures [New]. The zero value uses the embedded snapshot.
type Options struct {
	// Knowledge about the kernel tree; default Snapshot().
	Knowledge *Knowledge
	// LeafAllow lists leaf paths (globs, ** for any depth) where direct
	// bindings use is a justified exception and only reported as info.
	// Default: Rust Binder and drm_panic_qr.rs.
	LeafAllow []string
}

// Checker implements review.Checker and review.SeriesChecker.
type Checker struct {
	knowledge *Knowledge
	leafAllow []string
}

// New returns a checker.
func New(opts *Options) *Checker {
	c := &Checker{}
	if opts != nil {
		c.knowledge, c.leafAllow = opts.Knowledge, opts.LeafAllow
	}
	if c.knowledge == nil {
		c.knowledge = Snapshot()
	}
	if c.leafAllow == nil {
		c.leafAllow = defaultLeafAllow
	}
	return c
}

// Check implements review.Checker.
func (c *Checker) Check(in *review.CheckInput) []review.Finding {
	f := &findings{patch: 1, delta: map[string]int{}}
	if in.Post != nil && in.Post.Tags.Counter && in.Post.Tags.Number > 0 {
		f.patch = in.Post.Tags.Number
	}
	for i := range in.Files {
		file := &in.Files[i]
		var formatting map[*diff.Hunk]bool // the hunks that only reformat or move code
		if strings.HasSuffix(file.Path, ".rs") && !file.Binary {
			formatting = formattingHunks(file)
			c.checkRust(f, file, in.Images, formatting)
		}
		f.checkAbstractionFile(file, formatting)
		c.checkCSide(f, file)
	}
	sort.SliceStable(f.list, func(i, j int) bool {
		a, b := f.list[i], f.list[j]
		if a.File != b.File {
			return false
		}
		return a.Line < b.Line
	})
	return f.list
}

// checkRust analyses one Rust file of the patch: whole images when the
// caller has them, else hunk windows. Removed code is parsed first, so
// that added unsafe blocks are judged against the pre-image.
func (c *Checker) checkRust(f *findings, file *diff.File, images review.Images, formatting map[*diff.Hunk]bool) {
	var posts, pres []*window
	if images != nil && !file.Delete {
		if post, ok := images.PostImage(file.Path); ok {
			added, removed := changedLines(file, formatting)
			posts = append(posts, fileWindow(file.Path, file.Class, "post", post, added))
			if pre, ok := images.PreImage(file.Path); ok {
				pres = append(pres, fileWindow(file.Path, file.Class, "pre", pre, removed))
			}
		}
	}
	whole := posts != nil
	for i := range file.Hunks {
		post, pre := hunkWindows(file, &file.Hunks[i])
		if formatting[&file.Hunks[i]] {
			post.unmark()
			pre.unmark()
		}
		if !whole {
			posts, pres = append(posts, post), append(pres, pre)
		}
		f.contracts = append(f.contracts, contractCheck{file, &file.Hunks[i], post, pre})
	}
	removedBlocks, addedBlocks := unsafeBlocks{}, unsafeBlocks{}
	for _, w := range pres {
		c.analyzePre(f, w, removedBlocks)
	}
	parsed := make([][]item, len(posts))
	for i, w := range posts {
		if w.anyChanged() {
			parsed[i] = parse(w)
			collectBlocks(addedBlocks, w, parsed[i])
		}
	}
	f.status = classify(addedBlocks, removedBlocks)
	for i, w := range posts {
		if w.anyChanged() {
			c.analyze(f, w, parsed[i])
		}
	}
	f.checkForeignOwnable(posts)
	for _, cc := range f.contracts {
		f.checkContracts(cc.file, cc.hunk, cc.post, cc.pre)
	}
	f.contracts, f.status = nil, nil
}

// contractCheck is a hunk whose contracts are checked once the file's
// windows are analysed.
type contractCheck struct {
	file      *diff.File
	hunk      *diff.Hunk
	post, pre *window
}

// changedLines returns the added and removed lines of file, leaving out
// the hunks that only reformat code.
func changedLines(file *diff.File, formatting map[*diff.Hunk]bool) (added, removed map[int]bool) {
	added, removed = map[int]bool{}, map[int]bool{}
	for i := range file.Hunks {
		h := &file.Hunks[i]
		if formatting[h] {
			continue
		}
		for _, l := range h.Lines {
			switch l.Op {
			case diff.Add:
				added[l.New] = true
			case diff.Delete:
				removed[l.Old] = true
			}
		}
	}
	return added, removed
}

// analyze runs the post-image rules on w, parsed into items, and its
// doc-tests.
func (c *Checker) analyze(f *findings, w *window, items []item) {
	f.countUnsafe(w, items, +1)
	f.checkUnsafe(w, items)
	f.checkReviewers(w, items)
	f.checkArithmetic(w)
	f.checkInvariants(w, items)
	f.checkLeaf(c, w, items)
	f.checkMisc(w)
	for _, d := range w.docTests() {
		if !d.anyChanged() {
			continue
		}
		ditems := parse(d)
		f.checkUnsafe(d, ditems)
		f.checkMisc(d)
	}
}

// analyzePre parses removed code to count the unsafe constructs it takes
// away and to collect its unsafe blocks.
func (c *Checker) analyzePre(f *findings, w *window, blocks unsafeBlocks) {
	removesUnsafe := false
	for _, l := range w.lines {
		removesUnsafe = removesUnsafe || l.changed && strings.Contains(l.text, "unsafe")
	}
	if !removesUnsafe {
		return
	}
	items := parse(w)
	f.countUnsafe(w, items, -1)
	collectBlocks(blocks, w, items)
}

func (f *findings) countUnsafe(w *window, items []item, sign int) {
	for _, it := range items {
		if it.unsafe && w.lines[it.row].changed && it.kind != implBlock {
			f.delta[w.file] += sign
		}
	}
}

// CheckSeries implements review.SeriesChecker: rules that need the whole
// series.
func (c *Checker) CheckSeries(s *review.Series) []review.Finding {
	var out []review.Finding
	classes := map[diff.Class]bool{}
	newHeaders := false
	for _, pt := range s.Parts {
		for _, f := range pt.Post.Files {
			classes[f.Class] = true
		}
		for _, fd := range pt.Post.Findings {
			if fd.Rule == "bindings-header-changed" && strings.HasPrefix(fd.Message, newHeaderMsg) {
				newHeaders = true
			}
		}
	}
	addsAbstraction := classes[diff.Abstraction]
	for _, pt := range s.Parts {
		for i := range pt.Post.Findings {
			fd := &pt.Post.Findings[i]
			// Leaf code using bindings while the same series builds the
			// missing abstraction is a step, not the end state.
			if fd.Rule == "bindings-outside-abstractions" && addsAbstraction && fd.Severity == review.High {
				fd.Severity = review.Medium
				fd.Message += " (this series also changes rust/kernel/)"
			}
		}
	}
	if newHeaders && !addsAbstraction {
		out = append(out, review.Finding{Rule: "bindings-header-changed", Severity: review.High, Confidence: review.Certain,
			Message: "the series exposes new C headers to Rust without any rust/kernel/ abstraction using them"})
	}
	if (classes[diff.CHeader] || classes[diff.CSource]) && (classes[diff.Abstraction] || classes[diff.Helper]) {
		out = append(out, review.Finding{Rule: "cross-language-series", Severity: review.Info, Confidence: review.Certain,
			Message: "the series changes C and its Rust abstractions: both the C maintainers and the Rust reviewers must ack"})
	}
	return out
}

// UnsafeItem is one unsafe construct a patch adds, with its justification.
type UnsafeItem struct {
	File string
	Line int
	Kind string // "unsafe block", "unsafe impl", "unsafe fn", "unsafe trait", "extern block"
	// Safety is "SAFETY comment", "no SAFETY comment" or
	// "needs-post-image" for blocks and impls, "# Safety doc", "no # Safety
	// doc" (or "trait impl: contract on the trait") for fns and traits.
	Safety  string
	DocTest bool
}

// Inventory lists the unsafe constructs on added lines of the files, in
// file order, the way the checker sees them.
func Inventory(files []diff.File) []UnsafeItem {
	var out []UnsafeItem
	for i := range files {
		f := &files[i]
		if !strings.HasSuffix(f.Path, ".rs") {
			continue
		}
		for j := range f.Hunks {
			post, _ := hunkWindows(f, &f.Hunks[j])
			if !post.anyChanged() {
				continue
			}
			out = append(out, inventory(post, parse(post))...)
			for _, d := range post.docTests() {
				if d.anyChanged() {
					out = append(out, inventory(d, parse(d))...)
				}
			}
		}
	}
	return out
}

func inventory(w *window, items []item) []UnsafeItem {
	var out []UnsafeItem
	status := func(l lookUp, yes, no string) string {
		switch l {
		case present:
			return yes
		case ranOff:
			return "needs-post-image"
		}
		return no
	}
	for _, it := range items {
		if !it.unsafe || !w.lines[it.row].changed {
			continue
		}
		u := UnsafeItem{File: w.file, Line: w.lines[it.row].num, DocTest: w.doc}
		switch it.kind {
		case unsafeBlock:
			u.Kind, u.Safety = "unsafe block", status(w.hasSafetyComment(it), "SAFETY comment", "no SAFETY comment")
		case unsafeImpl:
			u.Kind, u.Safety = "unsafe impl "+it.name, status(w.safetyAbove(it.row), "SAFETY comment", "no SAFETY comment")
		case fnItem:
			u.Kind = "unsafe fn " + it.name
			if it.inTraitImpl {
				u.Safety = "trait impl: contract on the trait"
			} else {
				u.Safety = status(w.safetyDoc(it.row), "# Safety doc", "no # Safety doc")
			}
		case traitItem:
			u.Kind, u.Safety = "unsafe trait "+it.name, status(w.safetyDoc(it.row), "# Safety doc", "no # Safety doc")
		case externBlock:
			u.Kind, u.Safety = "unsafe extern block", "-"
		default:
			continue
		}
		out = append(out, u)
	}
	return out
}
