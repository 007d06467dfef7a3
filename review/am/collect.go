package am

import (
	"context"
	"errors"
	"fmt"
	"io"

	"ferrule/mail"
	"ferrule/review"
)

// MessageIDs returns the Message-IDs whose raw bytes [Write] asks for:
// those of the patches of s, in number order.
func MessageIDs(s *review.Series) []string {
	if s == nil {
		return nil
	}
	ids := make([]string, 0, len(s.Parts))
	for _, p := range s.Parts {
		ids = append(ids, p.Post.MessageID)
	}
	return ids
}

// Collect reads src once more and keeps the raw bytes of the messages
// with the given Message-IDs (the first copy of each): the [RawFunc] for
// [Write] when the series came from files or the store. Messages that do
// not decode are skipped; an I/O error of src ends the read with it.
func Collect(ctx context.Context, src mail.Source, ids []string) (RawFunc, error) {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	raw := make(map[string][]byte, len(ids))
	for len(raw) < len(want) {
		r, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", src.Position(), err)
		}
		if r.Err != nil {
			continue
		}
		m, err := mail.ParseHeader(r) // only the Message-ID is needed
		if err != nil || !want[m.MessageID] {
			continue
		}
		if _, seen := raw[m.MessageID]; !seen {
			raw[m.MessageID] = r.Bytes
		}
	}
	return func(id string) ([]byte, error) {
		if b, ok := raw[id]; ok {
			return b, nil
		}
		return nil, errors.New("message not found in the input")
	}, nil
}
