package inputs

import (
	"context"
	"io"

	"ferrule/cmd/internal/results"
	"ferrule/mail"
	"ferrule/review"
	"ferrule/review/am"
)

// Raw reads again the raw messages of s's patches, which the review
// dropped, for am and thanks --tree: from the files when paths are given,
// else from the store at dbPath, which must exist.
func Raw(ctx context.Context, paths []string, stdin io.Reader, dbPath string, s *review.Series) (am.RawFunc, error) {
	ids := am.MessageIDs(s)
	if len(paths) > 0 {
		ms, err := Files(ctx, paths, stdin, mail.MboxRD)
		if err != nil {
			return nil, err
		}
		defer ms.Close()
		raw, err := am.Collect(ctx, ms, ids)
		if err != nil {
			return nil, &RuntimeError{Err: err}
		}
		return raw, nil
	}
	db, err := OpenStore(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	src, err := db.MessagesByID(ctx, ids)
	if err != nil {
		return nil, &RuntimeError{Err: err}
	}
	raw, err := am.Collect(ctx, src, ids)
	if err != nil {
		return nil, &RuntimeError{Err: err}
	}
	return raw, nil
}

// SavedRevisions is the family of revisions of the series holding id,
// from the saved review of the store at path (results.Revisions); ok is
// false when the saved review does not know id.
func SavedRevisions(ctx context.Context, path, id string) (f *results.Family, ok bool, err error) {
	db, err := OpenStore(ctx, path)
	if err != nil {
		return nil, false, err
	}
	defer db.Close()
	if f, ok, err = results.Revisions(ctx, db, id); err != nil {
		return nil, false, &RuntimeError{Err: err}
	}
	return f, ok, nil
}

// Am writes the mbox `ferrule am` gives for the series holding id: its
// newest revision with the trailers from replies, ready for git am (see
// package review/am), from paths (stdin read twice is held in memory), or
// the store at dbPath when there are none.
func Am(ctx context.Context, w io.Writer, id string, paths []string, stdin io.Reader, dbPath string, o *am.Options) (*am.Result, error) {
	again, err := Replayable(stdin, paths)
	if err != nil {
		return nil, &RuntimeError{Err: err}
	}
	found, _, err := FindSeries(ctx, &SeriesQuery{ID: id, Paths: paths, Stdin: again(), DBPath: dbPath, UseSaved: true, Revisions: true})
	if err != nil {
		return nil, err
	}
	s := found.Latest()
	raw, err := Raw(ctx, paths, again(), dbPath, s)
	if err != nil {
		return nil, err
	}
	r, err := am.Write(w, s, raw, o)
	if err != nil {
		return nil, &RuntimeError{Err: err}
	}
	return r, nil
}
