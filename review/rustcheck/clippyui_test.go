package rustcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/diff"
)

// The clippy UI comparison: every test file of rust-clippy's own UI tests
// for the SAFETY lints (../shared/testdata/clippy-ui), added to the tree
// as a patch under rust/kernel/ and under drivers/, is checked, and the
// findings of the matching rules are compared line by line with the
// diagnostics the .stderr files expect.

// lintOf maps ferrule rules to the lint whose diagnostics they stand for.
var lintOf = map[string]string{
	"safety-comment-missing":          "undocumented_unsafe_blocks",
	"unnecessary-safety-comment":      "unnecessary_safety_comment",
	"unsafe-fn-missing-safety-doc":    "missing_safety_doc",
	"unsafe-trait-missing-safety-doc": "missing_safety_doc",
	"safety-doc-on-safe-item":         "unnecessary_safety_doc",
	"unsafe-op-in-unsafe-fn":          "unsafe_op_in_unsafe_fn",
}

// messageLint maps a diagnostic's message to its lint; messages of other
// lints (# Errors, # Panics) are not compared.
var messageLint = []struct {
	re   *regexp.Regexp
	lint string
}{
	{regexp.MustCompile(`^unsafe (block|impl) missing a safety comment`), "undocumented_unsafe_blocks"},
	{regexp.MustCompile(`has unnecessary safety comment$`), "unnecessary_safety_comment"},
	{regexp.MustCompile("missing (a )?`# Safety` section"), "missing_safety_doc"},
	{regexp.MustCompile("unnecessary `# Safety` section|with `# Safety` documentation is not marked unsafe"), "unnecessary_safety_doc"},
	{regexp.MustCompile(`is unsafe and requires unsafe block`), "unsafe_op_in_unsafe_fn"},
}

// notKernelConfig are diagnostics that depend on configuration the kernel
// does not use: the kernel never enables the unsafe_fields feature.
var notKernelConfig = []struct {
	message, reason string
}{
	{"docs for unsafe field", "unsafe_fields is never enabled in the kernel"},
	{"field with `# Safety` documentation", "unsafe_fields is never enabled in the kernel"},
}

// upstreamFalsePositives are diagnostics that clippy's own test file
// marks as wrong ("This shouldn't be linted"): agreeing with them would
// copy a clippy bug, so they are not expected.
var upstreamFalsePositives = map[string]string{
	"undocumented_unsafe_blocks:768": "rust-clippy#15755: the comment above the attribute covers the unsafe block on the const's continuation line; the test says \"This shouldn't be linted\"",
}

// knownDifferences lists every remaining disagreement, keyed
// "test:line:lint:missed|extra", with the reason.
var knownDifferences = map[string]string{
	"rustc_wrapping_unsafe_block_sugg:48:unsafe_op_in_unsafe_fn:missed": "rustc reports the call inside macro_rules! unsafe_macro where the macro expands, in an unsafe fn; ferrule does not expand macros",
}

type uiTest struct {
	Name   string   `json:"name"`
	RS     string   `json:"rs"`
	Stderr string   `json:"stderr"`
	Config string   `json:"config"`
	Lints  []string `json:"lints"`
	Gate   *bool    `json:"gate"`
}

// diagnostic is one expected diagnostic: its line and, for
// unnecessary_safety_comment, the line of the comment clippy points at.
type diagnostic struct {
	lint      string
	line, alt int
	message   string
}

var (
	diagHeadRe = regexp.MustCompile(`^(?:error|warning)(?:\[E\d+\])?: (.*)$`)
	diagLocRe  = regexp.MustCompile(`^\s*--> [^:]+:(\d+):\d+`)
)

