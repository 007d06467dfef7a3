package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ferrule/cmd/internal/cli"
	"ferrule/review"
)

// filter is the queue's query parameters, like `ferrule review`'s flags:
// tier, state, path (repeatable), maintainer, since, limit.
type filter struct {
	Tier       string
	State      string // "" (open series), "all", or one state
	Paths      []string
	Maintainer string
	Since      time.Time
	SinceText  string
	Limit      int
}

const defaultLimit = 200

// parseFilter reads the query; relative dates (since=yesterday,
// since=2.weeks.ago) count back from now, as the CLI's --since does.
func parseFilter(q url.Values, now time.Time) (filter, error) {
	f := filter{
		Tier:       strings.TrimSpace(q.Get("tier")),
		State:      strings.TrimSpace(q.Get("state")),
		Maintainer: strings.TrimSpace(q.Get("maintainer")),
		SinceText:  strings.TrimSpace(q.Get("since")),
		Limit:      defaultLimit,
	}
	switch review.Tier(f.Tier) {
	case "", review.MustLook, review.ShouldLook, review.FYI:
	default:
		return f, fmt.Errorf("unknown tier %q (must-look, should-look, fyi)", f.Tier)
	}
	for _, p := range q["path"] {
		if p = strings.TrimSpace(p); p != "" {
			f.Paths = append(f.Paths, p)
		}
	}
	if f.SinceText != "" {
		t, err := cli.ParseDate(f.SinceText, now)
		if err != nil {
			return f, fmt.Errorf("since: %w", err)
		}
		f.Since = t
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, fmt.Errorf("limit %q is not a count", v)
		}
		f.Limit = n // 0: all
	}
	return f, nil
}

// match reports whether a series passes the filter.
func (f *filter) match(w *row) bool {
	switch f.State {
	case "":
		if closed(w.State) {
			return false
		}
	case "all":
	default:
		if w.State != f.State {
			return false
		}
	}
	if f.Tier != "" && string(w.Tier) != f.Tier {
		return false
	}
	if !f.Since.IsZero() && w.Latest.Before(f.Since) {
		return false
	}
	if f.Maintainer != "" && routedRole(w, f.Maintainer) == "" {
		return false
	}
	if len(f.Paths) > 0 {
		for _, file := range w.Files {
			for _, g := range f.Paths {
				if review.PathMatches(g, file) {
					return true
				}
			}
		}
		return false
	}
	return true
}

// query is the filter as query parameters, with one parameter replaced
// (an empty value drops it).
func (f *filter) query(key, value string) string {
	q := url.Values{}
	set := func(k, v string) {
		if k == key {
			v = value
		}
		if v != "" {
			q.Set(k, v)
		}
	}
	set("tier", f.Tier)
	set("state", f.State)
	set("maintainer", f.Maintainer)
	set("since", f.SinceText)
	if key == "path" {
		if value != "" {
			q["path"] = []string{value}
		}
	} else if len(f.Paths) > 0 {
		q["path"] = f.Paths
	}
	if key == "limit" && value != "" {
		q.Set("limit", value)
	}
	if len(q) == 0 {
		return "/"
	}
	return "/?" + q.Encode()
}

// routedRole says how MAINTAINERS routes the series to an address
// ("maintainer: PWM SUBSYSTEM"), or "" when it does not.
func routedRole(w *row, email string) string {
	for _, m := range w.Maintainers {
		if strings.EqualFold(m.Email, email) {
			if m.Role == "" {
				return "routed"
			}
			return m.Role
		}
	}
	return ""
}
