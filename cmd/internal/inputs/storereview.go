package inputs

import (
	"context"
	"errors"
	"io"
	"sync/atomic"

	"ferrule/mail"
	"ferrule/store"
)

// StoreReview is the input of a review of a store (`review --db`): every
// message the store holds, then the new inputs, which are stored as the
// review decodes them (set Tee as review.IngestOptions.Tee), in batched
// transactions written beside the review, without a second decode. A new
// message the store already holds, or one that came earlier in the
// inputs, is left out of the review, as when the inputs were stored first
// and the store then reviewed.
type StoreReview struct {
	old   *store.MessageSource
	src   mail.Source // nil: none
	inNew bool
	// nOld counts the stored messages read (by the review's reading
	// goroutine); Tee, called in arrival order, compares its own count
	// with it to tell stored messages from new ones.
	nOld  atomic.Int64
	calls int64
	seen  map[string]bool
	w     *store.Writer
}

// NewStoreReview reads db, then src (which may be nil), storing src's new
// messages into db. Close it after the review.
func NewStoreReview(ctx context.Context, db *store.DB, src mail.Source) *StoreReview {
	return &StoreReview{old: db.Messages(), src: src, seen: map[string]bool{}, w: db.NewWriter(ctx)}
}

// Next implements mail.Source.
func (s *StoreReview) Next(ctx context.Context) (*mail.Raw, error) {
	if !s.inNew {
		r, err := s.old.Next(ctx)
		if err == nil {
			s.nOld.Add(1)
			return r, nil
		}
		if !errors.Is(err, io.EOF) {
			return nil, err
		}
		s.inNew = true
	}
	if s.src == nil {
		return nil, io.EOF
	}
	return s.src.Next(ctx)
}

// Position implements mail.Source.
func (s *StoreReview) Position() string {
	if s.inNew && s.src != nil {
		return s.src.Position()
	}
	return s.old.Position()
}

// Tee is review.IngestOptions.Tee: it stores the new messages and leaves
// out those already stored or seen.
func (s *StoreReview) Tee(raw *mail.Raw, m *mail.Message, err error) (bool, error) {
	k := s.calls
	s.calls++
	var id string
	if err == nil && m != nil {
		id = m.MessageID
	} else {
		id = mail.FallbackID(raw)
	}
	if k < s.nOld.Load() { // already stored
		s.seen[id] = true
		return true, nil
	}
	if s.seen[id] {
		return false, nil
	}
	s.seen[id] = true
	return true, s.w.Add(store.FromDecoded(raw, m, err))
}

// Close waits until every new message is stored and returns how many
// were added and the first error. It may be called more than once.
func (s *StoreReview) Close() (added int, err error) { return s.w.Close() }
