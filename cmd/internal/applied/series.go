package applied

import (
	"fmt"

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
