package review_test

import (
	"fmt"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/review"
)

// TestRankBySubstance: a series ranks by what is in it, not by how many
// patches or repeated findings it has, and always says why.
func TestRankBySubstance(t *testing.T) {
	medium := func(patch int, file string, line int) review.Finding {
		return review.Finding{Rule: "raw-pointer-ops", Severity: review.Medium, Confidence: review.Certain, Patch: patch, File: file, Line: line}
	}
	high := review.Finding{Rule: "safety-comment-missing", Severity: review.High, Confidence: review.Certain, Patch: 1, File: "drivers/pwm/pwm_x.rs", Line: 3}
	series := func(patches ...[]review.Finding) *review.Series {
		s := &review.Series{}
		for i, fs := range patches {
			s.Parts = append(s.Parts, &review.Part{Number: i + 1, Post: &review.Post{Findings: fs}})
		}
		return s
	}
	one := review.Rank(series([]review.Finding{medium(1, "a.rs", 1)}), nil)
	var twenty [][]review.Finding
	for i := 1; i <= 20; i++ {
		twenty = append(twenty, []review.Finding{medium(i, "a.rs", i)})
	}
	many := review.Rank(series(twenty...), nil)
	if many.Score > 2*one.Score {
		t.Errorf("20 patches with one medium finding each score %.1f, one such patch %.1f: want at most twice", many.Score, one.Score)
	}
	if many.Score <= one.Score {
		t.Errorf("20 patches score %.1f, not more than one patch (%.1f)", many.Score, one.Score)
	}
	var repeated []review.Finding
	for i := 0; i < 48; i++ {
		repeated = append(repeated, medium(1, "rust/kernel/pwm.rs", i))
	}
	rep := review.Rank(series(repeated), nil)
	single := review.Rank(series(repeated[:1]), nil)
	if rep.Score > 6*single.Score {
		t.Errorf("48 findings of one rule in one file score %.1f, one %.1f: want sub-linear (≤ 6×)", rep.Score, single.Score)
	}
	// One definite violation still outranks a large series of medium findings.
	if v := review.Rank(series([]review.Finding{high}), nil); v.Tier != review.MustLook {
		t.Errorf("a definite high violation is %s, want must-look", v.Tier)
	}

	// A series with nothing to say says so, and who reviewed it.
	clean := series([]review.Finding{})
	clean.Parts[0].Post.Author = mail.Address{Name: "A", Email: "a@example.org"}
	rv := &mail.Address{Name: "Reviewer Person", Email: "r@example.org"}
	clean.Parts[0].Trailers = []review.Trailer{{Name: "Reviewed-by", Value: "Reviewer Person <r@example.org>", Person: rv, Verified: true}}
	r := review.Rank(clean, nil)
	if r.Score != 0 || strings.Join(r.Reasons, "; ") != "no findings; reviewed by Reviewer Person" {
		t.Errorf("clean reviewed series: score %.1f, reasons %q", r.Score, r.Reasons)
	}
	clean.Parts[0].Trailers = nil
	r = review.Rank(clean, nil)
	if strings.Join(r.Reasons, "; ") != "no findings; no Reviewed-by, Acked-by or Tested-by yet" {
		t.Errorf("clean unreviewed series: reasons %q", r.Reasons)
	}
}

// TestRankMine: series routed to the reader weigh more and come first
// within their tier, saying why.
func TestRankMine(t *testing.T) {
	mk := func(id, email string) *review.Series {
		f := review.Finding{Rule: "raw-pointer-ops", Severity: review.Medium, Confidence: review.Certain, Patch: 1, File: "drivers/pwm/pwm_x.rs"}
		s := &review.Series{ID: id, Title: id, Version: 1, Total: 1}
		s.Parts = []*review.Part{{Number: 1, Post: &review.Post{MessageID: id, Findings: []review.Finding{f}}}}
		r := review.Responsible{}
		r.Email, r.Role = email, "maintainer:PWM SUBSYSTEM"
		s.Responsible = []review.Responsible{r}
		return s
	}
	res := &review.Result{Series: []*review.Series{mk("other@x", "someone@example.org"), mk("mine@x", "Me@Example.org")}}
	plain := review.BuildReport(res, nil)
	rep := review.BuildReport(res, &review.ReportOptions{Me: []string{"me@example.org"}})
	if rep.Series[0].ID != "mine@x" || rep.Series[0].Reasons[0] != "yours: maintainer of PWM SUBSYSTEM" {
		t.Fatalf("first %s reasons %q, want mine@x with a 'yours' reason", rep.Series[0].ID, rep.Series[0].Reasons)
	}
	if rep.Series[0].Score <= plain.Series[0].Score || rep.Series[1].Score != plain.Series[0].Score {
		t.Errorf("scores mine %.1f other %.1f, without me %.1f", rep.Series[0].Score, rep.Series[1].Score, plain.Series[0].Score)
	}
}

func TestParseStates(t *testing.T) {
	got, err := review.ParseStates([]string{"applied,stale", "queue"})
	want := []review.State{review.StateApplied, review.StateStale, review.StateNew, review.StateReviewed, review.StateChangesRequested}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ParseStates = %v, %v; want %v", got, err, want)
	}
	if _, err := review.ParseStates([]string{"merged"}); err == nil {
		t.Error("an unknown state is accepted")
	}
}
