package inputs

import (
	"context"
	"io"

	"ferrule/mail"
)

// Messages reads again the messages with these Message-IDs, for the
// commands that need their raw bytes after the review dropped them (am,
// thanks --tree): from the files when paths are given, else from the
// store at dbPath, which must exist. The caller calls done when finished
// with src.
func Messages(ctx context.Context, paths []string, stdin io.Reader, dbPath string, ids []string) (src mail.Source, done func(), err error) {
	if len(paths) > 0 {
		ms, err := Files(paths, stdin, mail.MboxRD)
		if err != nil {
			return nil, nil, err
		}
		return ms, func() { ms.Close() }, nil
	}
	db, err := OpenStore(ctx, dbPath)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	if src, err = db.MessagesByID(ctx, ids); err != nil {
		return nil, nil, &RuntimeError{err}
	}
	return src, func() {}, nil
}
