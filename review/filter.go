package review

import "strings"

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
	st := s.State
	if st == "" && s.Superseded {
		st = StateSuperseded
	} else if st == "" {
		st = StateNew
	}
	if !f.matchState(st) {
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
					found = found || pathMatches(g, file.Path)
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}
