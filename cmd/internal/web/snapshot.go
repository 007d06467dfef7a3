package web

import (
	"context"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"sync"
	"time"

	"ferrule/review"
)

// Source is what the pages read: the stored review results. *store.DB
// implements it.
type Source interface {
	// Reports returns every stored series report.
	Reports(ctx context.Context) ([]review.SeriesReport, error)
	// Series returns the stored report of one series.
	Series(ctx context.Context, id string) (*review.SeriesReport, error)
}

// Stamper is implemented by a Source that can say cheaply when its
// results last changed (the latest review time). Without it the handler
// re-reads the reports every Options.Refresh.
type Stamper interface {
	ReviewedAt(ctx context.Context) (time.Time, error)
}

// Interdiffer is implemented by a Source that can compute the interdiff
// between two stored revisions, with the diff of diffs of each changed
// patch, from their stored messages (results.View does, for a store):
// stored reports keep no hunks. It compares the changed patches in order
// until their diffs reach maxLines lines: the first compared changes are
// complete, the changed patches after them have no diff. ok is false
// when it cannot (a message is missing); the series page then says only
// which patches changed.
type Interdiffer interface {
	Interdiff(ctx context.Context, older, newer *review.SeriesReport, maxLines int) (changes []review.PatchChange, compared int, ok bool, err error)
}

// row is what the queue and the maintainer page need of one series; the
// full report is read from the Source only for a series page.
type row struct {
	ID, Title          string
	Version, Total     int
	Parts              int
	RFC, Resend, Pull  bool
	Author             string
	State, StateReason string
	Tier               review.Tier
	Score              float64
	Reasons            []string
	Date, Latest       time.Time
	Reviews            int // review trailers (Reviewed-by, Acked-by, Tested-by)
	Findings           int
	Complete           bool
	Maintainers        []review.Responsible
	Files              []string
	SupersededBy       string
	Supersedes         []string
}

// snapshot is one read of the Source, kept until the results change.
type snapshot struct {
	stamp  time.Time // Last-Modified
	sum    uint64    // content hash, for the ETag
	rows   []*row    // queue order: tier, score, waiting longest
	byID   map[string]*row
	byMsg  map[string]string // patch and cover Message-IDs → series id
	counts map[string]int    // series by state
}

// cache holds the current snapshot and reloads it when the Source says
// its results changed (or, without a Stamper, every refresh).
type cache struct {
	src     Source
	refresh time.Duration
	now     func() time.Time

	mu      sync.Mutex
	cur     *snapshot
	checked time.Time // when the Source was last asked
	stamp   time.Time // the Stamper's time at the last load
}

func (c *cache) get(ctx context.Context) (*snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if st, ok := c.src.(Stamper); ok {
		t, err := st.ReviewedAt(ctx)
		if err != nil {
			return nil, fmt.Errorf("review time: %w", err)
		}
		if c.cur != nil && t.Equal(c.stamp) {
			return c.cur, nil
		}
		s, err := load(ctx, c.src)
		if err != nil {
			return nil, err
		}
		s.stamp = t
		c.cur, c.stamp = s, t
		return s, nil
	}
	if c.cur != nil && now.Sub(c.checked) < c.refresh {
		return c.cur, nil
	}
	s, err := load(ctx, c.src)
	if err != nil {
		return nil, err
	}
	c.checked = now
	if c.cur != nil && c.cur.sum == s.sum {
		return c.cur, nil
	}
	s.stamp = now.UTC().Truncate(time.Second)
	c.cur = s
	return s, nil
}

func load(ctx context.Context, src Source) (*snapshot, error) {
	reps, err := src.Reports(ctx)
	if err != nil {
		return nil, fmt.Errorf("load reports: %w", err)
	}
	s := &snapshot{byID: map[string]*row{}, byMsg: map[string]string{}, counts: map[string]int{}}
	h := fnv.New64a()
	for i := range reps {
		r := &reps[i]
		if _, dup := s.byID[r.ID]; dup {
			continue
		}
		w := summarise(r)
		s.rows = append(s.rows, w)
		s.byID[r.ID] = w
		s.counts[w.State]++
		if r.CoverMessageID != nil {
			s.byMsg[*r.CoverMessageID] = r.ID
		}
		for _, p := range r.Patches {
			if p.MessageID != "" {
				s.byMsg[p.MessageID] = r.ID
			}
		}
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00%g\x00%s\x00%s\x00%s\x00%d\x00%d\x00", r.ID, r.Version, r.Tier, r.Score,
			w.State, r.Latest, strings.Join(r.Reasons, "\x01"), w.Reviews, w.Findings)
	}
	s.sum = h.Sum64()
	order := map[review.Tier]int{review.MustLook: 0, review.ShouldLook: 1, review.FYI: 2}
	sort.SliceStable(s.rows, func(i, j int) bool {
		a, b := s.rows[i], s.rows[j]
		if order[a.Tier] != order[b.Tier] {
			return order[a.Tier] < order[b.Tier]
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.Latest.Before(b.Latest)
	})
	return s, nil
}

func summarise(r *review.SeriesReport) *row {
	w := &row{
		ID: r.ID, Title: r.Title, Version: r.Version, Total: r.Total, Parts: len(r.Patches),
		RFC: r.RFC, Resend: r.Resend, Pull: r.Pull,
		Author: r.Author.Name, Tier: r.Tier, Score: r.Score,
		Findings: len(r.Findings), Complete: r.Complete,
		Maintainers: r.Maintainers, Supersedes: r.Supersedes,
	}
	if w.Author == "" {
		w.Author = r.Author.Email
	}
	w.State, w.StateReason = stateOf(r)
	if len(r.Reasons) > 0 {
		w.Reasons = r.Reasons[:min(len(r.Reasons), 3)]
	}
	w.Date, _ = time.Parse(time.RFC3339, r.Date)
	w.Latest, _ = time.Parse(time.RFC3339, r.Latest)
	if w.Latest.IsZero() {
		w.Latest = w.Date
	}
	if r.SupersededBy != nil {
		w.SupersededBy = *r.SupersededBy
	}
	seen := map[string]bool{}
	for _, p := range r.Patches {
		w.Findings += len(p.Findings)
		for _, t := range p.Trailers {
			if t.IsReview() {
				w.Reviews++
			}
		}
		if d, err := time.Parse(time.RFC3339, p.Date); err == nil && d.After(w.Latest) {
			w.Latest = d
		}
		for _, f := range p.Files {
			if !seen[f.Path] {
				seen[f.Path] = true
				w.Files = append(w.Files, f.Path)
			}
		}
	}
	return w
}
