package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"ferrule/review"
	"ferrule/review/diff"
	"ferrule/review/rustcheck"
)

// seriesPage is the model of /s/ID.
type seriesPage struct {
	R           *review.SeriesReport
	Tag         string
	State       string
	StateReason string
	Age         string
	Lore        string
	Versions    []versionView
	Interdiff   *interdiffView
	Patches     []patchView
	Classes     []classView
	Findings    []findingView // series-level
	All         []findingView // every finding, for the summary
	NFindings   int
	Routed      []routeGroup
	API         string
}

// routeGroup is the addresses MAINTAINERS routes a series to under one
// role ("maintainer:PWM SUBSYSTEM").
type routeGroup struct {
	Role string
	Whom []routeView
}

func routeGroups(rs []review.Responsible) []routeGroup {
	var out []routeGroup
	at := map[string]int{}
	for _, m := range rs {
		i, ok := at[m.Role]
		if !ok {
			i = len(out)
			at[m.Role] = i
			out = append(out, routeGroup{Role: m.Role})
		}
		out[i].Whom = append(out[i].Whom, routeView{Email: m.Email, Href: maintainerHref(m.Email), Role: m.Role})
	}
	return out
}

type versionView struct {
	Version             int
	ID, Href, Date      string
	Parts               int
	Current, Superseded bool
	Known               bool // stored, so linkable
}

type interdiffView struct {
	FromVersion, ToVersion int
	FromHref               string
	Patches                []changeView
	// Diffs is set when the changed patches have their diff of diffs
	// (stored with the review, or computed by the Source's Interdiffer).
	Diffs bool
}

type changeView struct {
	review.PatchChange
	Where string
	Diff  template.HTML // escaped by diffHTML
	Cut   int           // lines of this patch's diff left out
	// NotCompared is set on a changed patch whose diff of diffs was not
	// computed: the page's earlier diffs reached maxInterdiffLines.
	NotCompared bool
}

type patchView struct {
	Number, Total int
	Subject, Lore string
	Author, Date  string
	DiffError     string
	Trailers      []trailerView
	Files         []diff.File
	Findings      []findingView
}

type trailerView struct {
	Name, Value, Source, By string
	Unverified              bool
}

type findingView struct {
	review.Finding
	Where  string
	Diff   template.HTML // escaped by diffHTML
	Prompt string
	Anchor string
}

type classView struct {
	Class          diff.Class
	Added, Deleted int
	Files          []string
}

// prompt is the reviewer's question for a finding, fitted to its layer
// (a driver is asked other things than an abstraction): the one place
// that knows where prompts live.
func prompt(f review.Finding) string { return rustcheck.PromptFor(f) }

// findSeries resolves an id: a series id, else the Message-ID of one of
// its patches or its cover.
func findSeries(snap *snapshot, id string) (*row, bool) {
	id = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
	if w, ok := snap.byID[id]; ok {
		return w, true
	}
	if sid, ok := snap.byMsg[id]; ok {
		w, ok := snap.byID[sid]
		return w, ok
	}
	return nil, false
}

func (h *handler) loadSeries(ctx context.Context, snap *snapshot, id string) (*review.SeriesReport, error) {
	w, ok := findSeries(snap, id)
	if !ok {
		return nil, fmt.Errorf("%w: no stored series %q", errNotFound, id)
	}
	r, err := h.opts.Source.Series(ctx, w.ID)
	if err != nil {
		return nil, fmt.Errorf("read series: %w", err)
	}
	return r, nil
}

