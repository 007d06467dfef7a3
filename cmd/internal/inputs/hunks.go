package inputs

import (
	"context"
	"io"

	"ferrule/mail"
	"ferrule/review"
)

// Hunks puts back the hunks of s's posts and of its previous revision's,
// which a review without KeepHunks dropped and show's interdiff needs:
// from the files when paths are given (stdin must be readable again),
// else from the store at dbPath. Only those messages are decoded again,
// so a whole archive's hunks are never in memory at once.
func Hunks(ctx context.Context, paths []string, stdin io.Reader, dbPath string, s *review.Series) error {
	posts := s.Posts()
	if s.Previous != nil {
		posts = append(posts, s.Previous.Posts()...)
	}
	var src mail.Source
	if len(paths) > 0 {
		ms, err := Files(paths, stdin, mail.MboxRD)
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
			return &RuntimeError{err}
		}
	}
	if _, err := review.RestoreHunks(ctx, src, posts); err != nil {
		return &RuntimeError{err}
	}
	return nil
}
