package review

import (
	"sort"
	"strings"
)

// Category groups rules by what they are about (the groups of the review
// rules: the unsafe surface, invariants, the abstraction boundary, the C
// side, kernel lints and context, process).
type Category string

// Categories of the catalogue.
const (
	// CatUnsafe: unsafe code and its justification.
	CatUnsafe Category = "unsafe"
	// CatInvariants: type invariants and unsafe preconditions.
	CatInvariants Category = "invariants"
	// CatBoundary: leaf code crossing the abstraction boundary.
	CatBoundary Category = "boundary"
	// CatAbstraction: changes of the shared Rust layer (rust/kernel).
	CatAbstraction Category = "abstraction"
	// CatCImpact: C changes that reach Rust (bindings, helpers, headers).
	CatCImpact Category = "c-impact"
	// CatKernel: kernel coding rules, lints and execution context.
	CatKernel Category = "kernel"
	// CatStyle: documentation and style nits.
	CatStyle Category = "style"
	// CatProcess: who must look (series-level routing).
	CatProcess Category = "process"
)

// Rule is one entry of the rule catalogue: what ranking, digests, reply
// drafts, `ferrule check` and the generated rule reference know about a
// rule id.
type Rule struct {
	ID string
	// Severity is the rule's usual severity; a checker may grade a finding
	// by layer (leaf code vs abstraction) or certainty.
	Severity Severity
	Category Category
	// One and Many are noun phrases for reasons: "1 new unsafe block",
	// "3 new unsafe blocks".
	One, Many string
	// Detects says in one sentence what the rule finds.
	Detects string
	// Prompt is the reviewer's question in a reply draft, fit for code in
	// any layer; DriverPrompt, when set, replaces it for leaf code
	// (drivers, samples), where other questions apply.
	Prompt, DriverPrompt string
	// Violation: the finding says something is missing or wrong, rather
	// than describing what changed. Only violations fail `ferrule check`,
	// and a definite high one makes a series must-look by itself.
	Violation bool
	// Source is what justifies the rule (kernel documentation, lint,
	// reviewers' practice).
	Source string
}

var catalogIndex = func() map[string]int {
	m := make(map[string]int, len(catalog))
	for i, r := range catalog {
		m[r.ID] = i
	}
	return m
}()

// Rules returns the catalogue ordered by category, then id.
func Rules() []Rule {
	out := append([]Rule(nil), catalog...)
	order := map[Category]int{}
	for i, c := range []Category{CatUnsafe, CatInvariants, CatBoundary, CatAbstraction, CatCImpact, CatKernel, CatStyle, CatProcess} {
		order[c] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return order[out[i].Category] < order[out[j].Category]
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// LookupRule returns the catalogue entry of a rule id.
func LookupRule(id string) (Rule, bool) {
	i, ok := catalogIndex[id]
	if !ok {
		return Rule{}, false
	}
	return catalog[i], true
}

// IsViolation reports whether id is a catalogued violation rule.
func IsViolation(id string) bool {
	r, ok := LookupRule(id)
	return ok && r.Violation
}

// Fails reports whether f fails `ferrule check` at threshold: a violation
// at or above the threshold severity, or any critical finding of a catalogued rule (a C
// prototype change under Rust code in an unsafe block, say). Findings that
// describe a change (a new unsafe block, a changed abstraction, a C change
// Rust sees) are otherwise reasons to look, not failures.
func Fails(f Finding, threshold Severity) bool {
	r, ok := LookupRule(f.Rule)
	if !ok || f.Severity.Rank() < threshold.Rank() {
		return false
	}
	return r.Violation || f.Severity == Critical
}

// Phrase returns the noun phrase for n findings of rule id, without the
// count ("new unsafe blocks"); unknown rules read "<id> finding(s)".
func Phrase(id string, n int) string {
	r, ok := LookupRule(id)
	if !ok || r.One == "" {
		r.One, r.Many = id+" finding", id+" findings"
	}
	if n == 1 {
		return r.One
	}
	return r.Many
}

// RuleReference renders the catalogue as the Markdown rule reference a
// user reads (review/rustcheck/RULES.md is generated from it).
func RuleReference() string {
	var b strings.Builder
	b.WriteString("# ferrule review rules\n\n")
	b.WriteString("<!-- Generated from review/catalog_rules.go by `go generate ./review/rustcheck`; do not edit. -->\n\n")
	b.WriteString("Every finding ferrule reports names one of these rules. **Severity** is the rule's usual\n")
	b.WriteString("grade (a finding may be graded by layer: leaf driver code or the rust/kernel abstraction).\n")
	b.WriteString("**Violation** rules say something is missing or wrong: only they fail `ferrule check`, and a\n")
	b.WriteString("definite high one makes a series must-look. The others describe a change that deserves a look.\n\n")
	b.WriteString("Sources: CG Documentation/rust/coding-guidelines.rst; GI Documentation/rust/general-information.rst;\n")
	b.WriteString("MK the top Makefile's rust_common_flags; CLT .clippy.toml; RMK rust/Makefile; HLP rust/helpers;\n")
	b.WriteString("LIB rust/kernel/lib.rs; SAF rust/kernel/safety.rs; KL klint; MA MAINTAINERS; ISS Rust-for-Linux\n")
	b.WriteString("GitHub issues; \"reviewers\" are replies on the kernel lists (linux-pwm, rust-for-linux).\n\n")
	cat := Category("")
	for _, r := range Rules() {
		if r.Category != cat {
			cat = r.Category
			b.WriteString("## " + categoryTitle[cat] + "\n\n")
		}
		kind := "change to look at"
		if r.Violation {
			kind = "violation"
		}
		b.WriteString("### " + r.ID + "\n\n")
		b.WriteString("- **Detects**: " + r.Detects + "\n")
		b.WriteString("- **Severity**: " + string(r.Severity) + "; " + kind + "\n")
		b.WriteString("- **Reads as**: \"1 " + r.One + "\", \"2 " + r.Many + "\"\n")
		b.WriteString("- **Reviewer asks**: " + r.Prompt + "\n")
		if r.DriverPrompt != "" {
			b.WriteString("- **Reviewer asks (driver code)**: " + r.DriverPrompt + "\n")
		}
		b.WriteString("- **Source**: " + r.Source + "\n\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

var categoryTitle = map[Category]string{
	CatUnsafe:      "The unsafe surface",
	CatInvariants:  "Invariants and preconditions",
	CatBoundary:    "The abstraction boundary",
	CatAbstraction: "Changes of the shared Rust layer",
	CatCImpact:     "Bindings, helpers and the C side",
	CatKernel:      "Kernel rules and execution context",
	CatStyle:       "Documentation and style",
	CatProcess:     "Process",
}

// ruleCategory is the category of a rule id ("" when not catalogued).
func ruleCategory(id string) Category {
	r, _ := LookupRule(id)
	return r.Category
}

// IsNewUnsafe reports whether f says a function gained unsafe code. The
// checker counts new unsafe per function against the pre-image, so a
// reformatted or moved block is no new unsafe; a rewritten one, or an
// existing block whose body changed, is unsafe-block-changed.
func IsNewUnsafe(f Finding) bool {
	return f.Rule == "unsafe-block-added" && f.Severity != Info
}
