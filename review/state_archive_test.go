package review_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/maintainers"
)

// headerSource passes on the messages of src whose header (unfolded,
// lower case) contains one of the needles: threads of interest out of a
// whole archive, found by subject words or Message-ID/References.
type headerSource struct {
	src     mail.Source
	needles []string
}

func (s *headerSource) Position() string { return s.src.Position() }

func (s *headerSource) Next(ctx context.Context) (*mail.Raw, error) {
	for {
		raw, err := s.src.Next(ctx)
		if err != nil {
			return nil, err
		}
		h := strings.ToLower(rawHeader(raw.Bytes))
		for _, n := range s.needles {
			if strings.Contains(h, n) {
				return raw, nil
			}
		}
	}
}

// rawHeader returns the unfolded header of a raw message.
func rawHeader(b []byte) string {
	head := b
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		head = b[:i]
	}
	return strings.NewReplacer("\r\n", "\n", "\n ", " ", "\n\t", " ").Replace(string(head))
}

// sharedMaintainers loads the complete MAINTAINERS copy beside the peer
// data (../shared/data/kernel), or skips.
func sharedMaintainers(t *testing.T) *maintainers.File {
	t.Helper()
	dir := mailtest.SharedDir(t)
	path := dir + "/../data/kernel/MAINTAINERS"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("complete MAINTAINERS not available: %v", err)
	}
	f, _ := maintainers.Parse(string(b))
	return f
}

// TestStatesOnArchiveThreads reads real linux-pwm threads and checks the
// states a maintainer reading them would give.
func TestStatesOnArchiveThreads(t *testing.T) {
	if testing.Short() {
		t.Skip("archive test skipped in -short mode")
	}
	mf := sharedMaintainers(t)
	r, stop := mailtest.OpenArchive(t)
	defer stop()
	src := &headerSource{src: mail.NewMboxReader(r, "linux-pwm.mbox", nil), needles: []string{
		"rust-next-pwm-working-fan-for-sending", // b4 Message-IDs of every revision
		"mt8189", "mt6319", "mt6359",
	}}
	// Stale is measured from 2025-12-01 so that the mt8189 series, last
	// answered on 2025-11-11, is still open.
	now := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	res, err := review.Ingest(context.Background(), src, &review.IngestOptions{
		Route: &review.RouteOptions{Maintainers: mf},
		State: &review.StateOptions{Now: now},
	})
	if err != nil {
		t.Fatal(err)
	}
	find := func(title string, version int) *review.Series {
		t.Helper()
		for _, s := range res.Series {
			if strings.Contains(s.Title, title) && s.Version == version && len(s.Parts) > 0 {
				return s
			}
		}
		t.Fatalf("no v%d of %q among %d series", version, title, len(res.Series))
		return nil
	}

	// Uwe Kleine-König, 2025-10-25, in reply to the v16 cover letter:
	// "I applied patches #1-#5 to … pwm/for-next"; patches 6 and 7 are
	// riscv dts changes for the T-HEAD tree.
	v16 := find("Rust Abstractions for PWM subsystem with TH1520", 16)
	if v16.State != review.StateApplied {
		t.Errorf("PWM Rust abstraction v16: state %s (%s), want applied", v16.State, v16.StateReason)
	}
	if want := `applied by Uwe Kleine-König on 2025-10-25: "I applied patches #1-#5 to"`; !strings.HasPrefix(v16.StateReason, want) {
		t.Errorf("v16 reason = %q, want it to start with %q", v16.StateReason, want)
	}
	// v15 was answered with review comments, then v16 came.
	if v15 := find("Rust Abstractions for PWM subsystem with TH1520", 15); v15.State != review.StateSuperseded {
		t.Errorf("v15: state %s (%s), want superseded", v15.State, v15.StateReason)
	}

	// Conor Dooley (devicetree bindings maintainer, conor+dt@kernel.org in
	// MAINTAINERS), 2025-11-11, on patch 8 of v7: "pw-bot:
	// changes-requested"; no v8 in the archive.
	v7 := find("Add mt8189 dts evaluation board and Makefile", 7)
	if v7.State != review.StateChangesRequested || !strings.Contains(v7.StateReason, "Conor Dooley") || !strings.Contains(v7.StateReason, "pw-bot: changes-requested") {
		t.Errorf("mt8189 v7: state %s (%s), want changes-requested by Conor Dooley", v7.State, v7.StateReason)
	}
	// His "Acked-by … pw-bot: not-applicable" on v6's bindings is an ack
	// for another tree, not a rejection.
	for _, s := range res.Series {
		if s.State == review.StateRejected {
			t.Errorf("%s v%d: rejected (%s); no one rejected anything here", s.Title, s.Version, s.StateReason)
		}
	}
}

// TestStatesWholeArchive derives the state of every series of the seven
// years of linux-pwm and checks the rules hold together: every series has
// a known state and a reason, superseded means a newer revision exists,
// stale means a silent thread, applied names who applied what.
func TestStatesWholeArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("whole-archive test skipped in -short mode")
	}
	mf := sharedMaintainers(t)
	r, stop := mailtest.OpenArchive(t)
	defer stop()
	res, err := review.Ingest(context.Background(), mail.NewMboxReader(r, "linux-pwm.mbox", nil), &review.IngestOptions{
		State: &review.StateOptions{IsMaintainer: review.MaintainerCheck(mf)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var newest time.Time
	for _, p := range res.Posts {
		if p.Date.After(newest) && p.Date.Before(time.Now()) {
			newest = p.Date
		}
	}
	counts := map[review.State]int{}
	for _, s := range res.Series {
		if len(s.Parts) == 0 && s.Cover == nil {
			continue
		}
		counts[s.State]++
		if s.StateReason == "" {
			t.Errorf("%s v%d: state %s without a reason", s.Title, s.Version, s.State)
		}
		switch s.State {
		case review.StateNew, review.StateReviewed, review.StateChangesRequested, review.StateRejected:
		case review.StateApplied:
			if !strings.HasPrefix(s.StateReason, "applied by ") {
				t.Errorf("%s v%d: applied, reason %q does not say by whom", s.Title, s.Version, s.StateReason)
			}
		case review.StateSuperseded:
			if s.Next == nil {
				t.Errorf("%s v%d: superseded without a newer revision", s.Title, s.Version)
			}
		case review.StateStale:
			for _, p := range append(s.Posts(), s.Replies...) {
				if newest.Sub(p.Date) <= review.DefaultStaleAfter {
					t.Errorf("%s v%d: stale, but %s is from %s", s.Title, s.Version, p.MessageID, p.Date)
					break
				}
			}
		default:
			t.Errorf("%s v%d: unknown state %q", s.Title, s.Version, s.State)
		}
		if s.Next != nil && s.State != review.StateSuperseded && s.State != review.StateApplied && s.State != review.StateRejected {
			t.Errorf("%s v%d: has a newer revision but is %s", s.Title, s.Version, s.State)
		}
	}
	t.Logf("states: %v", counts)
	if counts[review.StateApplied] == 0 || counts[review.StateSuperseded] == 0 || counts[review.StateStale] == 0 {
		t.Errorf("implausible states for seven years of a list: %v", counts)
	}
}
