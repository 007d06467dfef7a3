package review_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/rustcheck"
)

func ingestChecked(t *testing.T, paths ...string) *review.Result {
	t.Helper()
	src, err := mail.Open(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	res, err := review.Ingest(context.Background(), src, &review.IngestOptions{
		Checkers: []review.Checker{rustcheck.New(nil)},
		Inspect:  review.InspectOptions{KeepHunks: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRankingLabelled ranks the labelled set in testdata/ranking.mbox:
// soundness problems, clean abstraction changes (one reviewed), nits
// only (one reviewed), a C-only patch, a doc fix, a C header Rust reads.
// Each series must land in its labelled tier, the tiers must come in
// order, and no nits-only series may outrank a soundness problem.
func TestRankingLabelled(t *testing.T) {
	res := ingestChecked(t, "testdata/ranking.mbox")
	rep := review.BuildReport(res, nil)
	labels := map[string]review.Tier{}
	f, err := os.Open("testdata/ranking-labels.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		parts := strings.Split(sc.Text(), "\t")
		labels[parts[1]] = review.Tier(parts[0])
	}
	if len(labels) < 12 {
		t.Fatalf("labelled set has %d series, want at least 12", len(labels))
	}
	order := map[review.Tier]int{review.MustLook: 0, review.ShouldLook: 1, review.FYI: 2}
	last := 0
	for i, s := range rep.Series {
		want, ok := labels[s.ID]
		if !ok {
			t.Errorf("series %s has no label", s.ID)
			continue
		}
		if s.Tier != want {
			t.Errorf("%s: tier %s (score %.1f, reasons %q), labelled %s", s.Title, s.Tier, s.Score, s.Reasons, want)
		}
		if order[s.Tier] < last {
			t.Errorf("position %d: %s after a lower tier", i, s.Title)
		}
		last = order[s.Tier]
	}
	if len(rep.Series) != len(labels) {
		t.Errorf("%d series ranked, %d labelled", len(rep.Series), len(labels))
	}
	// The reasons speak plainly, largest first.
	for _, s := range rep.Series {
		if s.ID == "ranking-1@example.org" {
			want := "1 unsafe block without SAFETY comment in drivers/pwm/pwm_foo.rs"
			found := false
			for _, r := range s.Reasons {
				found = found || r == want
			}
			if !found {
				t.Errorf("reasons %q lack %q", s.Reasons, want)
			}
		}
	}
}

// TestRankProperties pins the score's rules on synthetic findings.
func TestRankProperties(t *testing.T) {
	series := func(fs ...review.Finding) *review.Series {
		p := &review.Post{Findings: fs}
		return &review.Series{Parts: []*review.Part{{Number: 1, Post: p}}}
	}
	nits := make([]review.Finding, 20)
	for i := range nits {
		nits[i] = review.Finding{Rule: "lint-allow-not-expect", Severity: review.Low, Confidence: review.Certain, File: "a.rs", Line: i}
	}
	manyNits := review.Rank(series(nits...), nil)
	oneHigh := review.Rank(series(review.Finding{Rule: "raw-pointer-ops", Severity: review.High, Confidence: review.Certain, File: "a.rs"}), nil)
	if manyNits.Score >= oneHigh.Score || manyNits.Tier != review.FYI {
		t.Errorf("20 nits score %.1f (%s), one high finding %.1f: nits must never outrank it", manyNits.Score, manyNits.Tier, oneHigh.Score)
	}
	certain := review.Rank(series(review.Finding{Rule: "safety-comment-missing", Severity: review.High, Confidence: review.Certain, File: "a.rs"}), nil)
	uncertain := review.Rank(series(review.Finding{Rule: "safety-comment-missing", Severity: review.High, Confidence: review.NeedsPostImage, File: "a.rs"}), nil)
	if certain.Tier != review.MustLook || uncertain.Score >= certain.Score {
		t.Errorf("definite violation %+v, uncertain one %+v", certain, uncertain)
	}
	w := review.DefaultWeights
	w.High = 50
	if r := review.Rank(series(review.Finding{Rule: "raw-pointer-ops", Severity: review.High, Confidence: review.Certain, File: "a.rs"}), &w); r.Score <= oneHigh.Score {
		t.Errorf("weights are not applied: %.1f", r.Score)
	}
}

// TestClkInterdiff: the real clk series v1…v4 shows v4 as current and the
// interdiff of every step, from the patches alone.
func TestClkInterdiff(t *testing.T) {
	res := ingestChecked(t, filepath.Join(mailtest.SharedDir(t, "rust-series", "lore"), "clk-exclusive-v1-v4.mbox"))
	var v4 *review.Series
	for _, s := range res.Series {
		if s.Version == 4 {
			v4 = s
		}
	}
	if v4 == nil || v4.Superseded() || len(v4.Older()) != 3 {
		t.Fatalf("v4 = %v, want the current revision with three older ones", v4)
	}
	want := map[int][]string{
		2: {"changed 1->1", "unchanged 2->2"},
		3: {"changed 1->1", "changed 2->2"},
		4: {"unchanged 1->1", "unchanged 2->2"},
	}
	for s := v4; s.Previous != nil; s = s.Previous {
		var got []string
		for _, c := range review.Interdiff(s.Previous, s) {
			got = append(got, c.Status+" "+itoa(c.From)+"->"+itoa(c.To))
			if c.Status == "changed" && !strings.Contains(c.Diff, "\n") {
				t.Errorf("v%d %d: changed without a diff of diffs", s.Version, c.To)
			}
		}
		if !reflect.DeepEqual(got, want[s.Version]) {
			t.Errorf("interdiff v%d -> v%d = %q, want %q", s.Previous.Version, s.Version, got, want[s.Version])
		}
	}
}

func itoa(n int) string { return fmt.Sprint(n) }

func TestWaitingReason(t *testing.T) {
	res := ingestChecked(t, "testdata/ranking.mbox")
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	// Waiting counts up to the input's newest message: all of
	// ranking.mbox was posted on one day, so nothing waits yet...
	for _, s := range review.BuildReport(res, &review.ReportOptions{Now: now}).Series {
		for _, r := range s.Reasons {
			if strings.HasPrefix(r, "waiting ") {
				t.Errorf("%s: %q, but the input's newest message is from the same day", s.Title, r)
			}
		}
	}
	// ... until a later message arrives.
	res.Posts = append(res.Posts, &review.Post{MessageID: "later@example.org", Date: now})
	rep := review.BuildReport(res, &review.ReportOptions{Now: now})
	for _, s := range rep.Series {
		has := false
		for _, r := range s.Reasons {
			has = has || strings.HasPrefix(r, "waiting ") && strings.HasSuffix(r, " days without review")
		}
		if has == s.Reviewed {
			t.Errorf("%s (reviewed %v): waiting reason %v", s.Title, s.Reviewed, has)
		}
	}
	// Age does not move series between tiers.
	plain := review.BuildReport(res, nil)
	for i := range rep.Series {
		if rep.Series[i].Tier != plain.Series[i].Tier || rep.Series[i].ID != plain.Series[i].ID {
			t.Errorf("position %d changed with the clock", i)
		}
	}
}
