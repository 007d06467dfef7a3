package rustcheck

import (
	"ferrule/review"
	"ferrule/review/diff"
)

//go:generate go test -run TestRuleReference -update-rules .

// Prompt returns the reviewer's question for a rule, fit for code in any
// layer ("" for an unknown rule). The questions live in the rule
// catalogue ([review.LookupRule]).
func Prompt(rule string) string {
	r, _ := review.LookupRule(rule)
	return r.Prompt
}

// PromptFor returns the reviewer's question for a finding, fit for the
// layer of its file: a question about leaf driver code ("could the
// abstraction offer a safe API instead?") is never asked about the
// abstraction itself.
func PromptFor(f review.Finding) string {
	r, _ := review.LookupRule(f.Rule)
	if r.DriverPrompt != "" && diff.Classify(f.File) == diff.LeafRust {
		return r.DriverPrompt
	}
	return r.Prompt
}
