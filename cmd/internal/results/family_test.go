package results

import (
	"context"
	"reflect"
	"testing"

	"ferrule/review"
)

// Revisions lists the example's two versions from the saved reports, with
// the cover trailers and the interdiff a full review with hunks gives.
func TestRevisions(t *testing.T) {
	db, _ := reviewed(t)
	ctx := context.Background()
	full, err := review.Ingest(ctx, db.Messages(), &review.IngestOptions{Inspect: review.InspectOptions{KeepHunks: true}})
	if err != nil {
		t.Fatal(err)
	}
	var v2 *review.Series
	for _, s := range full.Series {
		if s.Previous != nil {
			v2 = s
		}
	}
	if v2 == nil || len(v2.Previous.CoverTrailers)+len(v2.CoverTrailers) == 0 {
		t.Fatal("the example has no revised series with cover trailers")
	}
	for _, id := range []string{v2.Parts[0].Post.MessageID, v2.Previous.ID, review.ShortID(v2.ID)} {
		f, ok, err := Revisions(ctx, db, id)
		if err != nil || !ok {
			t.Fatalf("Revisions(%s) = %v, %v", id, ok, err)
		}
		if len(f.Versions) != 2 || f.Versions[0].ID != v2.Previous.ID || f.Versions[1].ID != v2.ID {
			t.Fatalf("Revisions(%s): %d versions", id, len(f.Versions))
		}
		for i, s := range []*review.Series{v2.Previous, v2} {
			if !reflect.DeepEqual(stripPersons(f.Cover[i]), stripPersons(s.CoverTrailers)) {
				t.Errorf("Revisions(%s): cover trailers of v%d = %+v, want %+v", id, s.Version, f.Cover[i], s.CoverTrailers)
			}
		}
		want := 1
		if id == v2.Previous.ID {
			want = 0
		}
		if f.Current != want {
			t.Errorf("Revisions(%s): current %d, want %d", id, f.Current, want)
		}
		if want == 1 && !reflect.DeepEqual(f.Interdiff, review.Interdiff(v2.Previous, v2)) {
			t.Errorf("Revisions(%s): interdiff %+v, want %+v", id, f.Interdiff, review.Interdiff(v2.Previous, v2))
		}
		if want == 0 && f.Interdiff != nil {
			t.Errorf("Revisions(%s): an interdiff without a previous version", id)
		}
	}
	if _, ok, err := Revisions(ctx, db, "nobody@example.org"); ok || err != nil {
		t.Errorf("unknown id: %v, %v", ok, err)
	}
}

// stripPersons drops what a saved report does not keep (the parsed
// address) and the order key.
func stripPersons(ts []review.Trailer) []review.Trailer {
	var out []review.Trailer
	for _, t := range ts {
		out = append(out, review.Trailer{Name: t.Name, Value: t.Value, Extinfo: t.Extinfo, ByMessageID: t.ByMessageID, Verified: t.Verified, Source: t.Source})
	}
	return out
}

// mergeOrdered rebuilds the order of cover trailers from the patches'
// lists, each missing some (deduplicated against the patch's own).
func TestMergeOrdered(t *testing.T) {
	tr := func(names ...string) []review.Trailer {
		var out []review.Trailer
		for _, n := range names {
			out = append(out, review.Trailer{Name: "Acked-by", Value: n, Source: "cover"})
		}
		return out
	}
	for _, c := range []struct {
		name  string
		lists [][]review.Trailer
		want  []review.Trailer
	}{
		{"none", [][]review.Trailer{nil, nil}, nil},
		{"one list", [][]review.Trailer{tr("a", "b")}, tr("a", "b")},
		{"same lists", [][]review.Trailer{tr("a", "b"), tr("a", "b")}, tr("a", "b")},
		{"first lacks the first", [][]review.Trailer{tr("b", "c"), tr("a", "b", "c")}, tr("a", "b", "c")},
		{"each lacks one", [][]review.Trailer{tr("a", "c"), tr("b", "c"), tr("a", "b")}, tr("a", "b", "c")},
		{"contradictory", [][]review.Trailer{tr("a", "b"), tr("b", "a")}, tr("a", "b")},
	} {
		if got := mergeOrdered(c.lists); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// With a line limit, Interdiff stops comparing once the diffs given reach
// it; the changed patches after that have no diff.
func TestInterdiffLimit(t *testing.T) {
	db, res := reviewed(t)
	ctx := context.Background()
	var v2 *review.Series
	for _, s := range res.Series {
		if s.Previous != nil {
			v2 = s
		}
	}
	older, err := db.Series(ctx, v2.Previous.ID)
	if err != nil {
		t.Fatal(err)
	}
	newer, err := db.Series(ctx, v2.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The changed patch twice over: two changed pairs.
	double := func(r *review.SeriesReport) {
		p := r.Patches[len(r.Patches)-1]
		p.Number++
		r.Patches = append(r.Patches, p)
	}
	double(older)
	double(newer)
	all, n, ok, err := Interdiff(ctx, db, older, newer, 0)
	if err != nil || !ok || n != len(all) || len(all) != 3 || all[1].Diff == "" || all[2].Diff != all[1].Diff {
		t.Fatalf("Interdiff without a limit = %+v, %d, %v, %v", all, n, ok, err)
	}
	some, n, ok, err := Interdiff(ctx, db, older, newer, 1)
	if err != nil || !ok || n != 2 || some[1].Diff != all[1].Diff || some[2].Diff != "" || some[2].Status != "changed" {
		t.Errorf("Interdiff with a limit = %+v, %d, %v, %v", some, n, ok, err)
	}
	newer.Patches[0].MessageID = "gone@example.org"
	newer.Patches[0].PatchID = "other"
	if _, _, ok, err := Interdiff(ctx, db, older, newer, 0); ok || err != nil {
		t.Errorf("Interdiff with a message missing from the store = %v, %v", ok, err)
	}
}
