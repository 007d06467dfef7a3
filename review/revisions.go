package review

import (
	"sort"
	"strings"
	"time"
)

const (
	// titleWindow bounds how far apart two series with the same sender and
	// title may be to count as revisions of one another.
	titleWindow = 365 * 24 * time.Hour
	// similarWindow bounds the weakest evidence: same sender, different
	// version, similar diffs to the same files.
	similarWindow = 180 * 24 * time.Hour
)

// linkRevisions groups series that are revisions of one another and links
// each to the next, strongest evidence first:
//
//  1. the same b4 change-id;
//  2. a series sent in reply to a message of another series by the same
//     sender (v2 threaded under v1);
//  3. the same sender and the same normalised title;
//  4. the same sender, a different version, mostly the same files and
//     similar removed (or, for new files, added) lines, for series whose
//     subject was reworded between versions;
//  5. a series folded whole into a later, larger one of a higher version
//     by the same sender (see linkFoldedIn).
//
// Within a group, revisions are ordered by version, then date; each one
// supersedes the one before. Partial re-rolls are then completed from the
// previous revision and trailers of unchanged patches carried forward.
func linkRevisions(series []*Series) {
	uf := newUnionFind(len(series))
	index := map[*Series]int{}
	owner := map[string]int{}
	for i, s := range series {
		index[s] = i
		for _, p := range s.Posts() {
			owner[p.MessageID] = i
		}
	}
	byChange := map[string]int{}
	bySenderTitle := map[string][]int{}
	bySender := map[string][]int{}
	for i, s := range series {
		if s.ChangeID != "" {
			if j, ok := byChange[s.ChangeID]; ok {
				uf.union(i, j)
			} else {
				byChange[s.ChangeID] = i
			}
		}
		sender := strings.ToLower(s.Sender.Email)
		if sender == "" || len(s.Parts) == 0 {
			continue
		}
		bySender[sender] = append(bySender[sender], i)
		key := sender + "\x00" + NormalizeTitle(s.Title)
		bySenderTitle[key] = append(bySenderTitle[key], i)
	}
	// 2: threaded under an earlier series of the same sender.
	for i, s := range series {
		head := s.Cover
		if head == nil && len(s.Parts) > 0 {
			head = s.Parts[0].Post
		}
		if head == nil {
			continue
		}
		for _, ref := range head.References {
			j, ok := owner[ref]
			if !ok || j == i {
				continue
			}
			t := series[j]
			if strings.EqualFold(t.Sender.Email, s.Sender.Email) && s.Version > t.Version {
				uf.union(i, j)
				break
			}
		}
	}
	// 3: same sender and title.
	for _, list := range bySenderTitle {
		for k := 1; k < len(list); k++ {
			a, b := series[list[k-1]], series[list[k]]
			if within(a.Date, b.Date, titleWindow) {
				uf.union(list[k-1], list[k])
			}
		}
	}
	// 4: reworded subjects, similar diffs. Only a later version looks for
	// an earlier one, which keeps this linear for prolific v1 senders.
	prints := map[int]*diffPrint{}
	printOf := func(i int) *diffPrint {
		if p, ok := prints[i]; ok {
			return p
		}
		p := newDiffPrint(series[i])
		prints[i] = p
		return p
	}
	for _, list := range bySender {
		for _, y := range list {
			b := series[y]
			if b.Version < 2 {
				continue
			}
			for _, x := range list {
				a := series[x]
				if a.Version >= b.Version || !within(a.Date, b.Date, similarWindow) || uf.find(x) == uf.find(y) {
					continue
				}
				if similarDiffs(printOf(x), printOf(y)) {
					uf.union(x, y)
				}
			}
		}
	}
	linkFoldedIn(series, bySender, uf)

	groups := map[int][]*Series{}
	for i, s := range series {
		r := uf.find(i)
		groups[r] = append(groups[r], s)
	}
	roots := make([]int, 0, len(groups))
	for r := range groups {
		roots = append(roots, r)
	}
	sort.Ints(roots)
	for _, r := range roots {
		g := groups[r]
		if len(g) < 2 {
			continue
		}
		sort.SliceStable(g, func(i, j int) bool {
			a, b := g[i], g[j]
			if a.Version != b.Version {
				return a.Version < b.Version
			}
			if a.Point != b.Point {
				return a.Point < b.Point
			}
			if !a.Date.Equal(b.Date) {
				return a.Date.Before(b.Date)
			}
			return a.firstSeq < b.firstSeq
		})
		for k := 1; k < len(g); k++ {
			g[k].Previous, g[k-1].Next = g[k-1], g[k]
			completeReroll(g[k])
			carryTrailers(g[k])
		}
	}
}

func within(a, b time.Time, d time.Duration) bool {
	x := a.Sub(b)
	if x < 0 {
		x = -x
	}
	return x <= d
}

// diffPrint is what similarDiffs compares of a series.
type diffPrint struct {
	files          map[string]bool
	removed, added map[uint64]bool
}

func newDiffPrint(s *Series) *diffPrint {
	return &diffPrint{files: fileSet(s), removed: lineSet(s, true), added: lineSet(s, false)}
}

// similarDiffs compares two series by the files they touch and the lines
// they remove (or add, when either removes too few).
func similarDiffs(a, b *diffPrint) bool {
	if len(a.files) == 0 || len(b.files) == 0 || jaccard(a.files, b.files) < 0.5 {
		return false
	}
	if len(a.removed) >= 3 && len(b.removed) >= 3 {
		return jaccard(a.removed, b.removed) >= 0.3
	}
	return len(a.added) >= 3 && len(b.added) >= 3 && jaccard(a.added, b.added) >= 0.5
}

