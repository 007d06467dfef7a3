package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"ferrule/review"
)

// queuePage is the model of "/".
type queuePage struct {
	Filter  filter
	Heading string
	Tiers   []tierGroup
	Shown   int
	Matched int
	More    string // link showing every match, when the list was cut
	Counts  []stateCount
	Clear   string // link without filters ("" when none are set)
}

type tierGroup struct {
	Tier  review.Tier
	Label string
	Rows  []rowView
	Count int // matches in this tier, shown or not
}

type rowView struct {
	*row
	Href       string
	Age        string
	Versions   string // "v3", "RFC v2"
	Routed     []routeView
	MorePeople int // people routed besides the maintainers shown
	Status     string
}

type routeView struct {
	Email, Href, Role string
}

type stateCount struct {
	State string
	N     int
	Href  string
	On    bool
}

var tierLabels = map[review.Tier]string{
	review.MustLook:   "Must look",
	review.ShouldLook: "Should look",
	review.FYI:        "FYI",
}

func (h *handler) queueModel(r *http.Request, snap *snapshot) (*queuePage, []*row, error) {
	f, err := parseFilter(r.URL.Query(), h.opts.Now())
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errBadRequest, err)
	}
	p := &queuePage{Filter: f, Heading: "Open series"}
	if f.State != "" {
		p.Heading = "Series: " + f.State
	}
	if f.Tier != "" || f.State != "" || len(f.Paths) > 0 || f.Maintainer != "" || f.SinceText != "" {
		p.Clear = "/"
	}
	groups := map[review.Tier]*tierGroup{}
	var order []review.Tier
	var matched []*row
	now := h.opts.Now()
	for _, w := range snap.rows {
		if !f.match(w) {
			continue
		}
		matched = append(matched, w)
		g := groups[w.Tier]
		if g == nil {
			label := tierLabels[w.Tier]
			if label == "" {
				label = string(w.Tier)
			}
			g = &tierGroup{Tier: w.Tier, Label: label}
			groups[w.Tier] = g
			order = append(order, w.Tier)
		}
		g.Count++
		if f.Limit > 0 && p.Shown >= f.Limit {
			continue
		}
		p.Shown++
		g.Rows = append(g.Rows, h.rowView(w, now))
	}
	p.Matched = len(matched)
	if p.Shown < p.Matched {
		p.More = f.query("limit", "0")
	}
	for _, t := range order {
		p.Tiers = append(p.Tiers, *groups[t])
	}
	states := make([]string, 0, len(snap.counts))
	for s := range snap.counts {
		states = append(states, s)
	}
	sort.Slice(states, func(i, j int) bool {
		return stateRank(states[i]) < stateRank(states[j]) || stateRank(states[i]) == stateRank(states[j]) && states[i] < states[j]
	})
	for _, s := range states {
		p.Counts = append(p.Counts, stateCount{State: s, N: snap.counts[s], Href: f.query("state", s), On: f.State == s})
	}
	return p, matched, nil
}

// stateRank orders the state counts: open states first, in their life
// order, then the closed ones.
func stateRank(s string) int {
	for i, v := range []string{"new", "reviewed", "changes-requested", "applied", "rejected", "superseded", "stale"} {
		if s == v {
			return i
		}
	}
	return 100
}

func (h *handler) rowView(w *row, now time.Time) rowView {
	v := rowView{row: w, Href: seriesHref(w.ID), Age: age(now, w.Latest), Versions: versionTag(w)}
	v.Routed, v.MorePeople = routedPeople(w.Maintainers)
	switch {
	case w.Reviews > 0:
		v.Status = fmt.Sprintf("%d review trailer%s", w.Reviews, plural(w.Reviews))
	default:
		v.Status = "no review yet"
	}
	if !w.Complete {
		v.Status += ", incomplete"
	}
	return v
}

func (h *handler) queue(r *http.Request, snap *snapshot) (*response, error) {
	p, _, err := h.queueModel(r, snap)
	if err != nil {
		return nil, err
	}
	return h.html("queue", p.Heading, p)
}

// routedPeople picks, for a queue row, the maintainers a series is routed
// to (not the lists, not THE REST's), at most four; it also counts the
// other people (reviewers, supporters, further maintainers).
func routedPeople(rs []review.Responsible) ([]routeView, int) {
	var out []routeView
	more := 0
	for _, m := range rs {
		role, section, _ := strings.Cut(m.Role, ":")
		switch {
		case strings.Contains(role, "list"):
		case role == "maintainer" && section != "THE REST" && len(out) < 4:
			out = append(out, routeView{Email: m.Email, Href: maintainerHref(m.Email), Role: m.Role})
		case section != "THE REST":
			more++
		}
	}
	return out, more
}

func seriesHref(id string) string    { return "/s/" + url.PathEscape(id) }
func maintainerHref(e string) string { return "/m/" + url.PathEscape(e) }
func (h *handler) lore(id string) string {
	return strings.ReplaceAll(h.opts.LinkTemplate, "{msgid}", url.PathEscape(id))
}

func versionTag(w *row) string {
	t := fmt.Sprintf("v%d", w.Version)
	if w.RFC {
		t = "RFC " + t
	}
	if w.Resend {
		t += " RESEND"
	}
	if w.Pull {
		t = "PULL"
	}
	return t
}

// age is how long ago t was, coarsely: "5m", "3h", "12d", "2y".
func age(now, t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", max(0, int(d.Minutes())))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 2*365*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
	return fmt.Sprintf("%dy", int(d.Hours()/24/365))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