func (h *handler) seriesModel(ctx context.Context, snap *snapshot, r *review.SeriesReport) (*seriesPage, error) {
	w := snap.byID[r.ID]
	if w == nil {
		w = summarise(r)
	}
	p := &seriesPage{R: r, Tag: versionTag(w), State: w.State, StateReason: w.StateReason,
		Age: age(h.opts.Now(), w.Latest), Lore: h.lore(r.ID), API: "/api" + seriesHref(r.ID)}
	p.Routed = routeGroups(r.Maintainers)
	p.Versions = versions(snap, w)
	if err := h.interdiff(ctx, snap, p, r); err != nil {
		return nil, err
	}
	classes := map[diff.Class]*classView{}
	for _, pt := range r.Patches {
		pv := patchView{Number: pt.Number, Total: r.Total, Subject: pt.Subject, Lore: h.lore(pt.MessageID),
			Author: pt.Author.String(), Date: showDate(pt.Date), DiffError: pt.DiffError, Files: pt.Files}
		for _, t := range pt.Trailers {
			pv.Trailers = append(pv.Trailers, trailerView{Name: t.Name, Value: t.Value, Source: t.Source,
				By: h.lore(t.ByMessageID), Unverified: !t.Verified})
		}
		for _, f := range pt.Findings {
			p.NFindings++
			pv.Findings = append(pv.Findings, h.findingView(f, fmt.Sprintf("%d/%d", pt.Number, r.Total), p.NFindings))
			p.All = append(p.All, pv.Findings[len(pv.Findings)-1])
		}
		for _, f := range pt.Files {
			c := classes[f.Class]
			if c == nil {
				c = &classView{Class: f.Class}
				classes[f.Class] = c
			}
			c.Added += f.Added
			c.Deleted += f.Deleted
			c.Files = appendOnce(c.Files, f.Path)
		}
		p.Patches = append(p.Patches, pv)
	}
	for _, f := range r.Findings {
		p.NFindings++
		p.Findings = append(p.Findings, h.findingView(f, "series", p.NFindings))
		p.All = append(p.All, p.Findings[len(p.Findings)-1])
	}
	for _, c := range classes {
		p.Classes = append(p.Classes, *c)
	}
	sort.Slice(p.Classes, func(i, j int) bool { return p.Classes[i].Class < p.Classes[j].Class })
	return p, nil
}

func (h *handler) findingView(f review.Finding, where string, n int) findingView {
	v := findingView{Finding: f, Where: where, Prompt: prompt(f), Anchor: fmt.Sprintf("f%d", n), Diff: diffHTML(f.Excerpt)}
	return v
}

// versions lists every stored revision of w's series, oldest first.
func versions(snap *snapshot, w *row) []versionView {
	var ids []string
	for i := len(w.Supersedes) - 1; i >= 0; i-- {
		ids = append(ids, w.Supersedes[i])
	}
	ids = append(ids, w.ID)
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	for next := w.SupersededBy; next != "" && !seen[next] && len(ids) < 64; {
		seen[next] = true
		ids = append(ids, next)
		n := snap.byID[next]
		if n == nil {
			break
		}
		next = n.SupersededBy
	}
	var out []versionView
	for _, id := range ids {
		v := versionView{ID: id, Href: seriesHref(id), Current: id == w.ID}
		if x := snap.byID[id]; x != nil {
			v.Known, v.Version, v.Parts, v.Superseded = true, x.Version, x.Parts, x.SupersededBy != ""
			v.Date = x.Date.UTC().Format("2006-01-02 15:04 UTC")
		}
		out = append(out, v)
	}
	return out
}

// interdiff shows the change from the previous revision: the stored diff
// of diffs when the review kept it, else the one the Source computes from
// the two revisions' stored messages (Interdiffer), else which patches
// changed, from the patch-ids of both stored reports. Long diffs are cut
// (capDiffs).
func (h *handler) interdiff(ctx context.Context, snap *snapshot, p *seriesPage, r *review.SeriesReport) error {
	if len(r.Supersedes) == 0 {
		return nil
	}
	prevID := r.Supersedes[0]
	d := &interdiffView{ToVersion: r.Version, FromHref: seriesHref(prevID)}
	prev, ok := snap.byID[prevID]
	if ok {
		d.FromVersion = prev.Version
	}
	changes := r.Interdiff
	compared := len(changes)
	d.Diffs = len(changes) > 0
	if !d.Diffs {
		if !ok {
			return nil
		}
		old, err := h.opts.Source.Series(ctx, prevID)
		if err != nil {
			return fmt.Errorf("read previous revision: %w", err)
		}
		if id, can := h.opts.Source.(Interdiffer); can {
			c, n, ok, err := id.Interdiff(ctx, old, r, maxInterdiffLines)
			switch {
			case err != nil:
				h.log.Warn("web: interdiff", "series", r.ID, "err", err)
			case ok:
				changes, compared, d.Diffs = c, n, true
			}
		}
		if !d.Diffs {
			changes = patchChanges(old, r)
		}
	}
	budget := maxInterdiffLines
	for i, c := range changes {
		cv := changeView{PatchChange: c, Where: fmt.Sprintf("%d → %d", c.From, c.To),
			NotCompared: d.Diffs && i >= compared && c.Status == "changed"}
		var kept int
		cv.PatchChange.Diff, kept, cv.Cut = capDiff(c.Diff, min(budget, maxPatchDiffLines))
		budget -= kept
		cv.Diff = diffHTML(cv.PatchChange.Diff)
		switch c.Status {
		case "added":
			cv.Where = fmt.Sprintf("new %d", c.To)
		case "dropped":
			cv.Where = fmt.Sprintf("was %d", c.From)
		}
		d.Patches = append(d.Patches, cv)
	}
	p.Interdiff = d
	return nil
}

