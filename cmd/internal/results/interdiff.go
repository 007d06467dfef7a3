package results

import (
	"context"
	"fmt"

	"ferrule/review"
	"ferrule/store"
)

// Interdiff is the change from older to newer, two saved revisions, with
// the diff of diffs of each changed patch (review.Interdiff): the saved
// reports keep no hunks, so the stored patch messages of both are
// decoded again — only those, with their hunks, without the checkers or
// routing. ok is false when a patch's message is not in the store.
func Interdiff(ctx context.Context, db *store.DB, older, newer *review.SeriesReport) (changes []review.PatchChange, ok bool, err error) {
	var ids []string
	for _, r := range []*review.SeriesReport{older, newer} {
		for _, p := range r.Patches {
			ids = append(ids, p.MessageID)
		}
	}
	posts, err := decode(ctx, db, ids)
	if err != nil {
		return nil, false, err
	}
	o, ok := rebuild(older, posts)
	if !ok {
		return nil, false, nil
	}
	n, ok := rebuild(newer, posts)
	if !ok {
		return nil, false, nil
	}
	return review.Interdiff(o, n), true, nil
}

// decode decodes the stored messages with these Message-IDs, hunks kept.
func decode(ctx context.Context, db *store.DB, ids []string) (map[string]*review.Post, error) {
	src, err := db.MessagesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	res, err := review.Ingest(ctx, src, &review.IngestOptions{Inspect: review.InspectOptions{KeepHunks: true}})
	if err != nil {
		return nil, fmt.Errorf("decode patches: %w", err)
	}
	out := make(map[string]*review.Post, len(ids))
	for _, id := range ids {
		if p := res.Post(id); p != nil {
			out[id] = p
		}
	}
	return out, nil
}

// rebuild is the series of a saved report with its decoded posts as
// parts, as much as review.Interdiff reads: numbers and posts (a carried
// part shares its post with the older revision, as in the review).
func rebuild(r *review.SeriesReport, posts map[string]*review.Post) (*review.Series, bool) {
	s := &review.Series{ID: r.ID, Title: r.Title, Version: r.Version, Total: r.Total}
	for _, p := range r.Patches {
		post := posts[p.MessageID]
		if post == nil {
			return nil, false
		}
		s.Parts = append(s.Parts, &review.Part{Number: p.Number, Post: post, Carried: p.Carried})
	}
	return s, true
}
