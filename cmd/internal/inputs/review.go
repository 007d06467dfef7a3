package inputs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"ferrule/cmd/internal/results"
	"ferrule/mail"
	"ferrule/review"
	"ferrule/store"
)

// ReviewJob is one run of `ferrule review`: input files, the store, or
// both (the inputs go into the store as the review reads them, and the
// whole store is reviewed), and, with a store, the saved results.
type ReviewJob struct {
	Paths   []string
	Stdin   io.Reader // for a "-" path
	Quoting mail.MboxFormat
	DBPath  string // the store; "" for none
	// NoSync writes the store without fsync (store.Options).
	NoSync bool
	// UseSaved answers from the store's saved review when there are no
	// inputs: set it when the analysis is the default one.
	UseSaved bool
	Options  *review.IngestOptions
	// Printed shapes the report returned (filter, limit, the reader's
	// addresses); Saved the one the store keeps, every series of it.
	Printed, Saved review.ReportOptions
	// Progress, when set, is given the source before the review starts
	// and returns the review's progress hook and what clears it.
	Progress func(src mail.Source) (hook func(done int), clear func())
	// Print writes the report (Printed's); with a store, while the
	// results are being saved. When Printed and Saved make the same
	// report, Print is given the one being saved: it must not change it.
	Print func(*review.Report) error
	// PrintsJSON says that Print writes the report's JSON: a report both
	// printed and saved then encodes each series once for both.
	PrintsJSON bool
}

// Run reviews and prints the report. cut is the error of an input that
// ended early (a truncated .gz): the report then holds what came before
// it. ErrNoStorePath and inputs that cannot be opened are the user's to
// fix; the other errors are *RuntimeError. Nothing is printed when the
// review fails or the inputs cannot be stored; a failure to save the
// results is returned after the report is printed.
func (j *ReviewJob) Run(ctx context.Context) (cut error, err error) {
	var src mail.Source
	if len(j.Paths) > 0 {
		ms, err := Files(ctx, j.Paths, j.Stdin, j.Quoting)
		if err != nil {
			return nil, err
		}
		defer ms.Close()
		src = ms
	}
	opts := *j.Options
	if j.DBPath == "" {
		if src == nil {
			return nil, ErrNoInput
		}
		res, cut, err := j.review(ctx, src, &opts)
		if err != nil {
			return nil, err
		}
		return cut, j.print(review.BuildReport(res, &j.Printed))
	}
	// New inputs into an empty store are an import (store.Options).
	db, err := Ingest(ctx, j.DBPath, store.Options{NoSync: j.NoSync, Import: src != nil}, nil)
	if errors.Is(err, ErrNoStorePath) {
		return nil, err
	} else if err != nil {
		return nil, runtime("store", err)
	}
	defer func() {
		// After an import, Close returns the store to WAL; when it
		// cannot, the next process to open the store does.
		if err := db.Close(); err != nil {
			slog.Warn("closing the store", "err", err)
		}
	}()
	if src == nil && j.UseSaved {
		rep, ok, err := results.Stored(ctx, db, j.Printed.Filter, j.Printed.Limit)
		if err != nil {
			return nil, runtime("read saved review", err)
		}
		if ok {
			return nil, j.print(rep)
		}
	}
	tee := NewStoreReview(ctx, db, src)
	defer tee.Close()
	opts.Tee = tee.Tee
	res, cut, err := j.review(ctx, tee, &opts)
	_, cerr := tee.Close()
	if err != nil {
		return nil, err // the review's own failure first (a cancelled one too)
	}
	if cerr != nil {
		return nil, runtime("store", cerr)
	}
	// The store keeps every series' full report (the filter only shapes
	// what is printed), saved while the other is built and printed; when
	// nothing narrows the printed one, it is the same report.
	all := review.BuildReport(res, &j.Saved)
	same := j.Printed.Equal(&j.Saved)
	if same && j.PrintsJSON {
		all.ShareJSON(2) // the printer and the saver
	}
	saved := make(chan error, 1)
	go func() { saved <- results.Save(ctx, db, res, all) }()
	printed := all
	if !same {
		printed = review.BuildReport(res, &j.Printed)
	}
	perr := j.print(printed)
	if err := <-saved; err != nil {
		return cut, runtime("save review", err)
	}
	return cut, perr
}

// print is j.Print, its error a runtime one.
func (j *ReviewJob) print(rep *review.Report) error {
	if err := j.Print(rep); err != nil {
		return runtime("write output", err)
	}
	return nil
}

// review runs the review of src with its progress hook.
func (j *ReviewJob) review(ctx context.Context, src mail.Source, opts *review.IngestOptions) (res *review.Result, cut, err error) {
	clear := func() {}
	if j.Progress != nil {
		opts.Progress, clear = j.Progress(src)
	}
	res, cut = review.Ingest(ctx, src, opts)
	clear()
	if res == nil {
		return nil, nil, runtime("review", cut)
	}
	return res, cut, nil // cut: the input ended early (a *review.ReadError)
}

func runtime(what string, err error) error {
	return &RuntimeError{Err: fmt.Errorf("%s: %w", what, err)}
}
