package draft

import (
	"context"
	"fmt"
	"strings"
	"sync"

	fmail "ferrule/mail"
	"ferrule/review"
)

// Target is the message a draft answers, with what the reply needs from
// it.
type Target struct {
	Series *review.Series
	Post   *review.Post
	Text   string // its body before the diff, to quote
}

// commentLimit caps the text kept per message for quoting.
const commentLimit = 8 << 10

// Find reviews src with opts and finds the series holding id; pick
// chooses the message to answer within it.
func Find(ctx context.Context, src fmail.Source, opts *review.IngestOptions, id string, pick func(*review.Series, string) (*review.Post, error)) (*Target, error) {
	var mu sync.Mutex
	texts := map[string]string{}
	opts.Visit = func(p *review.Post, m *fmail.Message) {
		if p.Kind != review.KindPatch && p.Kind != review.KindCover {
			return
		}
		text := m.Text
		if i := strings.Index(text, "\n---\n"); i >= 0 && p.Kind == review.KindPatch {
			text = text[:i+1]
		}
		if len(text) > commentLimit {
			text = text[:strings.LastIndexByte(text[:commentLimit], '\n')+1]
		}
		mu.Lock()
		texts[p.MessageID] = strings.Clone(text)
		mu.Unlock()
	}
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	s := findSeries(res, id)
	if s == nil {
		return nil, fmt.Errorf("no series with a message <%s> in the input", id)
	}
	p, err := pick(s, id)
	if err != nil {
		return nil, err
	}
	return &Target{Series: s, Post: p, Text: texts[p.MessageID]}, nil
}

func findSeries(res *review.Result, id string) *review.Series {
	for _, s := range res.Series {
		if s.ID == id {
			return s
		}
	}
	return res.SeriesOf(id)
}

// PickMessage answers the message id names; a series id names its cover
// or first patch. Replies are not answered: a review draft answers a
// patch or a cover letter.
func PickMessage(s *review.Series, id string) (*review.Post, error) {
	for _, p := range s.Posts() {
		if p.MessageID == id {
			return p, nil
		}
	}
	if s.ID == id && len(s.Posts()) > 0 {
		return s.Posts()[0], nil
	}
	return nil, fmt.Errorf("<%s> is a reply in the thread of %q; give the Message-ID of the patch or cover letter to answer", id, s.Title)
}

// PickCover answers the series as a whole, as b4 ty does: the cover
// letter, else the first patch.
func PickCover(s *review.Series, _ string) (*review.Post, error) {
	if s.Cover != nil {
		return s.Cover, nil
	}
	if posts := s.Posts(); len(posts) > 0 {
		return posts[0], nil
	}
	return nil, fmt.Errorf("series %q has no patch", s.Title)
}