func parseStderr(text string) []diagnostic {
	var out []diagnostic
	var cur *diagnostic
	help := false
	for _, l := range strings.Split(text, "\n") {
		if m := diagHeadRe.FindStringSubmatch(l); m != nil {
			if cur != nil {
				out = append(out, *cur)
			}
			cur, help = nil, false
			for _, ml := range messageLint {
				if ml.re.MatchString(m[1]) {
					cur = &diagnostic{lint: ml.lint, message: m[1]}
					break
				}
			}
			continue
		}
		if cur == nil {
			continue
		}
		if strings.HasPrefix(l, "help: ") {
			help = true
			continue
		}
		if m := diagLocRe.FindStringSubmatch(l); m != nil {
			var n int
			fmt.Sscan(m[1], &n)
			switch {
			case cur.line == 0:
				cur.line = n
			case help && cur.alt == 0:
				cur.alt = n
			}
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

func TestClippyUI(t *testing.T) {
	dir := mailtest.SharedDir(t, "clippy-ui")
	raw, err := os.ReadFile(filepath.Join(dir, "tests.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Tests      []uiTest          `json:"tests"`
		Placements map[string]string `json:"placements"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	var expected, found, sites, extra, privateItems, heuristic int
	seenDiff := map[string]bool{}
	for _, tc := range spec.Tests {
		gate := tc.Gate == nil || *tc.Gate
		lints := map[string]bool{}
		for _, l := range tc.Lints {
			lints[l] = true
		}
		stderr, err := os.ReadFile(filepath.Join(dir, tc.Stderr))
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(filepath.Join(dir, tc.RS))
		if err != nil {
			t.Fatal(err)
		}
		srcLines := strings.Split(string(src), "\n")
		var want []diagnostic
		for _, d := range parseStderr(string(stderr)) {
			excluded := ""
			for _, n := range notKernelConfig {
				if strings.Contains(d.message, n.message) {
					excluded = n.reason
				}
			}
			if r, ok := upstreamFalsePositives[fmt.Sprintf("%s:%d", tc.Name, d.line)]; ok {
				t.Logf("%s:%d not expected: %s", tc.Name, d.line, r)
				continue
			}
			if lints[d.lint] && excluded == "" {
				want = append(want, d)
			}
		}
		privateOff := strings.Contains(tc.Config, "check-private-items = false")
		for _, place := range sortedKeys(spec.Placements) {
			patch, err := os.ReadFile(filepath.Join(dir, "patches", place, tc.Name+".patch"))
			if err != nil {
				t.Fatal(err)
			}
			got := clippyFindings(t, string(patch))
			key := func(line int, lint, kind string) string {
				return fmt.Sprintf("%s:%d:%s:%s", tc.Name, line, lint, kind)
			}
			matched := map[int]bool{}
			flagged := map[int]bool{}
			for _, g := range got {
				if !lints[g.lint] {
					continue
				}
				if g.heuristic {
					heuristic++
					continue // not a claim: e.g. an item inside a macro invocation
				}
				hit := false
				for i, d := range want {
					if d.lint == g.lint && (d.line == g.line || d.alt == g.line || commentAbove(srcLines, g.line, d.line)) {
						matched[i], hit = true, true
					}
				}
				if hit || flagged[g.line] {
					continue
				}
				flagged[g.line] = true
				if privateOff && (g.lint == "missing_safety_doc" || g.lint == "unnecessary_safety_doc") && !exported(srcLines, g.line) {
					privateItems++
					continue // the kernel's check-private-items = true lints it; clippy's default does not
				}
				k := key(g.line, g.lint, "extra")
				seenDiff[k] = true
				if gate {
					extra++
				}
				if _, ok := knownDifferences[k]; !ok {
					t.Errorf("%s (%s): ferrule reports %s on line %d, clippy does not: %s", tc.Name, place, g.lint, g.line, strings.TrimSpace(lineAt(srcLines, g.line)))
				}
			}
			for i, d := range want {
				if gate {
					expected++
				}
				if matched[i] {
					if gate {
						found++
					}
					continue
				}
				k := key(d.line, d.lint, "missed")
				seenDiff[k] = true
				if _, ok := knownDifferences[k]; !ok {
					t.Errorf("%s (%s): missed %s on line %d (%s): %s", tc.Name, place, d.lint, d.line, d.message, strings.TrimSpace(lineAt(srcLines, d.line)))
				}
			}
			if gate {
				sites += cleanSites(srcLines, want)
			}
		}
	}
	for k := range knownDifferences {
		if !seenDiff[k] {
			t.Errorf("known difference %s no longer occurs: remove it", k)
		}
	}
	recall := float64(found) / float64(max(expected, 1))
	falseRate := float64(extra) / float64(max(sites, 1))
	t.Logf("clippy UI (kernel configuration): %d/%d diagnostics found (%.1f %%), %d false alarms on %d clean unsafe sites (%.2f %%); "+
		"%d findings on private or doc(hidden) items that only the kernel's check-private-items lints, %d low-confidence findings not compared",
		found, expected, 100*recall, extra, sites, 100*falseRate, privateItems, heuristic)
	if recall < 0.99 {
		t.Errorf("recall %.1f %% < 99 %%", 100*recall)
	}
	if falseRate > 0.01 {
		t.Errorf("false alarms %.2f %% > 1 %%", 100*falseRate)
	}
}

type lintFinding struct {
	lint      string
	line      int
	heuristic bool
}

// clippyFindings checks one test patch and maps its findings to lints and
// lines of the test file (post-image lines of the new file).
func clippyFindings(t *testing.T, patch string) []lintFinding {
	t.Helper()
	start := diff.Find(patch)
	if start < 0 {
		t.Fatal("no diff in patch")
	}
	p, err := diff.Parse(patch[start:])
	if err != nil {
		t.Fatal(err)
	}
	var out []lintFinding
	for _, f := range New(nil).Check(&review.CheckInput{Files: p.Files}) {
		if lint, ok := lintOf[f.Rule]; ok && f.Side == "" {
			out = append(out, lintFinding{lint, f.Line, f.Confidence == review.Heuristic})
		}
	}
	return out
}

// cleanSites counts the lines clippy leaves alone that a SAFETY checker
// looks at: lines with unsafe, a SAFETY comment or a # Safety heading,
// and no expected diagnostic.
func cleanSites(src []string, want []diagnostic) int {
	flagged := map[int]bool{}
	for _, d := range want {
		flagged[d.line], flagged[d.alt] = true, true
	}
	n := 0
	for i, l := range src {
		u := strings.ToUpper(l)
		if !flagged[i+1] && (unsafeWordRe.MatchString(l) || strings.Contains(u, "SAFETY")) {
			n++
		}
	}
	return n
}

var (
	pubItemLineRe = regexp.MustCompile(`^\s*pub\s`)
	blockOpenRe   = regexp.MustCompile(`\{\s*$`)
)

// exported reports whether clippy's default configuration (check-private-
// items = false) lints the item at line (1-based): it is pub, in pub
// modules only, and neither it nor an enclosing item is #[doc(hidden)].
func exported(src []string, line int) bool {
	r := line - 1
	if r < 0 || r >= len(src) || !pubItemLineRe.MatchString(src[r]) {
		return false
	}
	for {
		for a := r - 1; a >= 0; a-- {
			t := strings.TrimSpace(src[a])
			if !strings.HasPrefix(t, "#[") && !strings.HasPrefix(t, "//") {
				break
			}
			if strings.Contains(t, "doc(hidden)") {
				return false
			}
		}
		indent := len(src[r]) - len(strings.TrimLeft(src[r], " "))
		next := -1
		for a := r - 1; a >= 0; a-- {
			t := strings.TrimSpace(src[a])
			if t != "" && len(src[a])-len(strings.TrimLeft(src[a], " ")) < indent && blockOpenRe.MatchString(src[a]) && !strings.HasPrefix(t, "//") {
				next = a
				break
			}
		}
		if next < 0 {
			return true
		}
		t := strings.TrimSpace(src[next])
		if strings.HasPrefix(t, "mod ") {
			return false
		}
		r = next
	}
}

// commentAbove reports whether line is in the run of comment lines
// directly above target (the comment a diagnostic on target is about).
func commentAbove(src []string, line, target int) bool {
	if line >= target {
		return false
	}
	for l := line; l < target; l++ {
		t := strings.TrimSpace(lineAt(src, l))
		if !strings.HasPrefix(t, "//") && !strings.HasPrefix(t, "/*") && !strings.HasPrefix(t, "*") {
			return false
		}
	}
	return true
}

func lineAt(src []string, line int) string {
	if line < 1 || line > len(src) {
		return ""
	}
	return src[line-1]
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
