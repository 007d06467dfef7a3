package review_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"ferrule/mail"
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

// TestRevisionsFoldedIn: a series whose patches were all sent again
// inside a later, larger series of a higher version by the same sender,
// under another title, is that series' previous revision (DevresLt v1's
// three patches became 5-7/7 of "ForLt/CovariantForLt split … and
// DevresLt" v2 on linux-pwm); patches that only travel along with another
// series while their own continues, or that another sender re-sends, are
// not.
func TestRevisionsFoldedIn(t *testing.T) {
	const dakr, other = "Danilo <dakr@example.org>", "Olga <olga@example.org>"
	// series is one series: a cover and a patch per title, each patch
	// adding one line to a file of its own.
	series := func(tag, from string, version int, title string, patches []string, day int) []msg {
		v := ""
		if version > 1 {
			v = fmt.Sprintf("v%d ", version)
		}
		cover := tag + "-0@x"
		out := []msg{{from: from, id: cover, subject: fmt.Sprintf("[PATCH %s0/%d] %s", v, len(patches), title), body: "A series.\n", day: day}}
		for i, p := range patches {
			file := "rust/kernel/" + strings.ReplaceAll(p, " ", "_") + ".rs"
			body := fmt.Sprintf("Change.\n\nSigned-off-by: %s\n---\ndiff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n@@ -1,2 +1,3 @@\n line one\n+// %s\n line two\n",
				from, file, file, file, file, p)
			out = append(out, msg{from: from, id: fmt.Sprintf("%s-%d@x", tag, i+1), inReplyTo: cover,
				subject: fmt.Sprintf("[PATCH %s%d/%d] %s", v, i+1, len(patches), p), body: body, day: day})
		}
		return out
	}
	devres := []string{"devres add DevresLt", "pci return DevresLt", "io mem return DevresLt"}
	forLt := []string{"types rename ForLt", "types introduce ForLt", "auxiliary add closure API", "auxiliary sample"}
	more := []string{"device add Bound", "device add CoreInternal", "driver add registration", "pci probe with lifetime",
		"platform probe with lifetime", "auxiliary probe with lifetime", "i2c probe with lifetime", "usb probe with lifetime"}
	for _, tc := range []struct {
		name   string
		msgs   [][]msg
		linked bool // whether "b" is a later revision of "a"
	}{
		{"folded into a larger v2", [][]msg{series("a", dakr, 1, "devres: DevresLt", devres, 0),
			series("b", dakr, 2, "ForLt split and DevresLt", append(forLt, devres...), 30)}, true},
		{"re-sent by another sender", [][]msg{series("a", dakr, 1, "devres: DevresLt", devres, 0),
			series("b", other, 2, "ForLt split and DevresLt", append(forLt, devres...), 30)}, false},
		{"one patch left out", [][]msg{series("a", dakr, 1, "devres: DevresLt", devres, 0),
			series("b", dakr, 2, "ForLt split and DevresLt", append(forLt, devres[:2]...), 30)}, false},
		{"later series not of a higher version", [][]msg{series("a", dakr, 1, "devres: DevresLt", devres, 0),
			series("b", dakr, 1, "ForLt split and DevresLt", append(forLt, devres...), 30)}, false},
		{"a prerequisite while its own series goes on", [][]msg{series("a", dakr, 1, "devres: DevresLt", devres, 0),
			series("b", dakr, 2, "ForLt split and DevresLt", append(forLt, devres...), 10),
			series("a2", dakr, 2, "devres: DevresLt", devres, 20)}, false},
		// Each step adds more than the files it keeps, so that the
		// similar-diffs rule links neither.
		{"folded twice", [][]msg{series("a", dakr, 1, "devres: DevresLt", devres, 0),
			series("b", dakr, 2, "ForLt split and DevresLt", append(forLt, devres...), 10),
			series("c", dakr, 3, "Lifetimes for drivers", append(append(forLt, devres...), more...), 20)}, true},
		// A v1 and its RESEND are one group: it folds into b, and c, which
		// holds the same patches, stays apart.
		{"a group folds once", [][]msg{series("a", dakr, 1, "devres: DevresLt", devres, 0),
			series("a-resend", dakr, 1, "devres: DevresLt", devres, 1),
			series("b", dakr, 2, "ForLt split and DevresLt", append(forLt, devres...), 10),
			series("c", dakr, 3, "Lifetimes for drivers", append(append(devres, more...), "pci one more"), 20)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var all []msg
			for _, m := range tc.msgs {
				all = append(all, m...)
			}
			res, err := review.Ingest(t.Context(), mail.NewMboxReader(strings.NewReader(mbox(all)), "t.mbox", nil), nil)
			if err != nil {
				t.Fatal(err)
			}
			byCover := map[string]*review.Series{}
			for _, s := range res.Series {
				if s.Cover != nil {
					byCover[s.Cover.MessageID] = s
				}
			}
			a, b := byCover["a-0@x"], byCover["b-0@x"]
			if a == nil || b == nil {
				t.Fatalf("series: %d, a %v, b %v", len(res.Series), a != nil, b != nil)
			}
			// a, and its RESEND when there is one, come before b.
			if linked := b.Previous != nil && a.Latest() == b.Latest(); linked != tc.linked {
				t.Errorf("a superseded by %s, b after %s; want linked %v", name(a.Next), name(b.Previous), tc.linked)
			}
			if c := byCover["c-0@x"]; c != nil {
				var want *review.Series // c folds b in "folded twice" only
				if strings.Contains(tc.name, "twice") {
					want = b
				}
				if c.Previous != want {
					t.Errorf("c after %s, want after %s", name(c.Previous), name(want))
				}
			}
		})
	}
}
