package review

import (
	"fmt"
	"strings"

	"ferrule/review/diff"
)

// PatchChange says how one patch moved between two revisions.
type PatchChange struct {
	Status string `json:"status"` // "unchanged", "changed", "added", "dropped"
	// From and To are the patch numbers in the older and newer revision
	// (0 when absent).
	From  int    `json:"from"`
	To    int    `json:"to"`
	Title string `json:"title"`
	// Diff is the diff of the two patches' diffs, for changed patches:
	// lines starting "-" were in the old patch, "+" are in the new one.
	Diff string `json:"diff,omitempty"`
}

// Interdiff compares two revisions from their patches alone (no git
// tree): patches are paired by normalised title, else by number; a pair
// with the same patch-id is unchanged, otherwise its diff of diffs is
// given. Both series' posts must have kept their hunks.
func Interdiff(older, newer *Series) []PatchChange {
	used := map[*Part]bool{}
	match := func(p *Part) *Part {
		t := NormalizeTitle(p.Post.Tags.Title)
		for _, o := range older.Parts {
			if !used[o] && NormalizeTitle(o.Post.Tags.Title) == t {
				return o
			}
		}
		for _, o := range older.Parts {
			if !used[o] && o.Number == p.Number {
				return o
			}
		}
		return nil
	}
	var out []PatchChange
	for _, p := range newer.Parts {
		o := match(p)
		if o == nil {
			out = append(out, PatchChange{Status: "added", To: p.Number, Title: p.Post.Tags.Title})
			continue
		}
		used[o] = true
		c := PatchChange{From: o.Number, To: p.Number, Title: p.Post.Tags.Title}
		if o.Post == p.Post || o.Post.PatchID != "" && o.Post.PatchID == p.Post.PatchID {
			c.Status = "unchanged"
		} else {
			c.Status = "changed"
			c.Diff = lineDiff(patchText(o.Post), patchText(p.Post))
		}
		out = append(out, c)
	}
	for _, o := range older.Parts {
		if !used[o] {
			out = append(out, PatchChange{Status: "dropped", From: o.Number, Title: o.Post.Tags.Title})
		}
	}
	return out
}

// patchText renders a patch's diff without line numbers, so that a rebase
// alone does not show up in the diff of diffs (like git range-diff).
func patchText(p *Post) []string {
	var out []string
	for _, f := range p.Files {
		out = append(out, "diff "+f.Path)
		for _, h := range f.Hunks {
			out = append(out, "@@ "+h.Section)
			for _, l := range h.Lines {
				out = append(out, string(byte(l.Op))+l.Text)
			}
		}
	}
	return out
}

// maxEdits bounds the edit script lineDiff searches for: beyond it two
// patches are too different to compare line by line (the search costs
// time in the product of the lengths and memory in the square of the
// edits), and the diff of diffs says so instead.
const maxEdits = 2000

// lineDiff is a unified-style diff of two line lists (Myers' algorithm),
// with three lines of context around changes.
func lineDiff(a, b []string) string {
	ops, ok := myers(a, b, maxEdits)
	if !ok {
		return fmt.Sprintf("… more than %d lines differ (%d lines before, %d after): too many to compare\n", maxEdits, len(a), len(b))
	}
	const ctx = 3
	var out strings.Builder
	// Emit runs of changes with context.
	for i := 0; i < len(ops); {
		if ops[i].op == diff.Context {
			i++
			continue
		}
		start := max(0, i-ctx)
		end := i
		for end < len(ops) {
			if ops[end].op != diff.Context {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].op == diff.Context {
				run++
			}
			if run-end > 2*ctx || run == len(ops) {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		if out.Len() > 0 {
			out.WriteString("…\n")
		}
		for _, o := range ops[start:end] {
			fmt.Fprintf(&out, "%c%s\n", byte(o.op), o.text)
		}
		i = end
	}
	return out.String()
}

type edit struct {
	op   diff.Op
	text string
}

// myers computes a shortest edit script from a to b; ok is false when it
// needs more than limit edits. Each step keeps only the diagonals it can
// reach, so memory grows with the square of the edits, not with the
// lengths.
func myers(a, b []string, limit int) (script []edit, ok bool) {
	n, m := len(a), len(b)
	if n+m == 0 {
		return nil, true
	}
	// Diagonal k is v[off+k]; v grows with the edits, not the lengths.
	off := min(n+m, limit, 32) + 1
	v := make([]int, 2*off+1)
	// trace[d] is diagonals -d-1 … d+1 of v before step d: what step d
	// reads.
	var trace [][]int
	found := false
	for d := 0; d <= n+m && !found; d++ {
		if d > limit {
			return nil, false
		}
		if d+1 > off {
			grown := min(max(2*off, d+1), n+m+1)
			w := make([]int, 2*grown+1)
			copy(w[grown-off:], v)
			v, off = w, grown
		}
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	// Walk back through the trace.
	var rev []edit
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		at := func(k int) int { return trace[d][k+d+1] }
		k := x - y
		var prevK int
		if k == -d || k != d && at(k-1) < at(k+1) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, edit{diff.Context, a[x-1]})
			x--
			y--
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, edit{diff.Add, b[y-1]})
			} else {
				rev = append(rev, edit{diff.Delete, a[x-1]})
			}
		}
		x, y = prevX, prevY
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev, true
}
