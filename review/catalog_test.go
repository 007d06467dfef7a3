package review

import (
	"strings"
	"testing"
)

// TestCatalogueComplete: every entry has what ranking, digests, reply
// drafts and the rule reference read, and ids are unique.
func TestCatalogueComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range catalog {
		if seen[r.ID] {
			t.Errorf("%s: duplicate id", r.ID)
		}
		seen[r.ID] = true
		if _, ok := ParseSeverity(string(r.Severity)); !ok {
			t.Errorf("%s: bad severity %q", r.ID, r.Severity)
		}
		if categoryTitle[r.Category] == "" {
			t.Errorf("%s: unknown category %q", r.ID, r.Category)
		}
		for field, v := range map[string]string{"One": r.One, "Many": r.Many, "Detects": r.Detects, "Prompt": r.Prompt, "Source": r.Source} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: empty %s", r.ID, field)
			}
		}
		// The layer-neutral prompt is asked about abstractions too: it
		// must not assume driver code.
		if strings.Contains(r.Prompt, "Could the abstraction offer") || strings.Contains(r.Prompt, "driver code") {
			t.Errorf("%s: Prompt assumes a driver; put it in DriverPrompt: %q", r.ID, r.Prompt)
		}
	}
}

func TestFailsOnlyOnViolations(t *testing.T) {
	for _, c := range []struct {
		f    Finding
		want bool
	}{
		{Finding{Rule: "abstraction-changed", Severity: High}, false},
		{Finding{Rule: "unsafe-block-added", Severity: High}, false},
		{Finding{Rule: "safety-comment-missing", Severity: High}, true},
		{Finding{Rule: "safety-comment-missing", Severity: Medium}, false},
		// a critical finding fails whatever its rule (a C prototype change
		// under Rust's unsafe code)
		{Finding{Rule: "c-header-used-by-rust-changed", Severity: Critical}, true},
		{Finding{Rule: "c-header-used-by-rust-changed", Severity: High}, false},
		{Finding{Rule: "panic-in-kernel", Severity: Medium}, false},
		{Finding{Rule: "no-such-rule", Severity: Critical}, false},
	} {
		if got := Fails(c.f, High); got != c.want {
			t.Errorf("Fails(%s %s, high) = %v, want %v", c.f.Rule, c.f.Severity, got, c.want)
		}
	}
}

func TestPhrase(t *testing.T) {
	if got := Phrase("unsafe-block-added", 2); got != "new unsafe blocks" {
		t.Errorf("plural = %q", got)
	}
	if got := Phrase("no-such-rule", 1); got != "no-such-rule finding" {
		t.Errorf("unknown = %q", got)
	}
}
