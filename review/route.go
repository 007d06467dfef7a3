package review

import (
	"sort"
	"strings"

	"ferrule/review/diff"
	"ferrule/review/maintainers"
)

// Responsible is someone who must look at a series, and why.
type Responsible struct {
	maintainers.Recipient
	Why string `json:"why"`
}

// RouteOptions configures [Route].
type RouteOptions struct {
	Maintainers *maintainers.File
	// Wraps returns the C headers a Rust abstraction or helper file
	// wraps, so that the C maintainers of that API are told too.
	Wraps func(path string) []string
}

// Route lists who must look at s: the MAINTAINERS sections of its files,
// most specific first (K: keywords tested on its subjects and file list,
// the lines get_maintainer.pl sees before a diff), then the C maintainers
// whose API a changed Rust wrapper calls into.
func Route(s *Series, o *RouteOptions) []Responsible {
	if o == nil || o.Maintainers == nil {
		return nil
	}
	var paths, lines []string
	seen := map[string]bool{}
	for _, p := range s.Posts() {
		lines = append(lines, "Subject: "+p.Subject)
		for _, f := range p.Files {
			if !seen[f.Path] {
				seen[f.Path] = true
				paths = append(paths, f.Path)
				lines = append(lines, " "+f.Path+" | 1 +")
			}
		}
	}
	sort.Strings(paths)
	var out []Responsible
	have := map[string]bool{}
	add := func(ms []maintainers.Match, why func(m maintainers.Match) string) {
		for _, m := range ms {
			reason := "" // one string for everyone the match reaches
			for _, r := range maintainers.Recipients([]maintainers.Match{m}) {
				key := strings.ToLower(r.Email)
				if have[key] {
					continue
				}
				have[key] = true
				if reason == "" {
					reason = why(m)
				}
				out = append(out, Responsible{Recipient: r, Why: reason})
			}
		}
	}
	add(o.Maintainers.ForPaths(paths, lines), func(m maintainers.Match) string {
		if len(m.Files) == 0 {
			return m.Why
		}
		return m.Why + " (" + strings.Join(m.Files, ", ") + ")"
	})
	if o.Wraps == nil {
		return out
	}
	for _, p := range paths {
		if c := diff.Classify(p); c != diff.Abstraction && c != diff.Helper {
			continue
		}
		for _, h := range o.Wraps(p) {
			add(o.Maintainers.ForPaths([]string{h}, nil), func(m maintainers.Match) string {
				return "C API wrapped by " + p + " (" + h + ", " + m.Why + ")"
			})
		}
	}
	return out
}
