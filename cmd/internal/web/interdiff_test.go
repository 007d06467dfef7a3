package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"ferrule/review"
)

// changesOf is the interdiff list of a series page.
func changesOf(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `<ul class="changes">`)
	j := strings.Index(body[max(i, 0):], "</ul>")
	if i < 0 || j < 0 {
		t.Fatalf("no interdiff on the page:\n%.2000s", body)
	}
	return body[i : i+j]
}

// TestInterdiffFromStore: on a store as `ferrule review --db` leaves it
// (no diff of diffs saved), the series page shows the same interdiff as
// a review that kept it, computed from the stored messages.
func TestInterdiffFromStore(t *testing.T) {
	kept := newTestServer(t, reviewFiles(t, demoMbox))
	saved := newTestServer(t, savedFiles(t, demoMbox))
	_, want := get(t, kept.URL+"/s/"+url.PathEscape(demoV2))
	_, got := get(t, saved.URL+"/s/"+url.PathEscape(demoV2))
	if w, g := changesOf(t, want), changesOf(t, got); w != g {
		t.Errorf("interdiff from the store:\n%s\nwant:\n%s", g, w)
	}
	mustContain(t, got, `<span class="add">++        chip.period_ns()</span>`)
	if strings.Contains(got, "by patch-id only") {
		t.Error("the store-backed page fell back to patch-ids")
	}
	_, api := get(t, saved.URL+"/api/s/"+url.PathEscape(demoV2))
	mustContain(t, api, `"from_version": 1`, `"diff": "`)
}

// interdiffSource is a fakeSource whose Interdiffer gives changes, or
// fails.
type interdiffSource struct {
	*fakeSource
	changes  []review.PatchChange
	compared int
	ok       bool
	err      error
}

func (s *interdiffSource) Interdiff(context.Context, *review.SeriesReport, *review.SeriesReport, int) ([]review.PatchChange, int, bool, error) {
	return s.changes, s.compared, s.ok, s.err
}

// A failing or unable Interdiffer leaves the patch-id summary; a long diff
// of diffs is cut, per patch and in all.
func TestInterdiffFallbackAndCap(t *testing.T) {
	v1, v2 := demoRevisions(t)
	v2.Interdiff = nil
	reps := []review.SeriesReport{*v1, *v2}
	var long strings.Builder
	for i := range maxPatchDiffLines + 10 {
		fmt.Fprintf(&long, "+line %d\n", i)
	}
	many := make([]review.PatchChange, maxInterdiffLines/maxPatchDiffLines+2)
	for i := range many {
		many[i] = review.PatchChange{Status: "changed", From: i + 1, To: i + 1, Title: fmt.Sprintf("patch %d", i+1), Diff: long.String()}
	}
	for _, c := range []struct {
		name   string
		src    *interdiffSource
		want   []string
		unwant []string
	}{
		{"error", &interdiffSource{err: errors.New("disk on fire")}, []string{"by patch-id only"}, []string{"+line"}},
		{"cannot", &interdiffSource{}, []string{"by patch-id only"}, nil},
		{"cut", &interdiffSource{changes: many, compared: len(many), ok: true},
			[]string{fmt.Sprintf("+line %d<", maxPatchDiffLines-1), "… 10 more lines", fmt.Sprintf("… %d more lines", maxPatchDiffLines+10)},
			[]string{fmt.Sprintf("+line %d<", maxPatchDiffLines), "by patch-id only", "not compared"}},
		{"not compared", &interdiffSource{changes: []review.PatchChange{many[0], {Status: "unchanged", From: 2, To: 2}, {Status: "changed", From: 3, To: 3}}, compared: 2, ok: true},
			[]string{"not compared here"}, []string{"by patch-id only"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.src.fakeSource = &fakeSource{stamp: testNow, reps: reps}
			_, body := get(t, newTestServer(t, c.src).URL+"/s/"+url.PathEscape(demoV2))
			mustContain(t, body, c.want...)
			for _, u := range c.unwant {
				if strings.Contains(body, u) {
					t.Errorf("page has %q", u)
				}
			}
			_, api := get(t, newTestServer(t, c.src).URL+"/api/s/"+url.PathEscape(demoV2))
			if cut := strings.Contains(api, `"truncated": true`); cut != (c.name == "cut" || c.name == "not compared") {
				t.Errorf("the JSON says truncated %v", cut)
			}
			if c.name == "cut" {
				if n := strings.Count(body, `<span class="add">+line`); n != maxInterdiffLines {
					t.Errorf("%d diff lines shown, want %d", n, maxInterdiffLines)
				}
			}
		})
	}
}

func TestCapDiff(t *testing.T) {
	for _, c := range []struct {
		text       string
		max        int
		out        string
		kept, cuts int
	}{
		{"", 3, "", 0, 0},
		{"a\nb\n", 3, "a\nb\n", 2, 0},
		{"a\nb\nc\nd\n", 2, "a\nb\n", 2, 2},
		{"a\nb\nc", 2, "a\nb\n", 2, 1},
		{"a\nb\n", 0, "", 0, 2},
		{"a\nb\n", -1, "", 0, 2},
	} {
		out, kept, cut := capDiff(c.text, c.max)
		if out != c.out || kept != c.kept || cut != c.cuts {
			t.Errorf("capDiff(%q, %d) = %q, %d, %d; want %q, %d, %d", c.text, c.max, out, kept, cut, c.out, c.kept, c.cuts)
		}
	}
}
