package review

import (
	"fmt"
	"strings"
)

// MatchReport is Match for a saved series report (Score, Tier and
// Maintainers as the review left them). Since is not applied: a report
// does not hold the dates of the series' replies; callers that filter by
// date review again.
func (f *Filter) MatchReport(s *SeriesReport) bool {
	if f == nil {
		return true
	}
	if f.Tier != "" && s.Tier != f.Tier {
		return false
	}
	if !f.matchState(s.CurrentState()) {
		return false
	}
	if f.Maintainer != "" {
		found := false
		for _, m := range s.Maintainers {
			found = found || strings.EqualFold(m.Email, f.Maintainer)
		}
		if !found {
			return false
		}
	}
	if len(f.Paths) > 0 {
		found := false
		for _, p := range s.Patches {
			for _, file := range p.Files {
				for _, g := range f.Paths {
					found = found || PathMatches(g, file.Path)
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// ParseStates reads --state values: state names, comma-separated or
// repeated, and "queue" (or "open") for the open three.
func ParseStates(values []string) ([]State, error) {
	var out []State
	for _, v := range values {
		for _, st := range strings.Split(v, ",") {
			switch st := State(strings.TrimSpace(st)); st {
			case StateNew, StateReviewed, StateChangesRequested, StateApplied, StateRejected, StateSuperseded, StateStale:
				out = append(out, st)
			case "queue", "open":
				out = append(out, StateNew, StateReviewed, StateChangesRequested)
			default:
				return nil, fmt.Errorf("unknown state %q (new, reviewed, changes-requested, applied, rejected, superseded, stale, queue)", st)
			}
		}
	}
	return out, nil
}
