package review

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"ferrule/mail"
	"ferrule/review/diff"
)

// Report is the JSON output contract of `ferrule review` (PRODUCT.md "JSON
// output contract"). Fields may be added; existing ones keep their meaning.
type Report struct {
	Messages Counts           `json:"messages"`
	Series   []SeriesReport   `json:"series"`
	Unparsed []UnparsedReport `json:"unparsed"`

	shared *sharedJSON // see ShareJSON
}

// SeriesReport is one series revision.
type SeriesReport struct {
	ID string `json:"id"`
	// ShortID is a short handle on the series (ShortID(ID)) that show,
	// reply and thanks accept.
	ShortID        string       `json:"short_id"`
	Title          string       `json:"title"`
	Version        int          `json:"version"`
	Total          int          `json:"total"`
	RFC            bool         `json:"rfc"`
	Resend         bool         `json:"resend"`
	Pull           bool         `json:"pull"`
	PullURL        string       `json:"pull_url,omitempty"`
	Author         mail.Address `json:"author"`
	Date           string       `json:"date"`
	CoverMessageID *string      `json:"cover_message_id"`
	Complete       bool         `json:"complete"`
	Missing        []int        `json:"missing"`
	Extra          []int        `json:"extra"`
	Duplicates     []int        `json:"duplicates"`
	Supersedes     []string     `json:"supersedes"`
	SupersededBy   *string      `json:"superseded_by"`
	Superseded     bool         `json:"superseded"`
	ChangeID       string       `json:"change_id,omitempty"`
	Reviewed       bool         `json:"reviewed"`
	// State is where the series stands (new, reviewed,
	// changes-requested, applied, rejected, superseded, stale) and
	// StateReason why.
	State       State         `json:"state"`
	StateReason string        `json:"state_reason"`
	Replies     int           `json:"replies"`
	Patches     []PatchReport `json:"patches"`
	// Findings are series-level findings; per-patch ones are under each
	// patch.
	Findings []Finding `json:"findings"`
	// Maintainers are who must look, from MAINTAINERS, with the reason.
	Maintainers []Responsible `json:"maintainers"`

	Score   float64  `json:"score"`
	Tier    Tier     `json:"tier"`
	Reasons []string `json:"reasons"`
	// Latest is the date of the series' newest message (RFC 3339).
	Latest string `json:"latest"`
	// Interdiff is the change from the previous revision (Supersedes[0]),
	// with ReportOptions.Interdiff and the hunks it needs kept
	// (InspectOptions.KeepHunks): what a stored report shows later.
	Interdiff []PatchChange `json:"interdiff,omitempty"`
}

// PatchReport is one part of a series.
type PatchReport struct {
	Number    int          `json:"number"`
	MessageID string       `json:"message_id"`
	Subject   string       `json:"subject"`
	Author    mail.Address `json:"author"`
	Date      string       `json:"date"`
	Carried   bool         `json:"carried,omitempty"`
	PatchID   string       `json:"patch_id,omitempty"`
	DiffError string       `json:"diff_error,omitempty"`
	Files     []diff.File  `json:"files"`
	Trailers  []Trailer    `json:"trailers"`
	Findings  []Finding    `json:"findings"`
}

// UnparsedReport is a message that could not be decoded or whose diff was
// rejected.
type UnparsedReport struct {
	Source    string `json:"source"`
	MessageID string `json:"message_id,omitempty"`
	Subject   string `json:"subject,omitempty"`
	Error     string `json:"error"`
}

// ReportOptions configures [BuildReport]. The zero value ranks with
// DefaultWeights and keeps every series.
type ReportOptions struct {
	Weights *Weights
	Filter  *Filter
	// Limit keeps the first Limit series (0: all).
	Limit int
	// Now is when the report is made, for waiting times (or the newest
	// message of the input, when that is earlier); zero leaves them out.
	Now time.Time
	// Me are the reader's own addresses (`--maintainer`, `me:` in the
	// config): series MAINTAINERS routes to them weigh Weights.Mine times
	// more and come first within their tier.
	Me []string
	// Interdiff fills each SeriesReport's Interdiff (the posts must have
	// kept their hunks).
	Interdiff bool
}

