package review

import (
	"sort"
	"strings"
	"time"
)

// seriesWindow is how far apart (by Date) unthreaded patches with the same
// sender, version and total may be and still form one series. Patchwork
// uses the same 20 minutes (SERIES_DELAY_INTERVAL).
const seriesWindow = 20 * time.Minute

type markerKey struct {
	sender  string
	version int
	total   int
}

// Assembler groups posts into series as they arrive. Add posts in arrival
// order, then call Finish once. It is not safe for concurrent use.
//
// Placement follows Patchwork's parser: a patch joins the series that owns
// its own Message-ID or its nearest reference (In-Reply-To first, then
// References newest first); failing that, an unthreaded series with the same
// sender, version and total started within 20 minutes. A patch whose number
// the series already holds starts a new series. Unlike Patchwork, a
// reference to a series with a different explicit version is not followed,
// so a v2 sent in reply to v1 never merges into v1.
type Assembler struct {
	posts  []*Post
	byID   map[string]*Post
	series []*Series
	byRef  map[string]*Series
	byKey  map[markerKey][]*Series
	dups   []*Post
	// State configures the series states Finish derives.
	State StateOptions
}

// NewAssembler returns an empty assembler.
func NewAssembler() *Assembler {
	return &Assembler{
		byID:  map[string]*Post{},
		byRef: map[string]*Series{},
		byKey: map[markerKey][]*Series{},
	}
}

// Add places one post. A post whose Message-ID was already added is
// recorded as a duplicate and otherwise ignored.
func (a *Assembler) Add(p *Post) {
	p.Seq = len(a.posts) + len(a.dups)
	if p.MessageID != "" {
		if _, dup := a.byID[p.MessageID]; dup {
			a.dups = append(a.dups, p)
			return
		}
		a.byID[p.MessageID] = p
	}
	a.posts = append(a.posts, p)
	switch p.Kind {
	case KindPatch:
		a.placePatch(p)
	case KindCover:
		a.placeCover(p)
	case KindUnparsed:
		if p.HasDiff && !p.Tags.Reply {
			a.placePatch(p)
		}
	}
}

func (a *Assembler) placePatch(p *Post) {
	n, total := 1, 1
	var s *Series
	if p.Tags.Counter {
		n, total = p.Tags.Number, p.Tags.Total
		s = a.findByRefs(p)
		if s == nil {
			s = a.findByMarkers(p, total)
		}
	}
	if s != nil && s.has(n) {
		s.Duplicates = append(s.Duplicates, n)
		s = nil
	}
	if s == nil {
		s = a.newSeries(p, total)
		for _, r := range p.References {
			if _, taken := a.byRef[r]; !taken {
				a.byRef[r] = s
			}
		}
	}
	if _, taken := a.byRef[p.MessageID]; !taken {
		a.byRef[p.MessageID] = s
	}
	s.addPart(p, n)
}

func (a *Assembler) placeCover(p *Post) {
	s := a.byRef[p.MessageID]
	if s == nil || s.Cover != nil || !coverFits(p, s) {
		s = a.newSeries(p, p.Tags.Total)
		a.byRef[p.MessageID] = s
	}
	s.Cover = p
	if p.Tags.VersionExplicit {
		s.Version, s.VersionExplicit, s.Point = p.Tags.Version, true, p.Tags.Point
	}
	s.absorb(p)
}

// coverFits reports whether a cover letter may join a series that its
// patches created before it arrived.
func coverFits(c *Post, s *Series) bool {
	if !s.VersionExplicit {
		return true
	}
	return c.Tags.VersionExplicit && c.Tags.Version == s.Version || !c.Tags.VersionExplicit && s.Version == 1
}

// versionFits reports whether patch p may join s: a patch that states no
// version inherits the series' (the "[PATCH v3 0/4]" cover with "[PATCH
// n/4]" children case).
func versionFits(p *Post, s *Series) bool {
	return !p.Tags.VersionExplicit || p.Tags.Version == s.Version
}

