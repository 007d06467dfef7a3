package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"ferrule/mail"
	"ferrule/store"
)

// defaultDBPath is $XDG_DATA_HOME/ferrule/ferrule.db (PRODUCT.md
// "Config"), with XDG's default of ~/.local/share.
func defaultDBPath(e *env) string {
	dir := e.getenv("XDG_DATA_HOME")
	if dir == "" {
		home := e.getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "ferrule", "ferrule.db")
}

// storeSource opens the store at path, ingests inputs into it (if any)
// and returns a source over everything it holds. mustExist refuses to
// create a store that is only to be read.
func storeSource(ctx context.Context, e *env, path string, inputs []string, mustExist bool) (*store.DB, mail.Source, error) {
	if path == "" {
		return nil, nil, fmt.Errorf("no store path: set --db (or HOME / XDG_DATA_HOME)")
	}
	if mustExist {
		if _, err := os.Stat(path); err != nil {
			return nil, nil, fmt.Errorf("no store at %s: give input files, or --db PATH", path)
		}
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	if len(inputs) > 0 {
		src, err := mail.Open(inputs, &mail.OpenOptions{Stdin: e.stdin})
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		defer src.Close()
		if _, _, err := db.Ingest(ctx, src); err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	return db, db.Messages(), nil
}
