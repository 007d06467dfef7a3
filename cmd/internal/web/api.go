package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"ferrule/review"
	"ferrule/review/rustcheck"
)

// apiQueue is `ferrule review --format json`'s series list for the same
// filters as the queue page: {"series": [...]}.
type apiQueue struct {
	Series []review.SeriesReport `json:"series"`
	// Matched counts every series the filters keep; Series holds the
	// first `limit` of them.
	Matched int `json:"matched"`
}

// apiShow is `ferrule show --format json` for a stored series.
type apiShow struct {
	Series    review.SeriesReport `json:"series"`
	Versions  []apiVersion        `json:"versions"`
	Interdiff *apiInterdiff       `json:"interdiff"`
}

type apiVersion struct {
	Version    int    `json:"version"`
	ID         string `json:"id"`
	Date       string `json:"date"`
	Current    bool   `json:"current"`
	Superseded bool   `json:"superseded"`
	Patches    int    `json:"patches"`
	Stored     bool   `json:"stored"`
}

type apiInterdiff struct {
	From        string               `json:"from"`
	To          string               `json:"to"`
	FromVersion int                  `json:"from_version"`
	ToVersion   int                  `json:"to_version"`
	Patches     []review.PatchChange `json:"patches"`
	// Truncated says that some diffs of diffs were cut or left out, as
	// on the page (`ferrule show` gives them whole).
	Truncated bool `json:"truncated,omitempty"`
}

// apiMaintainer is what /m/EMAIL shows.
type apiMaintainer struct {
	Maintainer string                `json:"maintainer"`
	Series     []apiRouted           `json:"series"`
	Wrappers   *rustcheck.WrapperMap `json:"wrappers"`
}

type apiRouted struct {
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Version int         `json:"version"`
	Tier    review.Tier `json:"tier"`
	Score   float64     `json:"score"`
	State   string      `json:"state"`
	Role    string      `json:"role"`
}

func (h *handler) apiQueue(r *http.Request, snap *snapshot) (*response, error) {
	p, matched, err := h.queueModel(r, snap)
	if err != nil {
		return nil, err
	}
	out := apiQueue{Series: []review.SeriesReport{}, Matched: len(matched)}
	for i, w := range matched {
		if p.Filter.Limit > 0 && i >= p.Filter.Limit {
			break
		}
		rep, err := h.opts.Source.Series(r.Context(), w.ID)
		if err != nil {
			return nil, fmt.Errorf("read series: %w", err)
		}
		out.Series = append(out.Series, *rep)
	}
	return jsonResponse(out)
}

func (h *handler) apiSeries(r *http.Request, snap *snapshot) (*response, error) {
	rep, err := h.loadSeries(r.Context(), snap, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p, err := h.seriesModel(r.Context(), snap, rep)
	if err != nil {
		return nil, err
	}
	out := apiShow{Series: *rep, Versions: []apiVersion{}}
	out.Series.Interdiff = nil // given once, below
	for _, v := range p.Versions {
		out.Versions = append(out.Versions, apiVersion{Version: v.Version, ID: v.ID, Date: v.Date,
			Current: v.Current, Superseded: v.Superseded, Patches: v.Parts, Stored: v.Known})
	}
	if d := p.Interdiff; d != nil {
		ad := &apiInterdiff{From: rep.Supersedes[0], To: rep.ID, FromVersion: d.FromVersion, ToVersion: d.ToVersion,
			Patches: []review.PatchChange{}}
		for _, c := range d.Patches {
			ad.Patches = append(ad.Patches, c.PatchChange)
			ad.Truncated = ad.Truncated || c.Cut > 0 || c.NotCompared
		}
		out.Interdiff = ad
	}
	return jsonResponse(out)
}

func (h *handler) apiMaintainer(r *http.Request, snap *snapshot) (*response, error) {
	p, err := h.maintainerModel(r, snap, true)
	if err != nil {
		return nil, err
	}
	out := apiMaintainer{Maintainer: p.Email, Series: []apiRouted{}, Wrappers: p.Wrappers}
	for _, w := range p.Routed {
		out.Series = append(out.Series, apiRouted{ID: w.Row.ID, Title: w.Row.Title, Version: w.Row.Version, Tier: w.Row.Tier,
			Score: w.Row.Score, State: w.Row.State, Role: w.Role})
	}
	return jsonResponse(out)
}

func jsonResponse(v any) (*response, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return &response{contentType: "application/json; charset=utf-8", body: b.Bytes()}, nil
}
