package draft

import (
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

// Texts sets opts.Visit to keep the text of each patch and cover letter
// before its diff (at most commentLimit), and returns the lookup by
// Message-ID, filled as the review runs.
func Texts(opts *review.IngestOptions) func(messageID string) string {
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
	return func(id string) string {
		mu.Lock()
		defer mu.Unlock()
		return texts[id]
	}
}

// NewTarget picks the message of s to answer (id is what the user
// named) with its text from texts.
func NewTarget(s *review.Series, id string, pick func(*review.Series, string) (*review.Post, error), texts func(string) string) (*Target, error) {
	p, err := pick(s, id)
	if err != nil {
		return nil, err
	}
	return &Target{Series: s, Post: p, Text: texts(p.MessageID)}, nil
}

// PickMessage answers the message id names; a series id, full or short
// (as the queue prints it), names its cover or first patch. Replies are
// not answered: a review draft answers a patch or a cover letter.
func PickMessage(s *review.Series, id string) (*review.Post, error) {
	for _, p := range s.Posts() {
		if p.MessageID == id {
			return p, nil
		}
	}
	names := s.ID == id || (review.IsShortID(id) && review.ShortID(s.ID) == id)
	if names && len(s.Posts()) > 0 {
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
