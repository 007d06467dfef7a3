package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"ferrule/review"
)

// AllFindings is every finding of a report, patch findings first.
func AllFindings(rep *review.Report) []review.Finding {
	var out []review.Finding
	for _, s := range rep.Series {
		for _, p := range s.Patches {
			out = append(out, p.Findings...)
		}
		out = append(out, s.Findings...)
	}
	return out
}

// Check prints every finding with its excerpt, patch by patch.
func Check(w io.Writer, rep *review.Report, threshold review.Severity, failing int) error {
	ew := newErrWriter(w)
	counts := map[review.Severity]int{}
	for _, s := range rep.Series {
		for _, p := range s.Patches {
			if len(p.Findings) == 0 {
				continue
			}
			ew.printf("%s\n", p.Subject)
			for _, f := range p.Findings {
				counts[f.Severity]++
				ew.printf("  %s\n", findingText(f))
				for _, l := range strings.Split(strings.TrimRight(f.Excerpt, "\n"), "\n") {
					if l != "" {
						ew.printf("      | %s\n", l)
					}
				}
			}
			ew.printf("\n")
		}
		for _, f := range s.Findings {
			counts[f.Severity]++
			ew.printf("series %s: %s\n", s.Title, findingText(f))
		}
	}
	var parts []string
	for _, sev := range []review.Severity{review.Critical, review.High, review.Medium, review.Low, review.Info} {
		if counts[sev] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[sev], sev))
		}
	}
	if len(parts) == 0 {
		parts = []string{"no findings"}
	}
	ew.printf("%s; %d violations at or above %s\n", strings.Join(parts, ", "), failing, threshold)
	return ew.done()
}

// Failing counts the findings that fail at threshold (review.Fails:
// violations at or above it, and critical findings; only certain ones when
// ignoreUncertain).
func Failing(rep *review.Report, threshold review.Severity, ignoreUncertain bool) int {
	n := 0
	for _, f := range AllFindings(rep) {
		if review.Fails(f, threshold) && (!ignoreUncertain || f.Confidence == review.Certain) {
			n++
		}
	}
	return n
}

// CheckOutput is `ferrule check`'s output: the report as indented JSON, or
// as Check's text; failing is how many findings are at or above threshold
// (certain ones only with ignoreUncertain), the gate's verdict.
func CheckOutput(w io.Writer, rep *review.Report, format string, threshold review.Severity, ignoreUncertain bool) (failing int, err error) {
	failing = Failing(rep, threshold, ignoreUncertain)
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return failing, enc.Encode(rep)
	}
	return failing, Check(w, rep, threshold, failing)
}
