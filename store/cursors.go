package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ferrule/mail"
)

// Cursor is where a mailbox was read up to.
type Cursor struct {
	UIDValidity uint32
	LastUID     uint32
}

// Cursor returns the stored cursor of a mailbox; ok is false when the
// mailbox was never read.
func (d *DB) Cursor(ctx context.Context, mailbox string) (c Cursor, ok bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	err = d.db.QueryRowContext(ctx, "SELECT uidvalidity, last_uid FROM mailbox_cursors WHERE mailbox = ?", mailbox).Scan(&c.UIDValidity, &c.LastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return Cursor{}, false, nil
	}
	if err != nil {
		return Cursor{}, false, fmt.Errorf("cursor %s: %w", mailbox, err)
	}
	return c, true, nil
}

// AddFromMailbox stores messages fetched from a mailbox and moves its
// cursor in the same transaction, so that a crash either keeps both or
// neither: nothing acknowledged is lost, nothing is stored twice.
func (d *DB) AddFromMailbox(ctx context.Context, mailbox string, c Cursor, msgs []Message) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("add from %s: %w", mailbox, err)
	}
	defer tx.Rollback()
	added, err := addMessages(ctx, tx, msgs)
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO mailbox_cursors (mailbox, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
		mailbox, c.UIDValidity, c.LastUID, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return 0, fmt.Errorf("add from %s: %w", mailbox, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("add from %s: %w", mailbox, err)
	}
	return added, nil
}

// LoadCursor implements imappoll.Store with plain values.
func (d *DB) LoadCursor(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, ok bool, err error) {
	c, ok, err := d.Cursor(ctx, mailbox)
	return c.UIDValidity, c.LastUID, ok, err
}

// SaveBatch implements imappoll.Store: the messages and the cursor move in
// one transaction.
func (d *DB) SaveBatch(ctx context.Context, mailbox string, uidValidity, lastUID uint32, msgs []*mail.Raw) (int, error) {
	out := make([]Message, 0, len(msgs))
	for _, r := range msgs {
		out = append(out, toMessage(r))
	}
	return d.AddFromMailbox(ctx, mailbox, Cursor{UIDValidity: uidValidity, LastUID: lastUID}, out)
}
