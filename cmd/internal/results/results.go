// Package results keeps review results in the store and reads them back,
// so that views do not review the whole store again.
//
// A review that covers the store (`ferrule review --db`, the daemon after
// each arrival) saves its full report with [Save]: every series' report in
// the report's order, the messages of each series, and the message counts.
// `review --db` without new input prints the saved report ([Stored]);
// `digest` mails from it; `reply` and `thanks` find the series an ID
// names in it and decode only the messages of that series, without
// running the checkers again, and take the series' report and findings
// from it ([SeriesSource], [Saved]). `show` lists the versions from the
// saved reports of the revisions and decodes only the patches of the
// series and of its previous version, for the interdiff ([Revisions]);
// the web view does the same per series page ([View]). When the store
// holds no saved review of this version, or the ID is not in it, callers
// review the whole store as before.
package results

import (
	"context"
	"database/sql"
	"errors"

	"ferrule/mail"
	"ferrule/review"
	"ferrule/store"
)

// Save stores rep, the full report of res (no filter, no limit), as the
// store's last review.
func Save(ctx context.Context, db *store.DB, res *review.Result, rep *review.Report) error {
	return db.SaveReview(ctx, &store.Review{Messages: rep.Messages, Unparsed: rep.Unparsed, Series: rep.Series, Members: Members(res),
		SeriesJSON: rep.SeriesJSON})
}

// Members are the Message-IDs of each series' cover, patches and replies,
// by series id.
func Members(res *review.Result) map[string][]string {
	out := make(map[string][]string, len(res.Series))
	for _, s := range res.Series {
		var ids []string
		for _, p := range s.Posts() {
			ids = append(ids, p.MessageID)
		}
		for _, p := range s.Replies {
			ids = append(ids, p.MessageID)
		}
		out[s.ID] = ids
	}
	return out
}

// Stored is the saved report under a filter (Since excepted, see
// review.Filter.MatchReport) and a limit; ok is false when the store has
// no saved review.
func Stored(ctx context.Context, db *store.DB, f *review.Filter, limit int) (*review.Report, bool, error) {
	// Tier and limit narrow the query; paths, maintainers and states need
	// each report, so the limit applies after them.
	q := store.ReviewQuery{}
	if f != nil {
		q.Tier = f.Tier
		if len(f.Paths) == 0 && f.Maintainer == "" && len(f.States) == 0 {
			q.Limit = limit
		}
	} else {
		q.Limit = limit
	}
	rep, ok, err := db.LastReview(ctx, q)
	if err != nil || !ok {
		return nil, ok, err
	}
	kept := rep.Series[:0]
	for i := range rep.Series {
		if f.MatchReport(&rep.Series[i]) {
			kept = append(kept, rep.Series[i])
		}
	}
	if limit > 0 && len(kept) > limit {
		kept = kept[:limit]
	}
	rep.Series = kept
	return rep, true, nil
}

// SeriesSource is a source over the stored messages of the series that id
// names (its id or any of its Message-IDs) and, with revisions, of all its
// other revisions (show lists them; a reply needs only the series), in
// arrival order, and the saved review to answer for them: a view decodes
// these messages without the checkers and takes the series' score, tier,
// reasons and findings from [Saved.Report]. ok is false when the saved
// review does not know id.
func SeriesSource(ctx context.Context, db *store.DB, id string, revisions bool) (src mail.Source, saved *Saved, ok bool, err error) {
	sid, ok, err := db.SeriesHolding(ctx, id)
	if err != nil || !ok {
		return nil, nil, false, err
	}
	chain := []string{sid}
	seen := map[string]bool{sid: true}
	for i := 0; revisions && i < len(chain); i++ {
		s, err := db.Series(ctx, chain[i])
		if errors.Is(err, sql.ErrNoRows) {
			continue // a revision the review linked but did not keep
		}
		if err != nil {
			return nil, nil, false, err
		}
		next := append([]string{}, s.Supersedes...)
		if s.SupersededBy != nil {
			next = append(next, *s.SupersededBy)
		}
		for _, n := range next {
			if !seen[n] {
				seen[n] = true
				chain = append(chain, n)
			}
		}
	}
	ids, err := db.Members(ctx, chain)
	if err != nil {
		return nil, nil, false, err
	}
	if src, err = db.MessagesByID(ctx, ids); err != nil {
		return nil, nil, false, err
	}
	return src, &Saved{db: db}, true, nil
}

// Saved answers for series from the saved review (see [SeriesSource]).
type Saved struct{ db *store.DB }

// Report returns the saved report of s, and puts its saved findings on
// s's posts (as the checkers would have); ok is false when the saved
// review has no series with s's id.
func (v *Saved) Report(ctx context.Context, s *review.Series) (sr *review.SeriesReport, ok bool, err error) {
	sr, err = v.db.Series(ctx, s.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	byID := map[string][]review.Finding{}
	for _, p := range sr.Patches {
		byID[p.MessageID] = p.Findings
	}
	for _, part := range s.Parts {
		part.Post.Findings = byID[part.Post.MessageID]
	}
	s.Findings = sr.Findings
	return sr, true, nil
}