func fileSet(s *Series) map[string]bool {
	m := map[string]bool{}
	for _, p := range s.Parts {
		for _, f := range p.Post.Files {
			m[f.Path] = true
		}
	}
	return m
}

func lineSet(s *Series, removed bool) map[uint64]bool {
	m := map[uint64]bool{}
	for _, p := range s.Parts {
		list := p.Post.Added
		if removed {
			list = p.Post.Removed
		}
		for _, h := range list {
			m[h] = true
		}
	}
	return m
}

func jaccard[K comparable](a, b map[K]bool) float64 {
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// completeReroll fills the gaps of a partial re-roll (b4: "Partial reroll
// detected, reconstituting from vN"): a cover-less revision with the same
// total whose patches answer the previous revision's patches of the same
// number takes the missing parts, unchanged, from the previous revision,
// and inherits its cover letter.
func completeReroll(s *Series) {
	prev := s.Previous
	if s.Cover != nil || len(s.Parts) == 0 || s.Total != prev.Total || len(s.Parts) >= s.Total {
		return
	}
	for _, pt := range s.Parts {
		old := prev.Part(pt.Number)
		if old == nil || !refersTo(pt.Post, old.Post.MessageID) {
			return
		}
	}
	for _, old := range prev.Parts {
		if !s.has(old.Number) && old.Number <= s.Total {
			s.Parts = append(s.Parts, &Part{Number: old.Number, Post: old.Post, Trailers: append([]Trailer{}, old.Trailers...), Carried: true})
		}
	}
	sort.SliceStable(s.Parts, func(i, j int) bool { return s.Parts[i].Number < s.Parts[j].Number })
	s.InheritedCover = prev.Cover
	s.finish()
}

func refersTo(p *Post, id string) bool {
	if p.InReplyTo == id {
		return true
	}
	for _, r := range p.References {
		if r == id {
			return true
		}
	}
	return false
}

// carryTrailers copies the review trailers of the previous revision's
// patches to this revision's patches with the same patch-id.
func carryTrailers(s *Series) {
	prev := s.Previous
	byID := map[string]*Part{}
	for _, pt := range prev.Parts {
		if pt.Post.PatchID != "" {
			byID[pt.Post.PatchID] = pt
		}
	}
	for _, pt := range s.Parts {
		if pt.Carried {
			continue
		}
		old := byID[pt.Post.PatchID]
		if old == nil || pt.Post.PatchID == "" {
			continue
		}
		for _, t := range old.Trailers {
			if t.Source == "patch" || containsTrailer(pt.Trailers, t) || containsTrailer(pt.Post.Trailers, t) {
				continue
			}
			t.Source = "carried"
			pt.Trailers = append(pt.Trailers, t)
		}
	}
}

type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
	}
	return u
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// union joins the sets of i and j, keeping the smaller root so that roots
// are stable.
func (u *unionFind) union(i, j int) {
	a, b := u.find(i), u.find(j)
	if a == b {
		return
	}
	if b < a {
		a, b = b, a
	}
	u.parent[b] = a
}

// linkFoldedIn links a series whose patches were all sent again inside a
// later, larger series of the same sender as that series' previous
// revision: a v1 of three patches folded into a v2 of seven, under a new
// title and with no v1 of its own. Only the newest of a group's
// revisions can be folded in, only into the oldest of another's, each
// group at most once either way and into the earliest such series:
// patches that merely travel as prerequisites of a series while their own
// continues are left alone, and a v1 and its RESEND do not fold into two
// different series.
func linkFoldedIn(series []*Series, bySender map[string][]int, uf *unionFind) {
	// The groups as the other rules left them: the links made here do
	// not change which series are the newest or oldest of theirs.
	root := make([]int, len(series))
	minVersion, maxVersion := map[int]int{}, map[int]int{}
	for i, s := range series {
		r := uf.find(i)
		root[i] = r
		if v, ok := minVersion[r]; !ok || s.Version < v {
			minVersion[r] = s.Version
		}
		if v, ok := maxVersion[r]; !ok || s.Version > v {
			maxVersion[r] = s.Version
		}
	}
	titles := map[int]map[string]bool{}
	titlesOf := func(i int) map[string]bool {
		if t, ok := titles[i]; ok {
			return t
		}
		t := map[string]bool{}
		for _, p := range series[i].Parts {
			t[NormalizeTitle(p.Post.Tags.Title)] = true
		}
		titles[i] = t
		return t
	}
	folded, took := map[int]bool{}, map[int]bool{} // by group root
	var candidates []int
	for _, list := range bySender {
		// Only the oldest revision of a group, and not a v1, can take
		// one: few of a prolific v1 sender's series.
		candidates = candidates[:0]
		for _, y := range list {
			if b := series[y]; b.Version >= 2 && b.Version == minVersion[root[y]] {
				candidates = append(candidates, y)
			}
		}
		if len(candidates) == 0 {
			continue
		}
		for _, x := range list {
			a := series[x]
			if a.Version != maxVersion[root[x]] || folded[root[x]] {
				continue
			}
			best := -1
			for _, y := range candidates {
				b := series[y]
				if b.Version <= a.Version || took[root[y]] ||
					len(b.Parts) <= len(a.Parts) || !b.Date.After(a.Date) || !within(a.Date, b.Date, similarWindow) {
					continue
				}
				if best >= 0 && !b.Date.Before(series[best].Date) {
					continue
				}
				if containsAll(titlesOf(y), titlesOf(x)) {
					best = y
				}
			}
			if best >= 0 {
				folded[root[x]], took[root[best]] = true, true
				uf.union(x, best)
			}
		}
	}
}

// containsAll reports whether every key of sub is in set.
func containsAll(set, sub map[string]bool) bool {
	for k := range sub {
		if !set[k] {
			return false
		}
	}
	return len(sub) > 0
}
