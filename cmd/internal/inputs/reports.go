package inputs

import (
	"context"
	"io"

	"ferrule/review"
	"ferrule/store"
)

// ReportsQuery says where a digest's series come from: input files
// reviewed now, or the store's saved review.
type ReportsQuery struct {
	Paths   []string  // input files; none for the store
	Stdin   io.Reader // for a "-" path
	Options *review.IngestOptions
	Report  *review.ReportOptions
	DBPath  string
	// KeepStore opens the store (creating it) beside reviewed inputs too:
	// the digester records there what it sent.
	KeepStore bool
}

// Reports returns the series reports q names, and the store when one was
// opened (the caller closes it; nil when none was needed). Failures to
// review or to read the store are *RuntimeError; a missing store is not.
func Reports(ctx context.Context, q *ReportsQuery) ([]review.SeriesReport, *store.DB, error) {
	if len(q.Paths) > 0 {
		reports, err := Review(ctx, q.Paths, q.Stdin, q.Options, q.Report)
		if err != nil {
			return nil, nil, &RuntimeError{Err: err}
		}
		if !q.KeepStore {
			return reports, nil, nil
		}
		db, err := store.Open(ctx, q.DBPath)
		if err != nil {
			return nil, nil, &RuntimeError{Err: err}
		}
		return reports, db, nil
	}
	db, err := OpenStore(ctx, q.DBPath)
	if err != nil {
		return nil, nil, err
	}
	reports, err := db.Reports(ctx)
	if err != nil {
		db.Close()
		return nil, nil, &RuntimeError{Err: err}
	}
	return reports, db, nil
}
