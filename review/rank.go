package review

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
	"time"

	"ferrule/review/diff"
)

// Tier groups series by the attention they need.
type Tier string

// Tiers, most urgent first.
const (
	MustLook   Tier = "must-look"
	ShouldLook Tier = "should-look"
	FYI        Tier = "fyi"
)

// Weights are the knobs of the attention score. The zero value is not
// useful; start from DefaultWeights.
type Weights struct {
	// Severity weights per finding.
	Critical, High, Medium, Low, Info float64
	// NitCap bounds the total contribution of low and info findings, so
	// that nits never outrank one soundness finding (keep it below High).
	NitCap float64
	// Uncertain multiplies findings whose confidence is not high.
	Uncertain float64
	// BlastRadius multiplies the findings score of a series that changes
	// shared Rust layers (abstractions, helpers, bindings) or a C header
	// used by Rust.
	BlastRadius float64
	// Unreviewed is added when no human has given a Reviewed-by,
	// Acked-by or Tested-by.
	Unreviewed float64
	// UnsafeDelta is added per unsafe block more than in the previous
	// revision.
	UnsafeDelta float64
	// MustLook and ShouldLook are the score thresholds of the tiers (a
	// definite critical or high finding is must-look regardless).
	MustLook, ShouldLook float64
}

// DefaultWeights are RULES.md §4's severity weights (critical 8, high 5,
// medium 3, low 1, info 0.5) with its ×1.5 blast radius. Must-look starts
// at 20 (a change of shared layers adding a few justified unsafe blocks
// scores about 17: should-look); a definite high violation is must-look
// regardless.
var DefaultWeights = Weights{
	Critical: 8, High: 5, Medium: 3, Low: 1, Info: 0.5,
	NitCap:      2.5,
	Uncertain:   0.5,
	BlastRadius: 1.5,
	Unreviewed:  1,
	UnsafeDelta: 1,
	MustLook:    20,
	ShouldLook:  4,
}

func (w *Weights) severity(s Severity) float64 {
	switch s {
	case Critical:
		return w.Critical
	case High:
		return w.High
	case Medium:
		return w.Medium
	case Low:
		return w.Low
	}
	return w.Info
}

// Ranking is a series' score, tier and the reasons behind them.
type Ranking struct {
	Score   float64  `json:"score"`
	Tier    Tier     `json:"tier"`
	Reasons []string `json:"reasons"`
}

type reason struct {
	text  string
	value float64
	nit   bool // low and info findings, capped together
}

