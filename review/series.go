package review

import (
	"sort"
	"strings"
	"time"

	"ferrule/mail"
)

// Series is one revision of a patch series: a cover letter (optional) and
// numbered patches, with the replies they received.
type Series struct {
	// ID is stable: the cover letter's Message-ID, else the Message-ID of
	// the lowest-numbered patch seen first.
	ID              string
	Title           string
	Version         int
	VersionExplicit bool
	Point           int // v5.1-style single-patch re-roll
	Total           int
	RFC, Resend     bool
	Pull            bool
	Sender          mail.Address // who sent the series
	Date            time.Time    // earliest message date
	Cover           *Post
	// InheritedCover is the previous revision's cover for a partial
	// re-roll that was sent without one; its trailers apply here too.
	InheritedCover *Post
	Parts          []*Part // sorted by number
	Missing        []int   // numbers 1..Total with no patch
	Extra          []int   // numbers above Total
	// Duplicates are numbers that arrived a second time for this series
	// (the second copy started a new series, as Patchwork does).
	Duplicates []int
	Replies    []*Post // replies to the cover or any patch, in arrival order
	// CoverTrailers are the trailers given in replies to the cover letter:
	// they apply to every patch.
	CoverTrailers []Trailer
	ChangeID      string
	// Findings are series-level findings (rules that need several
	// patches); per-patch findings are on each part's Post.
	Findings []Finding
	// Responsible lists who must look (MAINTAINERS routing).
	Responsible []Responsible

	// Revision links, set by linkRevisions: Previous is the revision this
	// one replaces, Next the one that replaced it.
	Previous, Next *Series

	// State is where the series stands and StateReason says why (who,
	// what, when), set at the end of assembly ([SetStates]).
	State       State
	StateReason string
	// replyTargets is, for each of Replies, the number of the patch it
	// answers (0: the cover letter).
	replyTargets []int

	firstSeq int
	created  time.Time // date of the message that created the series
	markers  markerKey
}

// Part is one numbered patch of a series.
type Part struct {
	Number int
	Post   *Post
	// Trailers are all trailers of the patch in order: its own, then those
	// collected from replies, cover replies and the previous revision,
	// deduplicated.
	Trailers []Trailer
	// Carried is set when the part was taken over unchanged from the
	// previous revision (a partial re-roll that resent only some patches).
	Carried bool
}

// Superseded reports whether a newer revision of the series exists.
func (s *Series) Superseded() bool { return s.Next != nil }

// Part returns the part numbered n, or nil.
func (s *Series) Part(n int) *Part {
	for _, p := range s.Parts {
		if p.Number == n {
			return p
		}
	}
	return nil
}

// Complete reports whether every part 1..Total is present.
func (s *Series) Complete() bool { return len(s.Missing) == 0 }

// Reviewed reports whether any patch carries a verified Reviewed-by,
// Acked-by or Tested-by from someone other than its author, given in a
// reply or already written into the patch (collected from an earlier
// revision).
func (s *Series) Reviewed() bool {
	for _, p := range s.Parts {
		for _, t := range p.Trailers {
			if reviewBy(t, p.Post) {
				return true
			}
		}
	}
	return false
}

// reviewBy reports whether t, on post p, is a review by someone: a
// verified Reviewed-by, Acked-by or Tested-by whose person is not the
// patch's author.
func reviewBy(t Trailer, p *Post) bool {
	return t.IsReview() && t.Verified && t.Person != nil && !strings.EqualFold(t.Person.Email, p.Author.Email)
}

// Latest returns the newest revision of s's family (s itself when none
// supersedes it), following Next at most 64 times.
func (s *Series) Latest() *Series {
	for n := 0; s != nil && s.Next != nil && n < 64; n++ {
		s = s.Next
	}
	return s
}

// Older returns the earlier revisions, nearest first.
func (s *Series) Older() []*Series {
	var out []*Series
	for p := s.Previous; p != nil && len(out) < 64; p = p.Previous {
		out = append(out, p)
	}
	return out
}

// Posts returns the cover (if any) and the patches, in number order.
func (s *Series) Posts() []*Post {
	var out []*Post
	if s.Cover != nil {
		out = append(out, s.Cover)
	}
	for _, p := range s.Parts {
		out = append(out, p.Post)
	}
	return out
}

func (s *Series) has(n int) bool { return s.Part(n) != nil }

func (s *Series) addPart(p *Post, n int) {
	s.Parts = append(s.Parts, &Part{Number: n, Post: p})
	sort.SliceStable(s.Parts, func(i, j int) bool { return s.Parts[i].Number < s.Parts[j].Number })
	s.absorb(p)
}

func (s *Series) absorb(p *Post) {
	if !p.Date.IsZero() && (s.Date.IsZero() || p.Date.Before(s.Date)) {
		s.Date = p.Date
	}
	if p.Tags.VersionExplicit && !s.VersionExplicit {
		s.Version, s.VersionExplicit, s.Point = p.Tags.Version, true, p.Tags.Point
	}
	s.RFC = s.RFC || p.Tags.RFC
	s.Resend = s.Resend || p.Tags.Resend
	s.Pull = s.Pull || p.Pull
	if s.ChangeID == "" {
		s.ChangeID = p.ChangeID
	}
	if p.Tags.Counter && p.Tags.Total > s.Total {
		s.Total = p.Tags.Total
	}
}

// finish computes the derived fields once all messages are in.
func (s *Series) finish() {
	switch {
	case s.Cover != nil:
		s.ID = s.Cover.MessageID
		s.Title = s.Cover.Tags.Title
	case len(s.Parts) > 0:
		first := s.Parts[0].Post
		s.ID = first.MessageID
		s.Title = first.Tags.Title
	}
	if s.Total == 0 {
		s.Total = len(s.Parts)
	}
	s.Missing, s.Extra = nil, nil
	for n := 1; n <= s.Total; n++ {
		if !s.has(n) {
			s.Missing = append(s.Missing, n)
		}
	}
	for _, p := range s.Parts {
		if p.Number > s.Total {
			s.Extra = append(s.Extra, p.Number)
		}
	}
}
