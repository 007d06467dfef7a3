package store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"ferrule/mail"
)

// batchSize is how many messages one query of a MessageSource reads.
const batchSize = 256

// Ingest stores every message of src whose Message-ID is new, through a
// Writer (batched transactions written beside the reading), and returns
// how many messages it read and how many were new. A message that cannot
// be decoded is stored too, under a synthetic ID, with the error. When
// src fails, what was read before it is stored.
func (d *DB) Ingest(ctx context.Context, src mail.Source) (read, added int, err error) {
	w := d.NewWriter(ctx)
	for {
		raw, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			added, _ := w.Close()
			return read, added, fmt.Errorf("ingest: %w", err)
		}
		read++
		if err := w.Add(toMessage(raw)); err != nil {
			added, _ := w.Close()
			return read, added, err
		}
	}
	added, err = w.Close()
	return read, added, err
}

// toMessage reads what the store keeps of raw from its header alone, so
// that storing a message costs no more memory than its bytes. A message
// whose header cannot be read is stored under mail.FallbackID with the
// error. One whose header reads is stored under its Message-ID even when
// its body would not decode (the review that reads it back records that
// error); Fallback keeps such a message from being stored a second time
// where an earlier version stored it under its fallback id.
func toMessage(raw *mail.Raw) Message {
	msg, err := mail.ParseHeader(raw)
	m := FromDecoded(raw, msg, err)
	if err == nil {
		m.Fallback = mail.FallbackID(raw)
	}
	return m
}

// FromDecoded is what the store keeps of a message decoded elsewhere (by
// a review): msg is Parse's result, or nil with the error that stopped
// it, and the message is then stored under its fallback id with that
// error. Parse fails where ParseHeader does, but for a body whose
// decoder panics: such a message is kept under its fallback id here and
// under its Message-ID by toMessage.
func FromDecoded(raw *mail.Raw, msg *mail.Message, err error) Message {
	m := Message{Source: raw.Position, Raw: raw.Bytes}
	if err != nil || msg == nil {
		m.MessageID = mail.FallbackID(raw)
		if err != nil {
			m.Error = err.Error()
		}
		if m.Raw == nil {
			m.Raw = []byte{}
		}
		return m
	}
	m.MessageID, m.Subject, m.Date = msg.MessageID, msg.Subject, msg.Date
	return m
}

// Messages returns a source over the stored messages in arrival order,
// reading them in batches (no long-lived read transaction).
func (d *DB) Messages() *MessageSource {
	return &MessageSource{db: d}
}

// MessagesAfter is Messages, starting after the message with row id
// (see MessageSource.LastID): what arrived since a previous read.
func (d *DB) MessagesAfter(id int64) *MessageSource {
	return &MessageSource{db: d, lastID: id, delivered: id}
}

// MessageSource is a mail.Source over the store.
type MessageSource struct {
	db     *DB
	lastID int64
	buf    []*mail.Raw
	ids    []int64
	done   bool
	pos    string
	// delivered is the row id of the last message Next returned.
	delivered int64
}

// LastID is the row id of the last message returned: pass it to
// MessagesAfter to continue later.
func (s *MessageSource) LastID() int64 { return s.delivered }

// Next implements mail.Source.
func (s *MessageSource) Next(ctx context.Context) (*mail.Raw, error) {
	if len(s.buf) == 0 && !s.done {
		if err := s.fill(ctx); err != nil {
			return nil, err
		}
	}
	if len(s.buf) == 0 {
		return nil, io.EOF
	}
	r := s.buf[0]
	s.delivered = s.ids[0]
	s.buf, s.ids = s.buf[1:], s.ids[1:]
	s.pos = r.Position
	return r, nil
}

func (s *MessageSource) fill(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := s.db.db.QueryContext(ctx, `SELECT id, source, raw, error FROM messages WHERE id > ? ORDER BY id LIMIT ?`, s.lastID, batchSize)
	if err != nil {
		return fmt.Errorf("read messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var source, errText string
		var raw []byte
		if err := rows.Scan(&id, &source, &raw, &errText); err != nil {
			return fmt.Errorf("read messages: %w", err)
		}
		r := &mail.Raw{Position: source, Bytes: raw}
		if errText != "" && len(raw) == 0 {
			r.Err = errors.New(errText) // never delivered whole (too large)
		}
		s.buf = append(s.buf, r)
		s.ids = append(s.ids, id)
		s.lastID = id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read messages: %w", err)
	}
	if len(s.buf) < batchSize {
		s.done = true
	}
	return nil
}

// Position implements mail.Source.
func (s *MessageSource) Position() string { return s.pos }