// maxPatchDiffLines and maxInterdiffLines bound the diff of diffs a
// series page shows, per patch and in all: `ferrule show` gives the rest.
const (
	maxPatchDiffLines = 400
	maxInterdiffLines = 2000
)

// capDiff keeps the first max lines of a diff of diffs; cut counts the
// lines left out.
func capDiff(text string, max int) (out string, kept, cut int) {
	lines := strings.SplitAfter(strings.TrimRight(text, "\n"), "\n")
	if text == "" {
		return "", 0, 0
	}
	if max < 0 {
		max = 0
	}
	if len(lines) <= max {
		return text, len(lines), 0
	}
	return strings.Join(lines[:max], ""), max, len(lines) - max
}

// patchChanges pairs the patches of two stored revisions as
// review.Interdiff does (by normalised title, else by number) and says
// which are unchanged (same patch-id); the stored reports hold no hunks,
// so a changed patch has no diff.
func patchChanges(older, newer *review.SeriesReport) []review.PatchChange {
	title := func(p review.PatchReport) string { return review.ParseSubject(p.Subject).Title }
	used := make([]bool, len(older.Patches))
	norm := make([]string, len(older.Patches)) // each title parsed once
	for i, q := range older.Patches {
		norm[i] = review.NormalizeTitle(title(q))
	}
	var out []review.PatchChange
	for _, p := range newer.Patches {
		t := review.NormalizeTitle(title(p))
		o := -1
		for i := range older.Patches {
			if !used[i] && norm[i] == t {
				o = i
				break
			}
		}
		if o < 0 {
			for i, q := range older.Patches {
				if !used[i] && q.Number == p.Number {
					o = i
					break
				}
			}
		}
		if o < 0 {
			out = append(out, review.PatchChange{Status: "added", To: p.Number, Title: title(p)})
			continue
		}
		used[o] = true
		c := review.PatchChange{Status: "changed", From: older.Patches[o].Number, To: p.Number, Title: title(p)}
		if p.PatchID != "" && p.PatchID == older.Patches[o].PatchID {
			c.Status = "unchanged"
		}
		out = append(out, c)
	}
	for i, q := range older.Patches {
		if !used[i] {
			out = append(out, review.PatchChange{Status: "dropped", From: q.Number, Title: title(q)})
		}
	}
	return out
}

// diffHTML renders diff-form text as the lines of a <pre>, each in a
// span classed by its first character for colouring. The text is escaped
// here, line by line, rather than by the template: a long hunk is one
// template action instead of two per line.
func diffHTML(text string) template.HTML {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(text) + len(text)/2)
	for _, l := range strings.Split(text, "\n") {
		c := "ctx"
		switch {
		case strings.HasPrefix(l, "+"):
			c = "add"
		case strings.HasPrefix(l, "-"):
			c = "del"
		case strings.HasPrefix(l, "@@"), l == "…":
			c = "hunk"
		}
		b.WriteString(`<span class="`)
		b.WriteString(c)
		b.WriteString(`">`)
		b.WriteString(template.HTMLEscapeString(l))
		b.WriteString("</span>")
	}
	return template.HTML(b.String())
}

func showDate(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func appendOnce(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

func (h *handler) series(r *http.Request, snap *snapshot) (*response, error) {
	rep, err := h.loadSeries(r.Context(), snap, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p, err := h.seriesModel(r.Context(), snap, rep)
	if err != nil {
		return nil, err
	}
	return h.html("series", p.Tag+" "+rep.Title, p)
}