func (a *Assembler) findByRefs(p *Post) *Series {
	if s := a.byRef[p.MessageID]; s != nil && versionFits(p, s) {
		return s
	}
	if p.InReplyTo != "" {
		if s := a.byRef[p.InReplyTo]; s != nil && versionFits(p, s) {
			return s
		}
	}
	for i := len(p.References) - 1; i >= 0; i-- {
		if s := a.byRef[p.References[i]]; s != nil && versionFits(p, s) {
			return s
		}
	}
	return nil
}

func (a *Assembler) findByMarkers(p *Post, total int) *Series {
	key := markerKey{strings.ToLower(p.Sender.Email), p.Tags.Version, total}
	list := a.byKey[key]
	for i := len(list) - 1; i >= 0; i-- {
		s := list[i]
		d := p.Date.Sub(s.created)
		if d < 0 {
			d = -d
		}
		if d <= seriesWindow {
			return s
		}
	}
	return nil
}

func (a *Assembler) newSeries(p *Post, total int) *Series {
	s := &Series{
		Version:         p.Tags.Version,
		VersionExplicit: p.Tags.VersionExplicit,
		Point:           p.Tags.Point,
		Total:           total,
		Sender:          p.Sender,
		Date:            p.Date,
		created:         p.Date,
		firstSeq:        p.Seq,
	}
	s.markers = markerKey{strings.ToLower(p.Sender.Email), p.Tags.Version, total}
	a.series = append(a.series, s)
	a.byKey[s.markers] = append(a.byKey[s.markers], s)
	return s
}

// Result is the outcome of assembly.
type Result struct {
	Counts   Counts
	Series   []*Series // in order of first arrival
	Posts    []*Post   // every distinct message, in arrival order
	Unparsed []*Post
	// Duplicates are messages whose Message-ID was seen before.
	Duplicates []*Post

	byID map[string]*Post
}

// Counts says how many messages of each kind the input held. Total is the
// number of messages read and the five kinds add up to it. Duplicates
// counts the deliveries that repeat an earlier Message-ID: they are
// classified and counted under their kind like any message, but assembled
// once.
type Counts struct {
	Total      int `json:"total"`
	Patches    int `json:"patches"`
	Covers     int `json:"covers"`
	Replies    int `json:"replies"`
	Other      int `json:"other"`
	Unparsed   int `json:"unparsed"`
	Duplicates int `json:"duplicates"`
}

// Post returns the message with the given Message-ID, or nil.
func (r *Result) Post(id string) *Post { return r.byID[id] }

// SeriesOf returns the series holding the message with the given
// Message-ID (as cover, patch or reply), or nil.
func (r *Result) SeriesOf(id string) *Series {
	for _, s := range r.Series {
		if s.ID == id {
			return s
		}
		for _, p := range s.Posts() {
			if p.MessageID == id {
				return s
			}
		}
		for _, p := range s.Replies {
			if p.MessageID == id {
				return s
			}
		}
	}
	return nil
}

// Finish completes assembly: naked cover letters, replies and their
// trailers, revision links, partial re-rolls, trailer carry-over and
// series states (a.State). It may
// be called again after more Adds (the daemon reviews incrementally): the
// derived state is rebuilt, the per-message work (decoding, diffs,
// findings) is not redone.
func (a *Assembler) Finish() *Result {
	a.reset()
	a.nakedCovers()
	for _, s := range a.series {
		s.finish()
	}
	a.attachReplies()
	linkRevisions(a.series)
	for _, s := range a.series {
		s.finish()
	}
	collectTrailers(a.series)

	r := &Result{Series: a.series, Posts: a.posts, Duplicates: a.dups, byID: a.byID}
	r.Counts.Total = len(a.posts) + len(a.dups)
	r.Counts.Duplicates = len(a.dups)
	for _, p := range append(append([]*Post{}, a.posts...), a.dups...) {
		switch p.Kind {
		case KindPatch:
			r.Counts.Patches++
		case KindCover:
			r.Counts.Covers++
		case KindReply:
			r.Counts.Replies++
		case KindOther:
			r.Counts.Other++
		case KindUnparsed:
			r.Counts.Unparsed++
			r.Unparsed = append(r.Unparsed, p)
		}
	}
	SetStates(r, &a.State)
	return r
}

