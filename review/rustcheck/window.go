package rustcheck

import (
	"strings"

	"ferrule/review/diff"
)

// line is one line of a window.
type line struct {
	text    string
	num     int  // line number in the file image the window shows
	changed bool // added (post-image window) or removed (pre-image window)
	// hunk and idx locate the line in its hunk, for excerpts (nil for
	// whole-file windows).
	hunk []diff.Line
	idx  int
}

// window is a contiguous piece of one side of a file: the post-image of a
// hunk (context and added lines), its pre-image (context and removed
// lines), a whole file in kernel tree mode, or the code of a doc-test.
type window struct {
	file    string
	class   diff.Class
	side    string // "post" or "pre"
	section string // hunk header text, naming the enclosing item
	lines   []line
	// atTop: line 0 of the window is the first line of its file (or of
	// its doc-test), so a look-up that reaches it is conclusive.
	atTop bool
	// whole: the window is a complete file (no run-off at the bottom).
	whole bool
	doc   bool // doc-test code extracted from /// or //! comments

	code []string // text with comments and string literals blanked
	cmt  []string // comment text on the line, "" if none
}

// hunkWindows returns the post- and pre-image windows of a hunk.
func hunkWindows(f *diff.File, h *diff.Hunk) (post, pre *window) {
	post = &window{file: f.Path, class: f.Class, side: "post", section: h.Section, atTop: h.NewStart <= 1}
	pre = &window{file: f.Path, class: f.Class, side: "pre", section: h.Section, atTop: h.OldStart <= 1}
	for i, l := range h.Lines {
		switch l.Op {
		case diff.Add:
			post.lines = append(post.lines, line{text: l.Text, num: l.New, changed: true, hunk: h.Lines, idx: i})
		case diff.Delete:
			pre.lines = append(pre.lines, line{text: l.Text, num: l.Old, changed: true, hunk: h.Lines, idx: i})
		default:
			post.lines = append(post.lines, line{text: l.Text, num: l.New, hunk: h.Lines, idx: i})
			pre.lines = append(pre.lines, line{text: l.Text, num: l.Old, hunk: h.Lines, idx: i})
		}
	}
	return post, pre
}

// excerpt renders row with up to two lines of context in diff form: from
// its hunk, or from the whole file with changed lines marked.
func (w *window) excerpt(row int) string {
	l := w.lines[row]
	if l.hunk != nil {
		return excerptAround(l.hunk, l.idx)
	}
	op := "+"
	if w.side == "pre" {
		op = "-"
	}
	var b strings.Builder
	for j := max(0, row-2); j <= min(len(w.lines)-1, row+2); j++ {
		p := " "
		if w.lines[j].changed {
			p = op
		}
		b.WriteString(p + w.lines[j].text + "\n")
	}
	return b.String()
}

// fileWindow is a whole file with the given lines (1-based) marked
// changed.
func fileWindow(path string, class diff.Class, side string, content []byte, changed map[int]bool) *window {
	w := &window{file: path, class: class, side: side, atTop: true, whole: true}
	text := strings.TrimSuffix(string(content), "\n")
	all := strings.Split(text, "\n")
	for i, t := range all {
		w.lines = append(w.lines, line{text: t, num: i + 1, changed: changed[i+1]})
	}
	return w
}

// excerptAround renders up to two hunk lines either side of i in diff
// form.
func excerptAround(lines []diff.Line, i int) string {
	var b strings.Builder
	for j := max(0, i-2); j <= min(len(lines)-1, i+2); j++ {
		b.WriteByte(byte(lines[j].Op))
		b.WriteString(lines[j].Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// sourceKey returns w's lines, each ended by a newline; ok is false when
// a line contains a newline, so that the text does not tell w's lines
// apart.
func (w *window) sourceKey() (src string, ok bool) {
	var b strings.Builder
	ok = true
	for _, l := range w.lines {
		ok = ok && strings.IndexByte(l.text, '\n') < 0
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String(), ok
}

func (w *window) anyChanged() bool {
	for _, l := range w.lines {
		if l.changed {
			return true
		}
	}
	return false
}

// docTests extracts the code of ``` fences in /// and //! comments as
// windows of their own: kernel doc-tests are compiled and run as KUnit
// tests and reviewers expect SAFETY comments there too.
func (w *window) docTests() []*window {
	var out []*window
	var cur *window
	for _, l := range w.lines {
		t := strings.TrimLeft(l.text, " \t")
		var rest string
		switch {
		case strings.HasPrefix(t, "///"):
			rest = t[3:]
		case strings.HasPrefix(t, "//!"):
			rest = t[3:]
		default:
			if cur != nil {
				// The comment ended inside a fence: the fence is open
				// beyond the window, or malformed.
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		rest = strings.TrimPrefix(rest, " ")
		if strings.HasPrefix(strings.TrimSpace(rest), "```") {
			if cur != nil {
				out = append(out, cur)
				cur = nil
				continue
			}
			lang := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "```"))
			if lang == "" || strings.Contains(lang, "rust") || strings.Contains(lang, "no_run") ||
				strings.Contains(lang, "should_panic") || strings.Contains(lang, "compile_fail") {
				cur = &window{file: w.file, class: w.class, side: w.side, section: w.section, atTop: true, doc: true}
			}
			continue
		}
		if cur != nil {
			// "# " hides a line from the rendered docs; it is still code.
			code := rest
			if strings.HasPrefix(strings.TrimSpace(code), "# ") || strings.TrimSpace(code) == "#" {
				code = strings.Replace(code, "#", "", 1)
			}
			cur.lines = append(cur.lines, line{text: code, num: l.num, changed: l.changed, hunk: l.hunk, idx: l.idx})
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}
