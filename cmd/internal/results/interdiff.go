package results

import (
	"context"
	"fmt"
	"strings"

	"ferrule/review"
	"ferrule/store"
)

// Interdiff is the change from older to newer, two saved revisions, as
// review.Interdiff gives it: the patches are paired and compared by
// patch-id from the saved reports, and only the changed ones are decoded
// again from the store (the saved reports keep no hunks), with their
// hunks, without the checkers or routing, for their diff of diffs.
//
// With maxLines > 0 the changed patches are compared in order only until
// the diffs given reach maxLines lines: compared counts the leading
// changes that are complete, and the changed patches after them have no
// Diff. ok is false when a patch's message is not in the store.
func Interdiff(ctx context.Context, db *store.DB, older, newer *review.SeriesReport, maxLines int) (changes []review.PatchChange, compared int, ok bool, err error) {
	type pair struct{ old, new *review.PatchReport }
	var pairs []pair
	used := make([]bool, len(older.Patches))
	title := func(p *review.PatchReport) string { return review.ParseSubject(p.Subject).Title }
	// Each title parsed once; a subject seen before is not parsed again.
	norm := make([]string, len(older.Patches))
	normOf := map[string]string{}
	for i := range older.Patches {
		norm[i] = review.NormalizeTitle(title(&older.Patches[i]))
		normOf[older.Patches[i].Subject] = norm[i]
	}
	match := func(p *review.PatchReport) int {
		t, ok := normOf[p.Subject]
		if !ok {
			t = review.NormalizeTitle(title(p))
		}
		for i := range older.Patches {
			if !used[i] && norm[i] == t {
				return i
			}
		}
		for i := range older.Patches {
			if !used[i] && older.Patches[i].Number == p.Number {
				return i
			}
		}
		return -1
	}
	for i := range newer.Patches {
		p := &newer.Patches[i]
		o := match(p)
		if o < 0 {
			changes = append(changes, review.PatchChange{Status: "added", To: p.Number, Title: title(p)})
			pairs = append(pairs, pair{new: p})
			continue
		}
		used[o] = true
		q := &older.Patches[o]
		c := review.PatchChange{Status: "changed", From: q.Number, To: p.Number, Title: title(p)}
		if q.MessageID == p.MessageID || q.PatchID != "" && q.PatchID == p.PatchID {
			c.Status = "unchanged"
		}
		changes = append(changes, c)
		pairs = append(pairs, pair{q, p})
	}
	for i := range older.Patches {
		if !used[i] {
			q := &older.Patches[i]
			changes = append(changes, review.PatchChange{Status: "dropped", From: q.Number, Title: title(q)})
			pairs = append(pairs, pair{old: q})
		}
	}
	// The diffs of the changed pairs, a few pairs decoded at a time.
	const batch = 8
	lines := 0
	for compared < len(changes) {
		if maxLines > 0 && lines >= maxLines {
			return changes, compared, true, nil
		}
		var todo []int
		var ids []string
		for i := compared; i < len(changes) && len(todo) < batch; i++ {
			if changes[i].Status == "changed" {
				todo = append(todo, i)
				ids = append(ids, pairs[i].old.MessageID, pairs[i].new.MessageID)
			}
		}
		if len(todo) == 0 {
			break
		}
		posts, err := decode(ctx, db, ids)
		if err != nil {
			return nil, 0, false, err
		}
		for _, i := range todo {
			o, n := posts[pairs[i].old.MessageID], posts[pairs[i].new.MessageID]
			if o == nil || n == nil {
				return nil, 0, false, nil
			}
			d := review.Interdiff(&review.Series{Parts: []*review.Part{{Number: 1, Post: o}}},
				&review.Series{Parts: []*review.Part{{Number: 1, Post: n}}})
			if len(d) != 1 {
				return nil, 0, false, fmt.Errorf("interdiff of %s and %s: %d changes", o.MessageID, n.MessageID, len(d))
			}
			changes[i].Diff = d[0].Diff
			lines += strings.Count(d[0].Diff, "\n")
			compared = i + 1
			if maxLines > 0 && lines >= maxLines {
				return changes, compared, true, nil
			}
		}
		if len(todo) < batch {
			break
		}
	}
	return changes, len(changes), true, nil
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
