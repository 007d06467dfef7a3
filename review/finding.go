package review

import (
	"ferrule/review/diff"
)

// Severity grades a finding (RULES.md §4).
type Severity string

// Severities, most serious first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Rank orders severities: critical 4 … info 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// ParseSeverity accepts a severity name.
func ParseSeverity(s string) (Severity, bool) {
	switch v := Severity(s); v {
	case Critical, High, Medium, Low, Info:
		return v, true
	}
	return "", false
}

// Confidence says how sure a finding is.
type Confidence string

const (
	// Certain: the hunk (or the whole file) shows everything needed.
	Certain Confidence = "high"
	// NeedsPostImage: the look-up ran off the top of the hunk; the whole
	// post-image file (kernel tree mode) would decide.
	NeedsPostImage Confidence = "needs-post-image"
	// Heuristic: a pattern that may be a false positive (RULES.md marks
	// such rules "low confidence").
	Heuristic Confidence = "low"
)

// Finding is one observation about a patch.
type Finding struct {
	Rule       string     `json:"rule"`
	Severity   Severity   `json:"severity"`
	Confidence Confidence `json:"confidence"`
	Patch      int        `json:"patch"`
	File       string     `json:"file"`
	// Line is the post-image line, or the pre-image line when Side is
	// "pre" (findings about removed code).
	Line    int    `json:"line"`
	Side    string `json:"side,omitempty"`
	Message string `json:"message"`
	// Excerpt is the flagged line with a little hunk context, in diff
	// form (" ", "+", "-" prefixes).
	Excerpt string `json:"excerpt"`
	// RustUsers, on C→Rust impact findings, are the Rust and helper files
	// that use the changed C symbol.
	RustUsers []string `json:"rust_users,omitempty"`
}

// CheckInput is what a [Checker] sees of one patch.
type CheckInput struct {
	Post  *Post
	Files []diff.File // with hunks
	// Images, when set, gives whole files before and after the patch
	// (kernel tree mode).
	Images Images
}

// Images returns whole pre- and post-image files of a patch.
type Images interface {
	// PreImage returns the file before the patch; ok is false when
	// unknown (new file, or no tree).
	PreImage(path string) (content []byte, ok bool)
	// PostImage returns the file after the patch.
	PostImage(path string) (content []byte, ok bool)
}

// Checker turns one patch into findings. Implementations must be safe for
// concurrent use: they run in the ingest workers.
type Checker interface {
	Check(in *CheckInput) []Finding
}

// SeriesChecker is implemented by checkers that also look at a whole
// series once it is assembled (cross-patch rules).
type SeriesChecker interface {
	CheckSeries(s *Series) []Finding
}

// A ResultChecker revisits the findings of a whole assembled input, after
// every SeriesChecker ran: rules that depend on what else the input holds
// (when a Rust file first appeared, say). FinishResult must be
// idempotent: the daemon runs it again after every incremental review.
type ResultChecker interface {
	FinishResult(res *Result)
}