// Equal reports whether o and p make the same report: the same weights
// (the same pointer), the same reader, time and interdiffs, and both keep
// every series (no limit, a filter that keeps all).
func (o *ReportOptions) Equal(p *ReportOptions) bool {
	return o.Weights == p.Weights && o.Filter.keepsAll() && p.Filter.keepsAll() &&
		o.Limit == 0 && p.Limit == 0 && o.Now.Equal(p.Now) &&
		slices.Equal(o.Me, p.Me) && o.Interdiff == p.Interdiff
}

// BuildReport converts a result into the report, ranked: the queue first
// (open series: new, reviewed, changes-requested) by tier, then those
// routed to the reader (Me), then score, then the longest waiting; then
// the rest by state (applied, rejected, stale, superseded), newest first.
func BuildReport(r *Result, opts *ReportOptions) *Report {
	var o ReportOptions
	if opts != nil {
		o = *opts
	}
	rep := &Report{Messages: r.Counts, Series: []SeriesReport{}, Unparsed: []UnparsedReport{}}
	type ranked struct {
		s    *Series
		r    Ranking
		mine bool
	}
	w := o.Weights
	if w == nil {
		w = &DefaultWeights
	}
	// Waiting is counted up to the newest message of the input when that
	// is earlier than Now, as staleness is: an old archive reads like a
	// live list on its last day.
	if newest := newestDate(r.Posts); !newest.IsZero() && newest.Before(o.Now) {
		o.Now = newest
	}
	var list []ranked
	for _, s := range r.Series {
		if len(s.Parts) == 0 && s.Cover == nil {
			continue
		}
		rk := Rank(s, o.Weights)
		if !o.Now.IsZero() && s.open() && !s.Reviewed() {
			// Age orders series within a tier (below) and is said, but
			// does not move a series between tiers.
			if days := int(o.Now.Sub(latest(s)).Hours() / 24); days >= 7 {
				rk.Reasons = append(rk.Reasons, fmt.Sprintf("waiting %d days without review", days))
			}
		}
		mine := ""
		if len(o.Me) > 0 {
			mine = routedTo(s, o.Me)
		}
		if mine != "" {
			rk.Score = math.Round(rk.Score*w.Mine*10) / 10
			rk.Reasons = append([]string{"yours: " + mine}, rk.Reasons...)
		}
		if !o.Filter.Match(s, rk) {
			continue
		}
		list = append(list, ranked{s, rk, mine != ""})
	}
	tierOrder := map[Tier]int{MustLook: 0, ShouldLook: 1, FYI: 2}
	closedOrder := map[State]int{StateApplied: 0, StateRejected: 1, StateStale: 2, StateSuperseded: 3}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.s.open() != b.s.open() {
			return a.s.open()
		}
		if !a.s.open() {
			// the rest: by state, newest first
			if ca, cb := closedOrder[a.s.state()], closedOrder[b.s.state()]; ca != cb {
				return ca < cb
			}
			return a.s.Date.After(b.s.Date)
		}
		if tierOrder[a.r.Tier] != tierOrder[b.r.Tier] {
			return tierOrder[a.r.Tier] < tierOrder[b.r.Tier]
		}
		if a.mine != b.mine {
			return a.mine
		}
		if a.r.Score != b.r.Score {
			return a.r.Score > b.r.Score
		}
		return a.s.Date.Before(b.s.Date) // waiting longest first
	})
	if o.Limit > 0 && len(list) > o.Limit {
		list = list[:o.Limit]
	}
	for _, x := range list {
		sr := seriesReport(x.s)
		if o.Interdiff && x.s.Previous != nil && keptHunks(x.s) && keptHunks(x.s.Previous) {
			sr.Interdiff = Interdiff(x.s.Previous, x.s)
		}
		sr.Score, sr.Tier, sr.Reasons = x.r.Score, x.r.Tier, x.r.Reasons
		rep.Series = append(rep.Series, sr)
	}
	for _, p := range r.Unparsed {
		rep.Unparsed = append(rep.Unparsed, UnparsedReport{Source: p.Position, MessageID: idUnlessSynthetic(p), Subject: p.Subject, Error: p.Error})
	}
	return rep
}

