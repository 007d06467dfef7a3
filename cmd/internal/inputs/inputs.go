package inputs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/lore"
	"ferrule/cmd/internal/results"
	"ferrule/mail"
	"ferrule/review"
	"ferrule/store"
)

// Files opens the named inputs: "-" is stdin, a directory a Maildir,
// anything else an mbox or a single message. The caller closes it. An
// input that cannot be opened is the user's to fix; ctx ending while an
// input sends nothing (standard input, a named pipe) is a *RuntimeError.
func Files(ctx context.Context, paths []string, stdin io.Reader, format mail.MboxFormat) (*mail.MultiSource, error) {
	o := &mail.OpenOptions{Stdin: stdin}
	o.Mbox.Format = format
	ms, err := mail.OpenContext(ctx, paths, o)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) { // interrupted: not the input's fault
		return nil, &RuntimeError{Err: err}
	}
	return ms, err
}

// Review reviews the files as `ferrule review` would and returns every
// series' report (digest with INPUT: nothing is ingested).
func Review(ctx context.Context, paths []string, stdin io.Reader, opts *review.IngestOptions, ro *review.ReportOptions) ([]review.SeriesReport, error) {
	src, err := Files(ctx, paths, stdin, mail.MboxRD)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	return review.BuildReport(res, ro).Series, nil
}

// ErrNoInput is the review of neither inputs nor a store.
var ErrNoInput = errors.New("no input (give a path, - for stdin, or --db PATH)")

// ErrNoStorePath is returned when no store path is known.
var ErrNoStorePath = errors.New("no store path: set --db (or HOME / XDG_DATA_HOME)")

// OpenStore opens an existing store to read; it refuses to create one.
func OpenStore(ctx context.Context, path string) (*store.DB, error) {
	if path == "" {
		return nil, ErrNoStorePath
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no store at %s: give input files, or --db PATH", path)
	}
	return store.Open(ctx, path)
}

// Ingest opens the store at path (creating it) with o and adds src's
// messages (src may be nil).
func Ingest(ctx context.Context, path string, o store.Options, src mail.Source) (*store.DB, error) {
	if path == "" {
		return nil, ErrNoStorePath
	}
	db, err := store.OpenWith(ctx, path, o)
	if err != nil {
		return nil, err
	}
	if src != nil {
		if _, _, err := db.Ingest(ctx, src); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// ParseID accepts a Message-ID with or without <> (or id:/mid:), a lore
// or patch.msgid.link URL (lore.ParseID), or a series or short id, and
// returns the bare id.
func ParseID(v string) string {
	if id, err := lore.ParseID(v); err == nil {
		return id.MessageID
	}
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "<"), ">")
}

// SeriesQuery asks for the series an ID names, for show, reply and
// thanks.
type SeriesQuery struct {
	ID    string   // a series id or Message-ID (see ParseID)
	Paths []string // the inputs; none: the store
	Stdin io.Reader
	// DBPath is the store read without Paths; it must exist.
	DBPath string
	// Options are the analysis (with any Visit hook); nil for the
	// default.
	Options *review.IngestOptions
	// UseSaved lets the saved review answer: set it when the analysis is
	// the default one (no -c, no --tree).
	UseSaved bool
	// Revisions asks for the series' other revisions too (show).
	Revisions bool
}

// RuntimeError is a failure to read or review, as opposed to a bad
// argument or a missing input (cli.Code tells them apart).
type RuntimeError = cli.RuntimeError

// FindSeries reviews what q names and returns the series holding q.ID.
// From the store, with UseSaved and a saved review that knows the ID,
// only the messages of the series (and of its revisions, if asked) are
// decoded, without
// the checkers, and saved is its report from that review (its findings
// are also put on the series' posts); else saved is nil and the series
// was analysed here.
func FindSeries(ctx context.Context, q *SeriesQuery) (s *review.Series, saved *review.SeriesReport, err error) {
	opts := q.Options
	if opts == nil {
		opts = &review.IngestOptions{}
	}
	var src mail.Source
	var answers *results.Saved
	if len(q.Paths) > 0 {
		ms, err := Files(ctx, q.Paths, q.Stdin, mail.MboxRD)
		if err != nil {
			return nil, nil, err
		}
		defer ms.Close()
		src = ms
	} else {
		db, err := OpenStore(ctx, q.DBPath)
		if err != nil {
			return nil, nil, err
		}
		defer db.Close()
		if review.IsShortID(q.ID) {
			// a short id from the table: the saved review knows which
			// series it is
			if id, err := db.SeriesByShortID(ctx, q.ID); err != nil {
				return nil, nil, &RuntimeError{Err: err}
			} else if id != "" {
				q2 := *q
				q2.ID = id
				q = &q2
			}
		}
		if q.UseSaved {
			var ok bool
			if src, answers, ok, err = results.SeriesSource(ctx, db, q.ID, q.Revisions); err != nil {
				return nil, nil, &RuntimeError{Err: err}
			} else if ok {
				fast := *opts
				fast.Checkers = nil
				s, saved, err := findSaved(ctx, src, &fast, q.ID, answers)
				if err != nil || saved != nil {
					return s, saved, err
				}
			}
		}
		src = db.Messages()
	}
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		return nil, nil, &RuntimeError{Err: err}
	}
	if s = findIn(res, q.ID); s == nil {
		return nil, nil, fmt.Errorf("no series with a message <%s> in the input", q.ID)
	}
	return s, nil, nil
}

// findSaved decodes the saved series' messages and answers from the
// saved review; saved is nil when that review does not hold the series
// the messages assemble into.
func findSaved(ctx context.Context, src mail.Source, opts *review.IngestOptions, id string, answers *results.Saved) (*review.Series, *review.SeriesReport, error) {
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		return nil, nil, &RuntimeError{Err: err}
	}
	s := findIn(res, id)
	if s == nil {
		return nil, nil, nil
	}
	sr, ok, err := answers.Report(ctx, s)
	if err != nil {
		return nil, nil, &RuntimeError{Err: err}
	}
	if !ok {
		return nil, nil, nil
	}
	return s, sr, nil
}

// findIn is the series with this id, or the one holding a message with
// this Message-ID.
func findIn(res *review.Result, id string) *review.Series {
	for _, s := range res.Series {
		if s.ID == id {
			return s
		}
	}
	if s := res.SeriesByShortID(id); s != nil {
		return s
	}
	return res.SeriesOf(id)
}
