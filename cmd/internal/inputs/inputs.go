package inputs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"ferrule/cmd/internal/results"
	"ferrule/mail"
	"ferrule/store"
)

// Files opens the named inputs: "-" is stdin, a directory a Maildir,
// anything else an mbox or a single message. The caller closes it.
func Files(paths []string, stdin io.Reader, format mail.MboxFormat) (*mail.MultiSource, error) {
	o := &mail.OpenOptions{Stdin: stdin}
	o.Mbox.Format = format
	return mail.Open(paths, o)
}

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

// Ingest opens the store at path (creating it) and adds src's messages
// (src may be nil).
func Ingest(ctx context.Context, path string, src mail.Source) (*store.DB, error) {
	if path == "" {
		return nil, ErrNoStorePath
	}
	db, err := store.Open(ctx, path)
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

// ParseID accepts a Message-ID with or without <>, or a lore or
// patch.msgid.link URL, and returns the bare Message-ID.
func ParseID(v string) string {
	v = strings.TrimSpace(v)
	if u, err := url.Parse(v); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
		for i, p := range parts {
			p, _ = url.PathUnescape(p)
			if strings.Contains(p, "@") {
				return p
			}
			if p == "r" && i+1 < len(parts) {
				q, _ := url.PathUnescape(parts[i+1])
				return q
			}
		}
	}
	return strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
}

// ForSeries is the source for a command about one series (show, reply,
// thanks): the files when paths are given; else the store at dbPath,
// which must exist, read only: the messages of the series id names and of
// its revisions when the saved review knows id, else every message. The
// returned func closes what was opened.
func ForSeries(ctx context.Context, dbPath, id string, paths []string, stdin io.Reader) (mail.Source, func(), error) {
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
	src, ok, err := results.SeriesSource(ctx, db, id)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if !ok {
		src = db.Messages()
	}
	return src, func() { db.Close() }, nil
}
