package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"ferrule/review"
)

// ShowReport is the JSON of `ferrule show`: one series with all its
// versions and the interdiff from the previous one.
type ShowReport struct {
	Series    review.SeriesReport `json:"series"`
	Versions  []VersionReport     `json:"versions"`
	Interdiff *InterdiffReport    `json:"interdiff"`
}

// VersionReport is one version of the series.
type VersionReport struct {
	Version    int              `json:"version"`
	ID         string           `json:"id"`
	Date       string           `json:"date"`
	Current    bool             `json:"current"`
	Superseded bool             `json:"superseded"`
	Patches    []VersionPatch   `json:"patches"`
	Trailers   []review.Trailer `json:"cover_trailers"`
}

// VersionPatch is one patch of a version.
type VersionPatch struct {
	Number   int              `json:"number"`
	Subject  string           `json:"subject"`
	Date     string           `json:"date"`
	Trailers []review.Trailer `json:"trailers"`
}

// InterdiffReport is what changed from the previous version.
type InterdiffReport struct {
	From        string               `json:"from"`
	To          string               `json:"to"`
	FromVersion int                  `json:"from_version"`
	ToVersion   int                  `json:"to_version"`
	Patches     []review.PatchChange `json:"patches"`
}

// BuildShow is the show report of a series: its own report, every
// version of the chain, and the interdiff from its previous version.
func BuildShow(s *review.Series, w *review.Weights, now time.Time) *ShowReport {
	one := &review.Result{Series: []*review.Series{s}}
	return BuildShowFrom(s, review.BuildReport(one, &review.ReportOptions{Weights: w, Now: now}).Series[0])
}

// BuildShowFrom is BuildShow with the series' report already made (a
// saved review's): s gives only the versions and the interdiff.
func BuildShowFrom(s *review.Series, sr review.SeriesReport) *ShowReport {
	rep := &ShowReport{Series: sr}
	chain := append([]*review.Series{}, s.Older()...)
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	chain = append(chain, s)
	for n := s.Next; n != nil; n = n.Next {
		chain = append(chain, n)
	}
	for _, v := range chain {
		vr := VersionReport{Version: v.Version, ID: v.ID, Date: v.Date.UTC().Format("2006-01-02 15:04 UTC"),
			Current: v == s, Superseded: v.Superseded(), Trailers: v.CoverTrailers}
		for _, p := range v.Parts {
			vr.Patches = append(vr.Patches, VersionPatch{Number: p.Number, Subject: p.Post.Subject,
				Date: p.Post.Date.UTC().Format("2006-01-02 15:04 UTC"), Trailers: p.Trailers})
		}
		rep.Versions = append(rep.Versions, vr)
	}
	if s.Previous != nil {
		rep.Interdiff = &InterdiffReport{From: s.Previous.ID, To: s.ID, FromVersion: s.Previous.Version, ToVersion: s.Version,
			Patches: review.Interdiff(s.Previous, s)}
	}
	return rep
}

// BuildShowSaved is the show report from a saved review alone: the
// saved reports of every version, oldest first, with their cover
// trailers (by index), current the index of the series shown, and
// changes the interdiff from versions[current-1] (unused when current is
// 0). It says what BuildShowFrom says of the same review.
func BuildShowSaved(versions []review.SeriesReport, cover [][]review.Trailer, current int, changes []review.PatchChange) *ShowReport {
	s := versions[current]
	rep := &ShowReport{Series: s}
	for i, v := range versions {
		vr := VersionReport{Version: v.Version, ID: v.ID, Date: savedDate(v.Date), Current: i == current,
			Superseded: v.Superseded, Trailers: cover[i]}
		for _, p := range v.Patches {
			vr.Patches = append(vr.Patches, VersionPatch{Number: p.Number, Subject: p.Subject, Date: savedDate(p.Date), Trailers: p.Trailers})
		}
		rep.Versions = append(rep.Versions, vr)
	}
	if current > 0 {
		prev := versions[current-1]
		rep.Interdiff = &InterdiffReport{From: prev.ID, To: s.ID, FromVersion: prev.Version, ToVersion: s.Version, Patches: changes}
	}
	return rep
}

// savedDate formats a report's RFC 3339 date as show does ("" is the
// zero time, as an unknown date is in the review).
func savedDate(s string) string {
	t, _ := time.Parse(time.RFC3339, s)
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// ShowText writes a show report for people.
func ShowText(w io.Writer, rep *ShowReport, st Style) error {
	ew := newErrWriter(w)
	s := rep.Series
	ew.printf("%s %s (%s, score %.1f)\n", versionTag(s), s.Title, st.paint(s.Tier, tierLabel(s)), s.Score)
	for _, r := range s.Reasons {
		ew.printf("  - %s\n", r)
	}
	ew.printf("\nversions:\n")
	for _, v := range rep.Versions {
		mark := ""
		switch {
		case v.Current:
			mark = "  <- this one"
		case v.Superseded:
			mark = "  (superseded)"
		}
		ew.printf("  v%-3d %s  %d patches  <%s>%s\n", v.Version, v.Date, len(v.Patches), v.ID, mark)
		for _, t := range v.Trailers {
			ew.printf("        cover: %s\n", trailerText(t))
		}
		for _, p := range v.Patches {
			var ts []string
			for _, t := range p.Trailers {
				if t.Source != "patch" || t.IsReview() {
					ts = append(ts, trailerText(t)) // marked as review marks them
				}
			}
			ew.printf("        %d/%d %s", p.Number, len(v.Patches), review.ParseSubject(p.Subject).Title)
			if len(ts) > 0 {
				ew.printf("  [%s]", strings.Join(ts, "; "))
			}
			ew.printf("\n")
		}
	}
	ew.printf("\nfiles:\n")
	for _, ct := range filesByClass(s) {
		ew.printf("  %-13s %-9s %s\n", ct.class, fmt.Sprintf("+%d -%d", ct.added, ct.deleted), strings.Join(ct.files, ", "))
	}
	ew.printf("\nfindings:\n")
	n := 0
	for _, p := range s.Patches {
		for _, f := range p.Findings {
			n++
			ew.printf("  %d/%d %s\n", p.Number, s.Total, findingText(f))
			for _, l := range strings.Split(strings.TrimRight(f.Excerpt, "\n"), "\n") {
				if l != "" {
					ew.printf("        | %s\n", l)
				}
			}
		}
	}
	for _, f := range s.Findings {
		n++
		ew.printf("  series %s\n", findingText(f))
	}
	if n == 0 {
		ew.printf("  none\n")
	}
	if d := rep.Interdiff; d != nil {
		ew.printf("\ninterdiff v%d -> v%d:\n", d.FromVersion, d.ToVersion)
		for _, c := range d.Patches {
			where := fmt.Sprintf("%d -> %d", c.From, c.To)
			switch c.Status {
			case "added":
				where = fmt.Sprintf("new %d", c.To)
			case "dropped":
				where = fmt.Sprintf("was %d", c.From)
			}
			ew.printf("  %-9s %-8s %s\n", c.Status, where, c.Title)
			for _, l := range strings.Split(strings.TrimRight(c.Diff, "\n"), "\n") {
				if l != "" {
					ew.printf("        %s\n", l)
				}
			}
		}
	} else {
		ew.printf("\ninterdiff: no previous version in the input\n")
	}
	return ew.done()
}

// ShowOutput is `ferrule show`'s output: the report as indented JSON, or
// as ShowText's text.
func ShowOutput(w io.Writer, rep *ShowReport, format string, st Style) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return ShowText(w, rep, st)
}
