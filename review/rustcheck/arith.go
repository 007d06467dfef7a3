package rustcheck

import (
	"regexp"
	"strings"

	"ferrule/review"
	"ferrule/review/diff"
)

// Arithmetic in drivers that reviewers ask about: products of time and
// frequency values divided afterwards (they overflow u64 before the
// division: mul_u64_u64_div_u64 or a checked form), wrapping_* where a
// saturating or checked form was meant, unchecked sums of *_ns values
// that are compared afterwards, and narrowing casts of such values.

var (
	timeWord     = `\w*(ns|_hz|hz_|rate|cycles|period|duty|freq|nsec|NSEC|ticks)\w*`
	mulDivRe     = regexp.MustCompile(`(` + timeWord + `|\))\s*\*\s*[\w.()]+\s*\)?\s*/\s*\w`)
	wrappingRe   = regexp.MustCompile(`\.wrapping_(mul|add|sub)\(`)
	nsSumRe      = regexp.MustCompile(`\w*_ns\w*\s*\+\s*[\w.]*_ns\w*[^;]*?(<=|>=|<|>|==)|(<=|>=|<|>|==)[^;]*?\w*_ns\w*\s*\+\s*[\w.]*_ns\b`)
	narrowRe     = regexp.MustCompile(`\b(` + timeWord + `)(\(\))?\s+as\s+(u32|u16|u8|i32|i16|i8)\b`)
	timeNameRe   = regexp.MustCompile(`(?i)(ns|hz|rate|cycles|period|duty|freq|ticks)`)
	safeArithRe  = regexp.MustCompile(`\b(checked_|saturating_|overflowing_)\w+|\bmul_u64_u64_div_u64\b|\bmul_div\w*|\bdiv_u64\w*|\.min\(|\.clamp\(|try_from|try_into`)
	clampedVarRe = `\b%s\b[^;]*(\.min\(|\.clamp\(|try_from|try_into|checked_|saturating_)`
)

// checkArithmetic runs the arithmetic rules on added lines of driver code.
func (f *findings) checkArithmetic(w *window) {
	if w.class != diff.LeafRust || !strings.HasPrefix(w.file, "drivers/") || w.doc {
		return
	}
	for i, l := range w.lines {
		if !l.changed {
			continue
		}
		code := w.code[i]
		if strings.TrimSpace(code) == "" || safeArithRe.MatchString(code) {
			continue
		}
		switch {
		case strings.Contains(code, "*") && mulDivRe.MatchString(code) && timeNameRe.MatchString(code) && !strings.Contains(code, "const "):
			f.add("driver-arithmetic-overflow", review.Medium, review.Heuristic, w, i,
				"a product of time or frequency values divided afterwards can overflow u64 before the division: mul_u64_u64_div_u64 or a checked form?")
		case strings.Contains(code, "wrapping_") && wrappingRe.MatchString(code):
			f.add("driver-arithmetic-overflow", review.Medium, review.Heuristic, w, i,
				"%s wraps silently: was a saturating or checked form meant?", strings.Trim(wrappingRe.FindString(code), ".("))
		case strings.Contains(code, "_ns") && nsSumRe.MatchString(code):
			f.add("driver-arithmetic-overflow", review.Medium, review.Heuristic, w, i,
				"a sum of nanosecond values compared afterwards can overflow: checked_add, or compare without adding?")
		case strings.Contains(code, " as ") && narrowRe.MatchString(code):
			m := narrowRe.FindStringSubmatch(code)
			name := m[1]
			if clampedInWindow(w, name) {
				continue
			}
			f.add("driver-arithmetic-overflow", review.Medium, review.Heuristic, w, i,
				"%s as %s can truncate: is the value known to fit (clamp it, or use try_from)?", name, m[len(m)-1])
		}
	}
}

// clampedInWindow reports whether name is assigned a clamped or checked
// value somewhere in the window.
func clampedInWindow(w *window, name string) bool {
	re, err := regexp.Compile(strings.Replace(clampedVarRe, "%s", regexp.QuoteMeta(name), 1))
	if err != nil {
		return false
	}
	for _, c := range w.code {
		if strings.Contains(c, name) && re.MatchString(c) {
			return true
		}
	}
	return false
}
