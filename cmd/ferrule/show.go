package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"ferrule/mail"
	"ferrule/review"
)

// showReport is the JSON of `ferrule show`.
type showReport struct {
	Series    review.SeriesReport `json:"series"`
	Versions  []versionReport     `json:"versions"`
	Interdiff *interdiffReport    `json:"interdiff"`
}

type versionReport struct {
	Version    int              `json:"version"`
	ID         string           `json:"id"`
	Date       string           `json:"date"`
	Current    bool             `json:"current"`
	Superseded bool             `json:"superseded"`
	Patches    []versionPatch   `json:"patches"`
	Trailers   []review.Trailer `json:"cover_trailers"`
}

type versionPatch struct {
	Number   int              `json:"number"`
	Subject  string           `json:"subject"`
	Date     string           `json:"date"`
	Trailers []review.Trailer `json:"trailers"`
}

type interdiffReport struct {
	From        string               `json:"from"`
	To          string               `json:"to"`
	FromVersion int                  `json:"from_version"`
	ToVersion   int                  `json:"to_version"`
	Patches     []review.PatchChange `json:"patches"`
}

// runShow is `ferrule show ID [INPUT…]`.
func runShow(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "show",
		"usage: ferrule show [flags] ID [INPUT…]",
		"ID is a series id, the Message-ID of any of its messages (with or without <>), or a lore URL.",
		"Shows every version, trailers, files, findings with their hunks, and the interdiff from the previous version.",
	)
	format := fs.String("format", "text", "output format: text or json")
	tree := fs.String("tree", "", "kernel checkout for whole-file analysis")
	configPath := fs.String("c", "", "config file")
	dbPath := fs.String("db", "", "sqlite store to read when no input is given (default $XDG_DATA_HOME/ferrule/ferrule.db)")
	if code, ok := parseWithID(fs, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(e.stderr, "ferrule show: unknown --format %q (text, json)\n", *format)
		return exitUsage
	}
	id := parseID(fs.Arg(0))
	opts, _, err := configuredAnalysis(*configPath, *tree)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule show: %v\n", err)
		return exitUsage
	}
	opts.Inspect.KeepHunks = true
	var src mail.Source
	if fs.NArg() == 1 {
		path := *dbPath
		if path == "" {
			path = defaultDBPath(e)
		}
		db, s, err := storeSource(ctx, e, path, nil, true)
		if err != nil {
			fmt.Fprintf(e.stderr, "ferrule show: %v\n", err)
			return exitUsage
		}
		defer db.Close()
		src = s
	} else {
		ms, err := mail.Open(fs.Args()[1:], &mail.OpenOptions{Stdin: e.stdin})
		if err != nil {
			fmt.Fprintf(e.stderr, "ferrule show: %v\n", err)
			return exitUsage
		}
		defer ms.Close()
		src = ms
	}
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule show: %v\n", err)
		return exitRuntime
	}
	s := findSeries(res, id)
	if s == nil {
		fmt.Fprintf(e.stderr, "ferrule show: no series with a message <%s> in the input\n", id)
		return exitUsage
	}
	weights, err := configuredWeights(*configPath)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule show: %v\n", err)
		return exitUsage
	}
	rep := buildShow(s, weights, e.clock())
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if enc.Encode(rep) != nil {
			return exitRuntime
		}
		return exitOK
	}
	if renderShow(e.stdout, rep, textStyle(e)) != nil {
		return exitRuntime
	}
	return exitOK
}

// parseID accepts a Message-ID with or without <>, or a lore or
// patch.msgid.link URL.
func parseID(v string) string {
	v = strings.TrimSpace(v)
	if u, err := url.Parse(v); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
		for i, p := range parts {
			p, _ = url.PathUnescape(p)
			if strings.Contains(p, "@") {
				return p
			}
			if p == "r" && i+1 < len(parts) {
				q, _ := url.PathUnescape(parts[i+1])
				return q
			}
		}
	}
	return strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
}

func findSeries(res *review.Result, id string) *review.Series {
	for _, s := range res.Series {
		if s.ID == id {
			return s
		}
	}
	return res.SeriesOf(id)
}

func buildShow(s *review.Series, w *review.Weights, now time.Time) *showReport {
	one := &review.Result{Series: []*review.Series{s}}
	sr := review.BuildReport(one, &review.ReportOptions{Weights: w, Now: now}).Series[0]
	rep := &showReport{Series: sr}
	chain := append([]*review.Series{}, s.Older()...)
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	chain = append(chain, s)
	for n := s.Next; n != nil; n = n.Next {
		chain = append(chain, n)
	}
	for _, v := range chain {
		vr := versionReport{Version: v.Version, ID: v.ID, Date: v.Date.UTC().Format("2006-01-02 15:04 UTC"),
			Current: v == s, Superseded: v.Superseded(), Trailers: v.CoverTrailers}
		for _, p := range v.Parts {
			vr.Patches = append(vr.Patches, versionPatch{Number: p.Number, Subject: p.Post.Subject,
				Date: p.Post.Date.UTC().Format("2006-01-02 15:04 UTC"), Trailers: p.Trailers})
		}
		rep.Versions = append(rep.Versions, vr)
	}
	if s.Previous != nil {
		rep.Interdiff = &interdiffReport{From: s.Previous.ID, To: s.ID, FromVersion: s.Previous.Version, ToVersion: s.Version,
			Patches: review.Interdiff(s.Previous, s)}
	}
	return rep
}

func renderShow(w io.Writer, rep *showReport, st style) error {
	ew := &errWriter{w: w}
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
					ts = append(ts, t.Name+": "+t.Value)
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
		ew.printf("  %-13s +%d -%d  %s\n", ct.class, ct.added, ct.deleted, strings.Join(ct.files, ", "))
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
	return ew.err
}