// reset clears what Finish derives, so that it can run again.
func (a *Assembler) reset() {
	for _, s := range a.series {
		s.Replies, s.CoverTrailers, s.Findings, s.Responsible = nil, nil, nil, nil
		s.replyTargets = nil
		s.Previous, s.Next, s.InheritedCover = nil, nil, nil
		parts := s.Parts[:0]
		for _, p := range s.Parts {
			if !p.Carried {
				p.Trailers = nil
				parts = append(parts, p)
			}
		}
		s.Parts = parts
	}
}

// nakedCovers turns a same-sender thread root without a diff into the
// cover letter of the patches that reply to it (b4's naked cover).
func (a *Assembler) nakedCovers() {
	for _, s := range a.series {
		if s.Cover != nil || len(s.Parts) == 0 {
			continue
		}
		var root *Post
		for _, part := range s.Parts {
			id := part.Post.InReplyTo
			if id == "" && len(part.Post.References) > 0 {
				id = part.Post.References[0]
			}
			if c := a.byID[id]; c != nil && len(c.References) == 0 && !c.HasDiff &&
				(c.Kind == KindOther || c.Kind == KindReply) && !c.Tags.Reply &&
				strings.EqualFold(c.Sender.Email, s.Sender.Email) {
				root = c
				break
			}
		}
		if root == nil {
			continue
		}
		root.Kind = KindCover
		s.Cover = root
		s.absorb(root)
	}
}

// attachReplies hangs every reply on the series of the patch or cover it
// answers, walking up reply chains, and records the trailers it gives.
func (a *Assembler) attachReplies() {
	owner := map[string]*Series{}
	part := map[string]*Part{}
	for _, s := range a.series {
		for _, p := range s.Parts {
			owner[p.Post.MessageID] = s
			part[p.Post.MessageID] = p
		}
		if s.Cover != nil {
			owner[s.Cover.MessageID] = s
		}
	}
	for _, p := range a.posts {
		if p.Kind != KindReply {
			continue
		}
		target := a.replyTarget(p, owner)
		if target == "" {
			continue
		}
		s := owner[target]
		s.Replies = append(s.Replies, p)
		n := 0
		if pt := part[target]; pt != nil {
			n = pt.Number
		}
		s.replyTargets = append(s.replyTargets, n)
		if p.Bot != "" {
			continue
		}
		for _, t := range p.Trailers {
			t.seq = p.Seq
			if pt := part[target]; pt != nil {
				t.Source = "reply"
				pt.Trailers = append(pt.Trailers, t)
			} else {
				t.Source = "cover"
				s.CoverTrailers = append(s.CoverTrailers, t)
			}
		}
	}
}

// replyTarget returns the Message-ID of the patch or cover p answers.
func (a *Assembler) replyTarget(p *Post, owner map[string]*Series) string {
	cur := p
	for depth := 0; depth < 128; depth++ {
		parent := cur.InReplyTo
		if parent == "" && len(cur.References) > 0 {
			parent = cur.References[len(cur.References)-1]
		}
		if parent == "" {
			break
		}
		if owner[parent] != nil {
			return parent
		}
		next := a.byID[parent]
		if next == nil || next == cur {
			break
		}
		cur = next
	}
	for i := len(p.References) - 1; i >= 0; i-- {
		if owner[p.References[i]] != nil {
			return p.References[i]
		}
	}
	return ""
}

// collectTrailers fills every part's trailer list: its own, then those
// from replies, cover replies (also an inherited cover's) and carried ones,
// in arrival order, without repeats.
func collectTrailers(series []*Series) {
	for _, s := range series {
		cover := s.CoverTrailers
		if s.InheritedCover != nil && s.Previous != nil {
			cover = append(append([]Trailer{}, cover...), s.Previous.CoverTrailers...)
		}
		for _, pt := range s.Parts {
			given := append(append([]Trailer{}, pt.Trailers...), cover...)
			sort.SliceStable(given, func(i, j int) bool { return given[i].seq < given[j].seq })
			all := append([]Trailer{}, pt.Post.Trailers...)
			for _, t := range given {
				if !containsTrailer(all, t) {
					all = append(all, t)
				}
			}
			pt.Trailers = all
		}
	}
}

func containsTrailer(list []Trailer, t Trailer) bool {
	for _, x := range list {
		if sameTrailer(x, t) {
			return true
		}
	}
	return false
}