// state is the series' state; a series whose states were not derived
// (hand-built results) is superseded or new.
func (s *Series) state() State {
	switch {
	case s.State != "":
		return s.State
	case s.Superseded():
		return StateSuperseded
	}
	return StateNew
}

// open says whether the series is in the queue.
func (s *Series) open() bool { return s.state().Open() }

// CurrentState is the report's state (State); a report saved before
// states were derived is superseded when a newer revision is known,
// reviewed when it has review trailers, else new. Every reader of saved
// reports (filters, digests, renderers, the web view) asks this.
func (s *SeriesReport) CurrentState() State {
	switch {
	case s.State != "":
		return s.State
	case s.Superseded || s.SupersededBy != nil:
		return StateSuperseded
	case s.Reviewed:
		return StateReviewed
	}
	return StateNew
}

// routedTo says how MAINTAINERS routes s to one of the addresses
// ("maintainer of PWM SUBSYSTEM"), or "" when it does not.
func routedTo(s *Series, me []string) string {
	for _, r := range s.Responsible {
		for _, m := range me {
			if strings.EqualFold(r.Email, m) {
				role, section, _ := strings.Cut(r.Role, ":")
				if section == "" {
					return role
				}
				return role + " of " + section
			}
		}
	}
	return ""
}

func idUnlessSynthetic(p *Post) string {
	if p.SyntheticID {
		return ""
	}
	return p.MessageID
}

func seriesReport(s *Series) SeriesReport {
	sr := SeriesReport{
		ID: s.ID, ShortID: ShortID(s.ID), Title: s.Title, Version: s.Version, Total: s.Total,
		RFC: s.RFC, Resend: s.Resend, Pull: s.Pull,
		Author:      s.Sender,
		Date:        rfc3339(s.Date),
		Complete:    s.Complete(),
		Missing:     nonNil(s.Missing),
		Extra:       nonNil(s.Extra),
		Duplicates:  nonNil(s.Duplicates),
		Supersedes:  []string{},
		Superseded:  s.Superseded(),
		ChangeID:    s.ChangeID,
		Reviewed:    s.Reviewed(),
		State:       s.State,
		StateReason: s.StateReason,
		Replies:     len(s.Replies),
		Patches:     []PatchReport{},
		Findings:    nonNilFindings(s.Findings),
		Maintainers: s.Responsible,
	}
	if sr.Maintainers == nil {
		sr.Maintainers = []Responsible{}
	}
	for _, pt := range s.Parts {
		if pt.Post.PullURL != "" {
			sr.PullURL = pt.Post.PullURL
			break
		}
	}
	if s.Cover != nil {
		id := s.Cover.MessageID
		sr.CoverMessageID = &id
		if s.Cover.Sender.Email != "" {
			sr.Author = s.Cover.Sender
		}
	}
	for _, o := range s.Older() {
		sr.Supersedes = append(sr.Supersedes, o.ID)
	}
	if s.Next != nil {
		id := s.Next.ID
		sr.SupersededBy = &id
	}
	for _, pt := range s.Parts {
		p := pt.Post
		files := p.Files
		if files == nil {
			files = []diff.File{}
		}
		trailers := pt.Trailers
		if trailers == nil {
			trailers = []Trailer{}
		}
		sr.Patches = append(sr.Patches, PatchReport{
			Number: pt.Number, MessageID: p.MessageID, Subject: p.Subject,
			Author: p.Author, Date: rfc3339(p.Date), Carried: pt.Carried,
			PatchID: p.PatchID, DiffError: p.DiffErr, Files: files, Trailers: trailers,
			Findings: nonNilFindings(p.Findings),
		})
	}
	return sr
}

func nonNil(v []int) []int {
	if v == nil {
		return []int{}
	}
	return v
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func nonNilFindings(f []Finding) []Finding {
	if f == nil {
		return []Finding{}
	}
	return f
}

// keptHunks reports whether the hunks of s's patches were kept, which
// [Interdiff] needs.
func keptHunks(s *Series) bool {
	for _, pt := range s.Parts {
		if !keptPostHunks(pt.Post) {
			return false
		}
	}
	return true
}
