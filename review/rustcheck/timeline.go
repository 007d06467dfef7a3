package rustcheck

import (
	"strings"
	"time"

	"ferrule/review"
)

// RustMerged is when the kernel first merged Rust support: the Linux 6.1
// merge window, which opened on 2022-10-02. No C change posted before it
// could reach Rust code in the kernel.
var RustMerged = time.Date(2022, 10, 2, 0, 0, 0, 0, time.UTC)

// FinishResult implements review.ResultChecker: it drops C→Rust impact
// findings from series posted before every Rust user of the changed
// symbol existed. A Rust or helper file exists from the earliest series in
// the input with a patch that creates it (when the input shows it), and nothing of
// Rust exists before [RustMerged]. Findings whose users' creation the
// input does not show are kept (from RustMerged on).
func (c *Checker) FinishResult(res *review.Result) {
	created := map[string]time.Time{}
	for _, s := range res.Series {
		for _, p := range s.Parts {
			for _, f := range p.Post.Files {
				if !f.New || !(strings.HasPrefix(f.Path, "rust/") || strings.HasSuffix(f.Path, ".rs")) {
					continue
				}
				// the series' date, so that a C change in the same
				// series as the Rust user counts
				if t, ok := created[f.Path]; !ok || s.Date.Before(t) {
					created[f.Path] = s.Date
				}
			}
		}
	}
	existed := func(file string, at time.Time) bool {
		if at.Before(RustMerged) {
			return false
		}
		t, ok := created[file]
		return !ok || !at.Before(t)
	}
	for _, s := range res.Series {
		if s.Date.IsZero() {
			continue
		}
		for _, p := range s.Parts {
			if p.Carried {
				continue
			}
			p.Post.Findings = keepFindings(p.Post.Findings, func(fd review.Finding) bool {
				if len(fd.RustUsers) == 0 {
					return true
				}
				for _, u := range fd.RustUsers {
					if existed(u, s.Date) {
						return true
					}
				}
				return false
			})
		}
	}
}

func keepFindings(in []review.Finding, keep func(review.Finding) bool) []review.Finding {
	out := in[:0]
	for _, f := range in {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}
