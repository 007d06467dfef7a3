package review_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"ferrule/mail/mailtest"
	"ferrule/review"
)

// TestRevisionsRustSeries links the versions of real Rust-for-Linux series:
// the archive's v1…vN concatenations and the single-version files fed in
// every order. clk-exclusive links by change-id, pwm-init-fix by change-id
// and threading, pwm-zeroed (no change-id, subject reworded in v2) by
// author and similar diffs.
func TestRevisionsRustSeries(t *testing.T) {
	dir := mailtest.SharedDir(t, "rust-series", "lore")
	families := []struct {
		name     string
		combined string
		versions int
	}{
		{"clk-exclusive", "clk-exclusive-v1-v4.mbox", 4},
		{"pwm-zeroed", "pwm-zeroed-v1-v3.mbox", 3},
		{"pwm-init-fix", "pwm-init-fix-v1-v2.mbox", 2},
	}
	for _, f := range families {
		t.Run(f.combined, func(t *testing.T) {
			checkChain(t, ingest(t, filepath.Join(dir, f.combined)), f.versions)
		})
		var singles []string
		for v := 1; v <= f.versions; v++ {
			singles = append(singles, filepath.Join(dir, fmt.Sprintf("%s-v%d.mbox", f.name, v)))
		}
		for _, order := range permutations(len(singles)) {
			var paths []string
			name := f.name
			for _, i := range order {
				paths = append(paths, singles[i])
				name += fmt.Sprintf("-v%d", i+1)
			}
			t.Run(name, func(t *testing.T) {
				checkChain(t, ingest(t, paths...), f.versions)
			})
		}
	}
}

// checkChain asserts the input holds n series, versions 1..n, each
// superseded by the next and only the last one current.
func checkChain(t *testing.T, res *review.Result, n int) {
	t.Helper()
	var series []*review.Series
	for _, s := range res.Series {
		if len(s.Parts) > 0 {
			series = append(series, s)
		}
	}
	sort.Slice(series, func(i, j int) bool { return series[i].Version < series[j].Version })
	if len(series) != n {
		t.Fatalf("got %d series, want %d", len(series), n)
	}
	for k, s := range series {
		if s.Version != k+1 {
			t.Errorf("series %d has version %d, want %d", k, s.Version, k+1)
		}
		var want *review.Series
		if k+1 < n {
			want = series[k+1]
		}
		if s.Next != want {
			t.Errorf("v%d superseded by %v, want %v", s.Version, name(s.Next), name(want))
		}
		if got := len(s.Older()); got != k {
			t.Errorf("v%d supersedes %d revisions, want %d", s.Version, got, k)
		}
	}
}

func name(s *review.Series) string {
	if s == nil {
		return "nothing"
	}
	return fmt.Sprintf("v%d <%s>", s.Version, s.ID)
}

func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// TestRevisionsNotLinked guards the other direction: Patchwork's orphan
// patch in reply to a cover (bugs-unnumbered) and two unrelated series in
// one file stay unlinked.
func TestRevisionsNotLinked(t *testing.T) {
	pw := mailtest.SharedDir(t, "patchwork", "series")
	res := ingest(t, filepath.Join(pw, "bugs-unnumbered.mbox"))
	for _, s := range res.Series {
		if s.Previous != nil || s.Next != nil {
			t.Errorf("bugs-unnumbered: %s linked as a revision", name(s))
		}
	}
	lore := mailtest.SharedDir(t, "rust-series", "lore")
	res = ingest(t, filepath.Join(lore, "devres-devreslt.mbox"), filepath.Join(lore, "pwm-drop-wrapping.mbox"))
	if n := len(res.Series); n != 2 {
		t.Fatalf("got %d series, want 2", n)
	}
	for _, s := range res.Series {
		if s.Previous != nil || s.Next != nil {
			t.Errorf("%s linked to an unrelated series", name(s))
		}
	}
}

// TestRevisionsUnlabeled: a resend with the same subject and no version is
// a new revision (b4: "Assuming new revision").
func TestRevisionsUnlabeled(t *testing.T) {
	pw := mailtest.SharedDir(t, "patchwork", "series")
	res := ingest(t, filepath.Join(pw, "revision-unlabeled.mbox"))
	s := byDate(res)
	if len(s) != 2 || s[0].Next != s[1] {
		t.Errorf("revision-unlabeled: first series superseded by %v, want the second", name(s[0].Next))
	}
}
