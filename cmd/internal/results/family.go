package results

import (
	"context"
	"database/sql"
	"errors"

	"ferrule/review"
	"ferrule/store"
)

// Family is a saved series with all its revisions, as `show` lists them.
type Family struct {
	// Versions are the saved reports of the revisions, oldest first (the
	// review's links: the previous ones, the series, the newer ones).
	Versions []review.SeriesReport
	// Cover are the trailers replies to each version's cover letter gave
	// (review.Series.CoverTrailers), by index in Versions.
	Cover [][]review.Trailer
	// Current is the index of the series asked for in Versions.
	Current int
	// Interdiff is the change from the previous version, when there is
	// one (Current > 0).
	Interdiff []review.PatchChange
}

// maxFamily bounds the revisions followed forward, as review.Series.Older
// bounds those followed back.
const maxFamily = 64

// Revisions finds the saved series that id names (its id, a short id, or
// the Message-ID of any of its messages) and its revisions, from the
// saved reports alone: only the changed patches of the series and of its
// previous version are decoded (for the interdiff), and the messages of a
// version that is a cover letter without patches (for its cover
// trailers). ok is false when the saved review does not know id or lacks
// one of the revisions it links; the caller then reviews the messages.
//
// A saved report keeps a cover letter's trailers only on the patches
// (source "cover"), deduplicated against each patch's other trailers:
// a cover trailer every patch already carries is not listed again.
func Revisions(ctx context.Context, db *store.DB, id string) (f *Family, ok bool, err error) {
	if review.IsShortID(id) {
		if sid, err := db.SeriesByShortID(ctx, id); err != nil {
			return nil, false, err
		} else if sid != "" {
			id = sid
		}
	}
	sid, ok, err := db.SeriesHolding(ctx, id)
	if err != nil || !ok {
		return nil, false, err
	}
	cur, ok, err := saved(ctx, db, sid)
	if err != nil || !ok {
		return nil, false, err
	}
	f = &Family{}
	for i := len(cur.Supersedes) - 1; i >= 0; i-- {
		r, ok, err := saved(ctx, db, cur.Supersedes[i])
		if err != nil || !ok {
			return nil, false, err
		}
		f.Versions = append(f.Versions, *r)
	}
	f.Current = len(f.Versions)
	f.Versions = append(f.Versions, *cur)
	seen := map[string]bool{cur.ID: true}
	for next := cur.SupersededBy; next != nil && !seen[*next] && len(f.Versions) < f.Current+1+maxFamily; {
		seen[*next] = true
		r, ok, err := saved(ctx, db, *next)
		if err != nil || !ok {
			return nil, false, err
		}
		f.Versions = append(f.Versions, *r)
		next = r.SupersededBy
	}
	if f.Cover, ok, err = coverTrailers(ctx, db, f.Versions); err != nil || !ok {
		return nil, false, err
	}
	if f.Current > 0 {
		if f.Interdiff, _, ok, err = Interdiff(ctx, db, &f.Versions[f.Current-1], cur, 0); err != nil || !ok {
			return nil, false, err
		}
	}
	return f, true, nil
}

// saved is the saved report of one series; ok is false when there is
// none.
func saved(ctx context.Context, db *store.DB, id string) (*review.SeriesReport, bool, error) {
	r, err := db.Series(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return r, true, nil
}

// coverTrailers are the cover trailers of each version. A version with a
// cover letter and patches has them on its patches: only replies to its
// own cover give a patch trailers of source "cover" (a version without a
// cover, which may inherit the previous one's, has none of its own). A
// cover letter without patches is decoded with its replies.
func coverTrailers(ctx context.Context, db *store.DB, versions []review.SeriesReport) ([][]review.Trailer, bool, error) {
	out := make([][]review.Trailer, len(versions))
	for i := range versions {
		v := &versions[i]
		switch {
		case v.CoverMessageID == nil:
		case len(v.Patches) > 0:
			lists := make([][]review.Trailer, 0, len(v.Patches))
			for _, p := range v.Patches {
				var l []review.Trailer
				for _, t := range p.Trailers {
					if t.Source == "cover" {
						l = append(l, t)
					}
				}
				lists = append(lists, l)
			}
			out[i] = mergeOrdered(lists)
		case v.Replies > 0:
			ids, err := db.Members(ctx, []string{v.ID})
			if err != nil {
				return nil, false, err
			}
			src, err := db.MessagesByID(ctx, ids)
			if err != nil {
				return nil, false, err
			}
			res, err := review.Ingest(ctx, src, nil)
			if err != nil {
				return nil, false, err
			}
			s := res.SeriesOf(*v.CoverMessageID)
			if s == nil || s.ID != v.ID {
				return nil, false, nil
			}
			out[i] = s.CoverTrailers
		}
	}
	return out, true, nil
}

// mergeOrdered merges lists that are each a subsequence of one sequence
// into that sequence, as far as they tell it: an element follows what
// precedes it in any list; otherwise first seen, first out.
func mergeOrdered(lists [][]review.Trailer) []review.Trailer {
	type key struct {
		name, value, extinfo, by string
		verified                 bool
	}
	k := func(t review.Trailer) key { return key{t.Name, t.Value, t.Extinfo, t.ByMessageID, t.Verified} }
	var order []review.Trailer
	at := map[key]int{}
	after := map[int]map[int]bool{} // node -> nodes that must come before it
	for _, l := range lists {
		prev := -1
		for _, t := range l {
			n, ok := at[k(t)]
			if !ok {
				n = len(order)
				at[k(t)] = n
				order = append(order, t)
				after[n] = map[int]bool{}
			}
			if prev >= 0 && prev != n {
				after[n][prev] = true
			}
			prev = n
		}
	}
	if len(order) == 0 {
		return nil
	}
	out := make([]review.Trailer, 0, len(order))
	done := make([]bool, len(order))
	for len(out) < len(order) {
		pick := -1
		for n := range order {
			if done[n] {
				continue
			}
			ready := true
			for m := range after[n] {
				if !done[m] {
					ready = false
					break
				}
			}
			if ready {
				pick = n
				break
			}
		}
		if pick < 0 { // contradictory lists: keep first-seen order
			for n := range order {
				if !done[n] {
					pick = n
					break
				}
			}
		}
		done[pick] = true
		out = append(out, order[pick])
	}
	return out
}
