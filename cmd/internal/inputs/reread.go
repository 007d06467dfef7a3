package inputs

import (
	"context"
	"io"
	"slices"

	"ferrule/mail"
	"ferrule/review"
)

// Rereadable reports whether the inputs can be read a second time without
// holding standard input in memory: a review can then leave out what
// only the series it prints needs (hunks, recipients), and [Hunks] or
// [Recipients] read it back.
func Rereadable(paths []string) bool { return !slices.Contains(paths, "-") }

// Hunks puts back the hunks of s's posts and of its previous revision's,
// which a review without KeepHunks dropped and show's interdiff needs:
// from the files when paths are given, else from the store at dbPath.
// Only those messages are decoded again, so a whole archive's hunks are
// never in memory at once.
func Hunks(ctx context.Context, paths []string, stdin io.Reader, dbPath string, s *review.Series) error {
	posts := s.Posts()
	if s.Previous != nil {
		posts = append(posts, s.Previous.Posts()...)
	}
	return reread(ctx, paths, stdin, dbPath, posts, review.RestoreHunks)
}

// Recipients puts back the To and Cc of p, which a review with
// DropRecipients left out and a reply to p needs, as [Hunks] does.
func Recipients(ctx context.Context, paths []string, stdin io.Reader, dbPath string, p *review.Post) error {
	return reread(ctx, paths, stdin, dbPath, []*review.Post{p}, review.RestoreRecipients)
}

func reread(ctx context.Context, paths []string, stdin io.Reader, dbPath string, posts []*review.Post,
	restore func(context.Context, mail.Source, []*review.Post) (int, error)) error {
	var src mail.Source
	if len(paths) > 0 {
		ms, err := Files(ctx, paths, stdin, mail.MboxRD)
		if err != nil {
			return err
		}
		defer ms.Close()
		src = ms
	} else {
		db, err := OpenStore(ctx, dbPath)
		if err != nil {
			return err
		}
		defer db.Close()
		ids := make([]string, len(posts))
		for i, p := range posts {
			ids[i] = p.MessageID
		}
		if src, err = db.MessagesByID(ctx, ids); err != nil {
			return &RuntimeError{Err: err}
		}
	}
	if _, err := restore(ctx, src, posts); err != nil {
		return &RuntimeError{Err: err}
	}
	return nil
}
