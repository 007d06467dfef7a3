package applied

import (
	"context"
	"fmt"
	"time"

	"ferrule/mail"
	"ferrule/review"
)

// Patches returns the patches of s to look for, each with its text
// decoded from the raw message raw returns (see am.Collect).
func Patches(s *review.Series, raw func(msgid string) ([]byte, error)) ([]Patch, error) {
	out := make([]Patch, 0, len(s.Parts))
	for _, part := range s.Parts {
		p := part.Post
		b, err := raw(p.MessageID)
		if err != nil {
			return nil, fmt.Errorf("patch %d <%s>: %w", part.Number, p.MessageID, err)
		}
		m, err := mail.Parse(&mail.Raw{Position: "<" + p.MessageID + ">", Bytes: b})
		if err != nil {
			return nil, fmt.Errorf("patch %d: %w", part.Number, err)
		}
		out = append(out, Patch{Number: part.Number, Title: p.Tags.Title, Text: m.Text})
	}
	return out, nil
}

// Summary is b4 ty's ${summary} with "commit:" lines: the patches of s
// (raw gives their messages) looked up in tree among the commits since a
// day before the series was sent, as b4 ty does.
func Summary(ctx context.Context, s *review.Series, raw func(msgid string) ([]byte, error), tree string) (string, error) {
	patches, err := Patches(s, raw)
	if err != nil {
		return "", err
	}
	commits, err := Find(ctx, patches, &Options{Tree: tree, Since: s.Date.Add(-24 * time.Hour)})
	if err != nil {
		return "", err
	}
	return Lines(s.Total, commits), nil
}
