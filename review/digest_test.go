package review_test

import (
	"testing"

	"ferrule/review"
	"ferrule/review/diff"
	"ferrule/review/maintainers"
)

func responsible(role, name, email string) review.Responsible {
	return review.Responsible{Recipient: maintainers.Recipient{Name: name, Email: email, Role: role}, Why: "F: drivers/pwm/"}
}

func TestDigests(t *testing.T) {
	all := func(string) bool { return true }
	pwm := []review.Responsible{
		responsible("maintainer:PWM SUBSYSTEM", "Mo Maintainer", "mo@example.com"),
		responsible("reviewer:PWM SUBSYSTEM", "Rita Reviewer", "rita@example.net"),
		responsible("open list:PWM SUBSYSTEM", "", "linux-pwm@vger.kernel.org"),
	}
	files := func(paths ...string) []review.PatchReport {
		var fs []diff.File
		for _, p := range paths {
			fs = append(fs, diff.File{Path: p})
		}
		return []review.PatchReport{{Number: 1, Files: fs, Findings: []review.Finding{
			{Rule: "unsafe-block-added", Severity: review.Medium, File: paths[0], Line: 3},
			{Rule: "unsafe-block-added", Severity: review.Info, File: paths[0], Line: 9},
			{Rule: "abstraction-changed", Severity: review.High, File: paths[0], Line: 1},
			{Rule: "c-header-used-by-rust-changed", Severity: review.Medium, File: paths[0], Line: 2},
		}}}
	}
	reports := []review.SeriesReport{
		{ID: "must@x", Title: "rust: pwm: must", Version: 2, Tier: review.MustLook, Score: 30, Maintainers: pwm, Patches: files("rust/kernel/pwm.rs")},
		{ID: "old@x", Title: "rust: pwm: must", Version: 1, Tier: review.MustLook, Score: 40, Superseded: true, Maintainers: pwm, Patches: files("rust/kernel/pwm.rs")},
		{ID: "fyi@x", Title: "pwm: typo", Tier: review.FYI, Score: 0, Maintainers: pwm, Patches: files("drivers/pwm/core.c")},
		{ID: "should@x", Title: "pwm: demo", Tier: review.ShouldLook, Score: 8, Patches: files("drivers/pwm/pwm_demo.rs")},
	}
	subs := []review.Subscription{{Email: "sub@example.org", Paths: []string{"drivers/pwm/**"}}, {Email: "MO@example.com", Paths: []string{"*.rs"}}}
	got := review.Digests(reports, subs, all)
	want := map[string][]string{
		"mo@example.com":   {"must@x", "should@x"},
		"rita@example.net": {"must@x"},
		"sub@example.org":  {"should@x"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d digests, want %d: %+v", len(got), len(want), got)
	}
	for _, d := range got {
		var ids []string
		for _, e := range d.Entries {
			ids = append(ids, e.Series.ID)
		}
		if w := want[d.Recipient.Email]; len(ids) != len(w) || (len(ids) > 0 && ids[0] != w[0]) || (len(ids) > 1 && ids[1] != w[1]) {
			t.Errorf("%s gets %v, want %v", d.Recipient.Email, ids, w)
		}
	}
	// Without an opt-in, routing alone mails nobody; with a list, only
	// those on it.
	if only := review.Digests(reports, subs, nil); len(only) != 2 || only[0].Recipient.Email != "MO@example.com" || only[1].Recipient.Email != "sub@example.org" {
		t.Errorf("digests without maintainer opt-in = %+v, want the two subscribers", only)
	}
	rita := func(e string) bool { return e == "rita@example.net" }
	if some := review.Digests(reports, nil, rita); len(some) != 1 || some[0].Recipient.Email != "rita@example.net" {
		t.Errorf("digests with one opted-in reviewer = %+v", some)
	}
	e := got[0].Entries[0]
	if e.NewUnsafe != 1 || e.AbstractionChanges != 1 || e.CImpacts != 1 || e.Why != "maintainer:PWM SUBSYSTEM" {
		t.Errorf("entry = %+v", e)
	}
	if sub := got[0].Entries[1]; sub.Why != "subscribed to *.rs" {
		t.Errorf("subscription why = %q", sub.Why)
	}

	// The hash is stable and changes with what the recipient is told.
	again := review.Digests(reports, subs, all)
	if again[0].Entries[0].Hash != e.Hash {
		t.Error("hash not stable")
	}
	reports[0].Patches[0].Findings = reports[0].Patches[0].Findings[:1]
	if changed := review.Digests(reports, subs, all); changed[0].Entries[0].Hash == e.Hash {
		t.Error("hash did not change with the findings")
	}
}

// Applied, stale and rejected series are not in the queue: no digest
// mentions them.
func TestDigestsQueueOnly(t *testing.T) {
	mk := func(id string, st review.State) review.SeriesReport {
		return review.SeriesReport{ID: id, Title: id, Tier: review.MustLook, State: st}
	}
	reports := []review.SeriesReport{mk("open@x", review.StateNew), mk("applied@x", review.StateApplied), mk("stale@x", review.StateStale),
		mk("rejected@x", review.StateRejected)}
	for i := range reports {
		reports[i].Patches = []review.PatchReport{{Files: []diff.File{{Path: "drivers/pwm/core.c"}}}}
	}
	ds := review.Digests(reports, []review.Subscription{{Email: "me@example.org", Paths: []string{"drivers/pwm/**"}}}, nil)
	if len(ds) != 1 || len(ds[0].Entries) != 1 || ds[0].Entries[0].Series.ID != "open@x" {
		t.Errorf("digests = %+v, want one entry for the open series", ds)
	}
}