// Rank scores one series: findings by severity and confidence (low and
// info capped), times the blast radius when shared layers change, plus
// points for no human review yet and for unsafe blocks added since the
// previous revision.
func Rank(s *Series, w *Weights) Ranking {
	if w == nil {
		w = &DefaultWeights
	}
	var reasons []reason
	findings := seriesFindings(s)

	// Group findings into reasons: one per rule and file.
	type key struct{ rule, file string }
	groups := map[key][]Finding{}
	var order []key
	for _, f := range findings {
		k := key{f.Rule, f.File}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	var sound, nits float64
	definiteSerious, anyCritical := false, false
	for _, k := range order {
		fs := groups[k]
		v := 0.0
		for _, f := range fs {
			x := w.severity(f.Severity)
			if f.Confidence != Certain {
				x *= w.Uncertain
			} else if f.Severity.Rank() >= High.Rank() && IsViolation(f.Rule) {
				definiteSerious = true
			}
			anyCritical = anyCritical || f.Severity == Critical
			v += x
		}
		nit := fs[0].Severity.Rank() <= Low.Rank()
		if nit {
			nits += v
		} else {
			sound += v
		}
		reasons = append(reasons, reason{describe(k.rule, k.file, fs), v, nit})
	}
	if nits > w.NitCap {
		// Scale the nit reasons down to the cap.
		scale := w.NitCap / nits
		for i := range reasons {
			if reasons[i].nit {
				reasons[i].value *= scale
			}
		}
		nits = w.NitCap
	}
	score := sound + nits
	if blast := blastRadius(s, findings); blast != "" && score > 0 {
		extra := score * (w.BlastRadius - 1)
		reasons = append(reasons, reason{text: blast, value: extra})
		score += extra
	}
	if !s.Reviewed() && len(s.Parts) > 0 {
		reasons = append(reasons, reason{text: "no Reviewed-by, Acked-by or Tested-by yet", value: w.Unreviewed})
		score += w.Unreviewed
	}
	if s.Previous != nil {
		if d := unsafeAdded(s) - unsafeAdded(s.Previous); d > 0 {
			v := float64(d) * w.UnsafeDelta
			reasons = append(reasons, reason{text: fmt.Sprintf("%s more than v%d", plural(d, "new unsafe block", "new unsafe blocks"), s.Previous.Version), value: v})
			score += v
		}
	}
	sort.SliceStable(reasons, func(i, j int) bool { return reasons[i].value > reasons[j].value })
	r := Ranking{Score: math.Round(score*10) / 10}
	for _, x := range reasons {
		r.Reasons = append(r.Reasons, x.text)
	}
	switch {
	case anyCritical || definiteSerious || score >= w.MustLook:
		r.Tier = MustLook
	case score >= w.ShouldLook:
		r.Tier = ShouldLook
	default:
		r.Tier = FYI
	}
	if r.Reasons == nil {
		r.Reasons = []string{}
	}
	return r
}

// seriesFindings are the findings of every part and the series itself.
func seriesFindings(s *Series) []Finding {
	var out []Finding
	for _, p := range s.Parts {
		if !p.Carried {
			out = append(out, p.Post.Findings...)
		}
	}
	return append(out, s.Findings...)
}

func blastRadius(s *Series, findings []Finding) string {
	var layers []string
	seen := map[diff.Class]bool{}
	for _, p := range s.Parts {
		for _, f := range p.Post.Files {
			switch f.Class {
			case diff.Abstraction, diff.Helper, diff.BindingsGlue:
				if !seen[f.Class] {
					seen[f.Class] = true
					layers = append(layers, string(f.Class))
				}
			}
		}
	}
	for _, f := range findings {
		if f.Rule == "c-header-used-by-rust-changed" && !seen[diff.CHeader] {
			seen[diff.CHeader] = true
			layers = append(layers, "C header used by Rust")
		}
	}
	if len(layers) == 0 {
		return ""
	}
	return "changes shared layers (" + strings.Join(layers, ", ") + "): every user is affected"
}

func unsafeAdded(s *Series) int {
	n := 0
	for _, p := range s.Parts {
		for _, f := range p.Post.Findings {
			if IsNewUnsafe(f) {
				n++
			}
		}
	}
	return n
}

// describe says in plain words what a group of findings is.
func describe(rule, file string, fs []Finding) string {
	n := len(fs)
	what := plural(n, Phrase(rule, 1), Phrase(rule, n))
	if file == "" {
		return what
	}
	uncertain := 0
	for _, f := range fs {
		if f.Confidence == NeedsPostImage {
			uncertain++
		}
	}
	s := what + " in " + file
	if uncertain == n {
		s += " (to confirm against the whole file)"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Filter selects series for the summary.
type Filter struct {
	// Paths are lei dfn:-style globs; a series matches when any of its
	// files matches any glob (a glob without '/' also matches base names,
	// one without wildcards matches as a substring).
	Paths []string
	// Maintainer keeps series whose routing names this address.
	Maintainer string
	// Since keeps series whose latest message is at or after it.
	Since time.Time
	// Tier keeps series of this tier ("" for all).
	Tier Tier
}

// Match reports whether s, ranked r, passes the filter.
func (f *Filter) Match(s *Series, r Ranking) bool {
	if f == nil {
		return true
	}
	if f.Tier != "" && r.Tier != f.Tier {
		return false
	}
	if !f.Since.IsZero() && latest(s).Before(f.Since) {
		return false
	}
	if f.Maintainer != "" {
		found := false
		for _, m := range s.Responsible {
			found = found || strings.EqualFold(m.Email, f.Maintainer)
		}
		if !found {
			return false
		}
	}
	if len(f.Paths) > 0 {
		found := false
		for _, p := range s.Parts {
			for _, file := range p.Post.Files {
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

func latest(s *Series) time.Time {
	t := s.Date
	for _, p := range append(s.Posts(), s.Replies...) {
		if p.Date.After(t) {
			t = p.Date
		}
	}
	return t
}

// pathMatches is lei dfn:-style matching.
func pathMatches(glob, file string) bool {
	if !strings.ContainsAny(glob, "*?[") {
		return strings.Contains(file, glob)
	}
	if strings.Contains(glob, "**") {
		prefix, suffix, _ := strings.Cut(glob, "**")
		if !strings.HasPrefix(file, prefix) {
			return false
		}
		rest := strings.TrimPrefix(suffix, "/")
		if rest == "" {
			return true
		}
		for p := file[len(prefix):]; ; {
			if ok, _ := path.Match(rest, p); ok {
				return true
			}
			i := strings.IndexByte(p, '/')
			if i < 0 {
				return false
			}
			p = p[i+1:]
		}
	}
	if ok, _ := path.Match(glob, file); ok {
		return true
	}
	if !strings.Contains(glob, "/") {
		ok, _ := path.Match(glob, path.Base(file))
		return ok
	}
	return false
}
