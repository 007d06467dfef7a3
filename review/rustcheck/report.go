package rustcheck

import (
	"fmt"

	"ferrule/review"
	"ferrule/review/diff"
)

// findings collects the findings of one patch.
type findings struct {
	patch int
	list  []review.Finding
	seen  map[string]bool
	delta map[string]int // unsafe constructs added minus removed, per file
	// status classifies the added unsafe blocks of the file being
	// checked (absent: new).
	status    map[*window]map[int]blockStatus
	contracts []contractCheck
}

func (f *findings) add(rule string, sev review.Severity, conf review.Confidence, w *window, row int, format string, args ...any) {
	fd := review.Finding{
		Rule: rule, Severity: sev, Confidence: conf, Patch: f.patch,
		File: w.file, Message: fmt.Sprintf(format, args...),
	}
	if row >= 0 && row < len(w.lines) {
		fd.Line = w.lines[row].num
		fd.Excerpt = w.excerpt(row)
	}
	if w.side == "pre" {
		fd.Side = "pre"
	}
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%s", rule, fd.File, fd.Line, fd.Side)
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if f.seen[key] {
		return
	}
	f.seen[key] = true
	f.list = append(f.list, fd)
}

// addFile records a finding about a file as a whole (its first changed
// line, if any).
func (f *findings) addFile(rule string, sev review.Severity, file *diff.File, format string, args ...any) {
	fd := review.Finding{
		Rule: rule, Severity: sev, Confidence: review.Certain, Patch: f.patch,
		File: file.Path, Message: fmt.Sprintf(format, args...),
	}
	for _, h := range file.Hunks {
		for i, l := range h.Lines {
			if l.Op != diff.Context {
				fd.Line = l.New
				if l.Op == diff.Delete {
					fd.Line, fd.Side = l.Old, "pre"
				}
				fd.Excerpt = excerptAround(h.Lines, i)
				goto done
			}
		}
	}
done:
	key := rule + "\x00" + file.Path + "\x00file"
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if !f.seen[key] {
		f.seen[key] = true
		f.list = append(f.list, fd)
	}
}

// leafOr picks the severity for leaf driver code or for everything else.
func leafOr(w *window, leaf, other review.Severity) review.Severity {
	if w.class == diff.LeafRust {
		return leaf
	}
	return other
}
