package review

import (
	"sort"
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
}

// SeriesReport is one series revision.
type SeriesReport struct {
	ID             string        `json:"id"`
	Title          string        `json:"title"`
	Version        int           `json:"version"`
	Total          int           `json:"total"`
	RFC            bool          `json:"rfc"`
	Resend         bool          `json:"resend"`
	Pull           bool          `json:"pull"`
	PullURL        string        `json:"pull_url,omitempty"`
	Author         mail.Address  `json:"author"`
	Date           string        `json:"date"`
	CoverMessageID *string       `json:"cover_message_id"`
	Complete       bool          `json:"complete"`
	Missing        []int         `json:"missing"`
	Extra          []int         `json:"extra"`
	Duplicates     []int         `json:"duplicates"`
	Supersedes     []string      `json:"supersedes"`
	SupersededBy   *string       `json:"superseded_by"`
	Superseded     bool          `json:"superseded"`
	ChangeID       string        `json:"change_id,omitempty"`
	Reviewed       bool          `json:"reviewed"`
	Replies        int           `json:"replies"`
	Patches        []PatchReport `json:"patches"`
	// Findings are series-level findings; per-patch ones are under each
	// patch.
	Findings []Finding `json:"findings"`
	// Maintainers are who must look, from MAINTAINERS, with the reason.
	Maintainers []Responsible `json:"maintainers"`
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

// BuildReport converts a result into the report, current revisions first
// (newest first), then superseded ones (newest first). Later issues order
// by attention score instead.
func BuildReport(r *Result) *Report {
	rep := &Report{Messages: r.Counts, Series: []SeriesReport{}, Unparsed: []UnparsedReport{}}
	series := append([]*Series{}, r.Series...)
	sort.SliceStable(series, func(i, j int) bool {
		a, b := series[i], series[j]
		if a.Superseded() != b.Superseded() {
			return !a.Superseded()
		}
		return a.Date.After(b.Date)
	})
	for _, s := range series {
		if len(s.Parts) == 0 && s.Cover == nil {
			continue
		}
		rep.Series = append(rep.Series, seriesReport(s))
	}
	for _, p := range r.Unparsed {
		rep.Unparsed = append(rep.Unparsed, UnparsedReport{Source: p.Position, MessageID: idUnlessSynthetic(p), Subject: p.Subject, Error: p.Error})
	}
	return rep
}

func idUnlessSynthetic(p *Post) string {
	if p.SyntheticID {
		return ""
	}
	return p.MessageID
}

func seriesReport(s *Series) SeriesReport {
	sr := SeriesReport{
		ID: s.ID, Title: s.Title, Version: s.Version, Total: s.Total,
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
