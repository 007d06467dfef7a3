package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SentDigest reports which of the content hashes were already sent to
// recipient. A digest is made of items (one per series state); an item
// whose hash is recorded is left out of the next digest to that person.
func (d *DB) SentDigest(ctx context.Context, recipient string, hashes []string) (map[string]bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	sent := make(map[string]bool)
	stmt, err := d.db.PrepareContext(ctx, "SELECT 1 FROM sent_digests WHERE recipient = ? AND content_hash = ?")
	if err != nil {
		return nil, fmt.Errorf("sent digests: %w", err)
	}
	defer stmt.Close()
	for _, h := range hashes {
		var one int
		err := stmt.QueryRowContext(ctx, recipient, h).Scan(&one)
		switch {
		case err == nil:
			sent[h] = true
		case errors.Is(err, sql.ErrNoRows):
		default:
			return nil, fmt.Errorf("sent digests: %w", err)
		}
	}
	return sent, nil
}

// RecordDigest records, in one transaction, that the items were
// delivered to recipient. Call it only after the SMTP server accepted the
// message: a failed send must leave them unrecorded to be sent again.
func (d *DB) RecordDigest(ctx context.Context, recipient string, hashes []string, at time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record digest: %w", err)
	}
	defer tx.Rollback()
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO sent_digests (recipient, content_hash, sent_at) VALUES (?, ?, ?)",
			recipient, h, at.UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("record digest: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record digest: %w", err)
	}
	return nil
}
