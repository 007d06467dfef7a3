package review_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
)

// ingest reviews the given files the way `ferrule review` does.
func ingest(tb testing.TB, paths ...string) *review.Result {
	tb.Helper()
	src, err := mail.Open(paths, nil)
	if err != nil {
		tb.Fatalf("Open(%v) = %v", paths, err)
	}
	defer src.Close()
	res, err := review.Ingest(context.Background(), src, &review.IngestOptions{Inspect: review.InspectOptions{KeepHunks: true}})
	if err != nil {
		tb.Fatalf("Ingest(%v) = %v", paths, err)
	}
	return res
}

// byDate returns the series that hold a cover or patches, oldest first, as
// Patchwork's tests order them.
func byDate(res *review.Result) []*review.Series {
	var out []*review.Series
	for _, s := range res.Series {
		if s.Cover != nil || len(s.Parts) > 0 {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// TestPatchworkSeries checks every mbox of Patchwork's series fixtures
// against what Patchwork's own tests assert (shared/testdata/patchwork/
// EXPECTED.md): [covers, patches, comments], the number of patches in each
// series and whether each series has a cover, series ordered by date.
func TestPatchworkSeries(t *testing.T) {
	dir := mailtest.SharedDir(t, "patchwork", "series")
	type want struct {
		msgs                     int
		covers, patches, replies int
		perSeries                []int
		coversPerSeries          []int // nil: no series has a cover
		complete                 *bool
	}
	yes, no := true, false
	cases := map[string]want{
		"base-single-patch.mbox":                 {1, 0, 1, 0, []int{1}, nil, nil},
		"base-cover-letter.mbox":                 {3, 1, 2, 0, []int{2}, []int{1}, &yes},
		"base-no-cover-letter.mbox":              {2, 0, 2, 0, []int{2}, nil, nil},
		"base-deep-threaded.mbox":                {3, 1, 2, 0, []int{2}, []int{1}, nil},
		"base-out-of-order.mbox":                 {3, 1, 2, 0, []int{2}, []int{1}, nil},
		"base-different-versions.mbox":           {5, 1, 4, 0, []int{4}, []int{1}, nil},
		"bugs-multiple-references.mbox":          {5, 1, 4, 0, []int{4}, []int{1}, nil},
		"base-no-references.mbox":                {2, 0, 2, 0, []int{2}, nil, nil},
		"base-no-references-no-cover.mbox":       {3, 1, 2, 0, []int{2}, []int{1}, nil},
		"bugs-multiple-content-types.mbox":       {2, 0, 1, 1, []int{1}, nil, nil},
		"revision-basic.mbox":                    {6, 2, 4, 0, []int{2, 2}, []int{1, 1}, nil},
		"revision-threaded-to-single-patch.mbox": {2, 0, 2, 0, []int{1, 1}, nil, nil},
		"revision-threaded-to-cover.mbox":        {6, 2, 4, 0, []int{2, 2}, []int{1, 1}, nil},
		"revision-threaded-to-patch.mbox":        {6, 2, 4, 0, []int{2, 2}, []int{1, 1}, nil},
		"revision-out-of-order.mbox":             {6, 2, 4, 0, []int{2, 2}, []int{1, 1}, nil},
		"revision-no-cover-letter.mbox":          {5, 1, 4, 0, []int{2, 2}, []int{1, 0}, nil},
		"revision-unlabeled.mbox":                {6, 2, 4, 0, []int{2, 2}, []int{1, 1}, nil},
		"revision-unlabeled-noreferences.mbox":   {4, 0, 4, 0, []int{2, 2}, nil, nil},
		"bugs-unnumbered.mbox":                   {3, 1, 2, 0, []int{1, 1}, []int{1, 0}, nil},
		"bugs-nocover-noversion.mbox":            {4, 0, 4, 0, []int{2, 2}, nil, nil},
		"bugs-nocover.mbox":                      {4, 0, 4, 0, []int{2, 2}, nil, nil},
		"bugs-spamming.mbox":                     {3, 0, 3, 0, []int{1, 1, 1}, nil, nil},
		"bugs-mixed-versions.mbox":               {2, 0, 2, 0, []int{1, 1}, nil, nil},
		"base-incomplete.mbox":                   {2, 1, 1, 0, []int{1}, []int{1}, &no},
		"base-extra-patches.mbox":                {4, 1, 3, 0, []int{3}, []int{1}, &yes},
		"mercurial-cover-letter.mbox":            {3, 1, 2, 0, []int{2}, []int{1}, nil},
		"mercurial-no-cover-letter.mbox":         {2, 0, 2, 0, []int{2}, nil, nil},
		"dependency-base-patch.mbox":             {3, 1, 2, 0, []int{2}, []int{1}, &yes},
		// Templates, filled in below; each is a cover and two patches.
		"dependency-one-cover.mbox.template":       {3, 1, 2, 0, []int{2}, []int{1}, &yes},
		"dependency-one-first-patch.mbox.template": {3, 1, 2, 0, []int{2}, []int{1}, &yes},
		"dependency-multi.mbox.template":           {3, 1, 2, 0, []int{2}, []int{1}, &yes},
		"dependency-multi-2.mbox.template":         {3, 1, 2, 0, []int{2}, []int{1}, &yes},
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range ents {
		name := e.Name()
		if !strings.Contains(name, ".mbox") {
			continue
		}
		w, ok := cases[name]
		if !ok {
			t.Errorf("%s: no expectation written for this fixture", name)
			continue
		}
		seen++
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if strings.HasSuffix(name, ".template") {
				path = fillTemplate(t, path)
			}
			res := ingest(t, path)
			c := res.Counts
			// Patchwork counts a message as a patch when it looks like
			// it holds a diff; ferrule counts one whose diff go-gitdiff
			// rejects as unparsed (it still sits in its series).
			patches := c.Patches + rejectedDiffs(res)
			if c.Total != w.msgs || c.Covers != w.covers || patches != w.patches || c.Replies != w.replies {
				t.Errorf("counts = total %d [covers %d, patches %d, replies %d], want total %d [%d, %d, %d]",
					c.Total, c.Covers, patches, c.Replies, w.msgs, w.covers, w.patches, w.replies)
			}
			var per, covers []int
			for _, s := range byDate(res) {
				per = append(per, len(s.Parts))
				if s.Cover != nil {
					covers = append(covers, 1)
				} else {
					covers = append(covers, 0)
				}
			}
			if !reflect.DeepEqual(per, w.perSeries) {
				t.Errorf("patches per series = %v, want %v", per, w.perSeries)
			}
			wantCovers := w.coversPerSeries
			if wantCovers == nil {
				wantCovers = make([]int, len(w.perSeries))
			}
			if !reflect.DeepEqual(covers, wantCovers) {
				t.Errorf("covers per series = %v, want %v", covers, wantCovers)
			}
			if w.complete != nil {
				if got := byDate(res)[0].Complete(); got != *w.complete {
					t.Errorf("Complete() = %v, want %v", got, *w.complete)
				}
			}
		})
	}
	if seen != len(cases) {
		t.Errorf("found %d of the %d fixtures named here", seen, len(cases))
	}
}

// fillTemplate fills a Patchwork series template (Python str.format) with
// Message-IDs of dependency-base-patch.mbox and returns the new file.
func fillTemplate(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer(
		"{depends_token}", "<20240610210912.161735-1-ahassick@iol.unh.edu>",
		"{depends_token_1}", "<20240610210912.161735-3-ahassick@iol.unh.edu>",
		"{depends_token_2}", "<20240610210912.161735-5-ahassick@iol.unh.edu>",
		"{{", "{", "}}", "}",
	).Replace(string(b))
	out := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(path), ".template"))
	if err := os.WriteFile(out, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func rejectedDiffs(res *review.Result) int {
	n := 0
	for _, p := range res.Unparsed {
		if p.HasDiff {
			n++
		}
	}
	return n
}

func TestPatchworkBaseNames(t *testing.T) {
	dir := mailtest.SharedDir(t, "patchwork", "series")
	res := ingest(t, filepath.Join(dir, "base-cover-letter.mbox"))
	if got := byDate(res)[0].Title; got != "A sample series" {
		t.Errorf("title = %q, want %q", got, "A sample series")
	}
	res = ingest(t, filepath.Join(dir, "base-extra-patches.mbox"))
	if s := byDate(res)[0]; !reflect.DeepEqual(s.Extra, []int{3}) || len(s.Missing) != 0 {
		t.Errorf("extra, missing = %v, %v; want [3], []", s.Extra, s.Missing)
	}
	// 3/2 was edited by hand: "--- /dev/null" without "new file mode".
	// go-gitdiff rejects it, so it is reported unparsed, with the error.
	if len(res.Unparsed) != 1 || !strings.Contains(res.Unparsed[0].Error, "new file depends on old contents") {
		t.Errorf("unparsed = %+v, want 3/2 with go-gitdiff's error", res.Unparsed)
	}
	res = ingest(t, filepath.Join(dir, "base-incomplete.mbox"))
	if s := byDate(res)[0]; !reflect.DeepEqual(s.Missing, []int{2}) {
		t.Errorf("missing = %v, want [2]", s.Missing)
	}
}
