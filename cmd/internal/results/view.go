package results

import (
	"context"

	"ferrule/review"
	"ferrule/store"
)

// View is a store as the web view reads it (cmd/internal/web's Source,
// Stamper and Interdiffer): the saved reports, when they were saved, and
// the interdiff of two saved revisions computed on request from their
// stored patches ([Interdiff]), since the saved reports keep no hunks.
type View struct{ *store.DB }

// Interdiff is [Interdiff] on the view's store.
func (v View) Interdiff(ctx context.Context, older, newer *review.SeriesReport, maxLines int) (changes []review.PatchChange, compared int, ok bool, err error) {
	return Interdiff(ctx, v.DB, older, newer, maxLines)
}
