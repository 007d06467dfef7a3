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
	// revision (damped like findings).
	UnsafeDelta float64
	// PatchDecay weighs a series' patches worst first: the worst counts
	// in full, the next times PatchDecay, the one after times
	// PatchDecay², … (0 ranks a series by its worst patch alone).
	PatchDecay float64
	// Mine multiplies the score of a series routed to the reader
	// (ReportOptions.Me).
	Mine float64
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
	PatchDecay:  0.5,
	Mine:        1.5,
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
}

// Rank scores one series so that it ranks by what is in it, not by how
// many patches it has:
//
//   - findings of one rule in one patch count sub-linearly (the first in
//     full, the second half, the third a third, …), whatever files they
//     are in;
//   - low and info findings of a patch count for at most NitCap together;
//   - the patches' values are summed worst first with a decay (the worst
//     in full, the next times PatchDecay, the next times PatchDecay², …),
//     so a series scores at most 1/(1-PatchDecay) times its worst patch;
//   - times BlastRadius when shared layers change, plus points for no
//     human review yet and for unsafe added since the previous revision.
//
// Every series gets at least one reason, also when it scores 0.
func Rank(s *Series, w *Weights) Ranking {
	if w == nil {
		w = &DefaultWeights
	}
	type key struct {
		rule, file string
	}
	type group struct {
		fs    []Finding
		value float64 // damped, for the order of the reasons
	}
	var reasons []reason
	findings := seriesFindings(s)
	definiteSerious, anyCritical := false, false

	// Group the findings by rule and file: one reason each.
	all := map[key]*group{}
	var order []key
	for _, f := range findings {
		k := key{f.Rule, f.File}
		if _, ok := all[k]; !ok {
			all[k] = &group{}
			order = append(order, k)
		}
		all[k].fs = append(all[k].fs, f)
		if f.Confidence == Certain && f.Severity.Rank() >= High.Rank() && IsViolation(f.Rule) {
			definiteSerious = true
		}
		anyCritical = anyCritical || f.Severity == Critical
	}
	// A patch's value: per rule, its findings damped together (the same
	// rule in twenty files is not twenty problems), nits capped.
	type ruleKey struct {
		patch int
		rule  string
		nit   bool
	}
	perRule := map[ruleKey][]float64{}
	for _, k := range order {
		g := all[k]
		var xs []float64
		for _, f := range g.fs {
			x := w.severity(f.Severity)
			if f.Confidence != Certain {
				x *= w.Uncertain
			}
			rk := ruleKey{f.Patch, f.Rule, f.Severity.Rank() <= Low.Rank()}
			perRule[rk] = append(perRule[rk], x)
			xs = append(xs, x)
		}
		g.value = damped(xs)
	}
	// Sum in a fixed order: floating-point sums depend on it, and the
	// score must not vary between runs.
	keys := make([]ruleKey, 0, len(perRule))
	for rk := range perRule {
		keys = append(keys, rk)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.patch != b.patch {
			return a.patch < b.patch
		}
		if a.rule != b.rule {
			return a.rule < b.rule
		}
		return !a.nit && b.nit
	})
	sound, nits := map[int]float64{}, map[int]float64{}
	for _, rk := range keys {
		if rk.nit {
			nits[rk.patch] += damped(perRule[rk])
		} else {
			sound[rk.patch] += damped(perRule[rk])
		}
	}
	var patchValues []float64
	for n := range sound {
		patchValues = append(patchValues, sound[n]+math.Min(nits[n], w.NitCap))
	}
	for n := range nits {
		if _, ok := sound[n]; !ok {
			patchValues = append(patchValues, math.Min(nits[n], w.NitCap))
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(patchValues)))
	score, weight := 0.0, 1.0
	for _, v := range patchValues {
		score += v * weight
		weight *= w.PatchDecay
	}
	for _, k := range order {
		g := all[k]
		reasons = append(reasons, reason{text: describe(k.rule, k.file, g.fs), value: g.value})
	}
	if blast := blastRadius(s, findings); blast != "" && score > 0 {
		extra := score * (w.BlastRadius - 1)
		reasons = append(reasons, reason{text: blast, value: extra})
		score += extra
	}
	if !s.Reviewed() && len(s.Parts) > 0 {
		reasons = append(reasons, reason{text: "no Reviewed-by, Acked-by or Tested-by yet", value: w.Unreviewed})
		score += w.Unreviewed
	}
	// The previous revision with patches: a cover sent alone (a
	// re-posted cover letter) is no revision to compare with.
	prev := s.Previous
	for prev != nil && len(prev.Parts) == 0 {
		prev = prev.Previous
	}
	if prev != nil {
		if d := unsafeAdded(s) - unsafeAdded(prev); d > 0 {
			xs := make([]float64, d)
			for i := range xs {
				xs[i] = w.UnsafeDelta
			}
			v := damped(xs)
			reasons = append(reasons, reason{text: fmt.Sprintf("%s more than v%d", plural(d, "new unsafe block", "new unsafe blocks"), prev.Version), value: v})
			score += v
		}
	}
	sort.SliceStable(reasons, func(i, j int) bool { return reasons[i].value > reasons[j].value })
	r := Ranking{Score: math.Round(score*10) / 10, Reasons: []string{}}
	for _, x := range reasons {
		r.Reasons = append(r.Reasons, x.text)
	}
	if len(findings) == 0 {
		r.Reasons = append([]string{"no findings"}, r.Reasons...)
		if who := reviewers(s); len(who) > 0 {
			r.Reasons = append(r.Reasons, "reviewed by "+strings.Join(who, ", "))
		}
	}
	switch {
	case anyCritical || definiteSerious || score >= w.MustLook:
		r.Tier = MustLook
	case score >= w.ShouldLook:
		r.Tier = ShouldLook
	default:
		r.Tier = FYI
	}
	return r
}

// damped sums values largest first, the k-th divided by k (harmonic
// damping: n equal findings count about ln n + 0.6 times one).
func damped(xs []float64) float64 {
	sort.Sort(sort.Reverse(sort.Float64Slice(xs)))
	sum := 0.0
	for i, x := range xs {
		sum += x / float64(i+1)
	}
	return sum
}

// reviewers names the people whose verified Reviewed-by, Acked-by or
// Tested-by the series carries (not its authors), in order of first
// appearance.
func reviewers(s *Series) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range s.Parts {
		for _, t := range p.Trailers {
			if !reviewBy(t, p.Post) {
				continue
			}
			if !seen[strings.ToLower(t.Person.Email)] {
				seen[strings.ToLower(t.Person.Email)] = true
				out = append(out, t.Person.DisplayName())
			}
		}
	}
	return out
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
		if (f.Rule == "c-header-used-by-rust-changed" || f.Rule == "c-inline-or-macro-wrapped-by-helper-changed" || f.Rule == "c-function-called-by-rust-changed") && !seen[diff.CHeader] {
			seen[diff.CHeader] = true
			layers = append(layers, "C used by Rust")
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
	// States keeps series in one of these states (none: all).
	States []State
}

// keepsAll reports whether f (which may be nil) keeps every series.
func (f *Filter) keepsAll() bool {
	return f == nil || (len(f.Paths) == 0 && f.Maintainer == "" && f.Since.IsZero() && f.Tier == "" && len(f.States) == 0)
}

// matchState reports whether st passes the States filter.
func (f *Filter) matchState(st State) bool {
	if len(f.States) == 0 {
		return true
	}
	for _, x := range f.States {
		if x == st {
			return true
		}
	}
	return false
}

// Match reports whether s, ranked r, passes the filter.
func (f *Filter) Match(s *Series, r Ranking) bool {
	if f == nil {
		return true
	}
	if f.Tier != "" && r.Tier != f.Tier {
		return false
	}
	if !f.matchState(s.state()) {
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

func latest(s *Series) time.Time {
	t := s.Date
	for _, p := range append(s.Posts(), s.Replies...) {
		if p.Date.After(t) {
			t = p.Date
		}
	}
	return t
}

// PathMatches is lei dfn:-style matching of a file against a glob (as
// Filter.Paths): a glob without wildcards matches as a substring, "**"
// any number of directories, and a glob without '/' also base names.
func PathMatches(glob, file string) bool {
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
