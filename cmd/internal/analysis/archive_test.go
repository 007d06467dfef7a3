package analysis_test

import (
	"context"
	"strings"
	"testing"

	"ferrule/cmd/internal/analysis"
	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
)

// TestArchiveQueue reviews the whole linux-pwm archive as `ferrule
// review` does (embedded knowledge and MAINTAINERS): the open queue a
// maintainer reads is short, holds no applied series, and --maintainer
// finds the PWM maintainer's series.
func TestArchiveQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("reviews the whole archive")
	}
	r, stop := mailtest.OpenArchive(t)
	defer stop()
	opts, err := analysis.Options("", nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.DropRecipients = true
	res, err := review.Ingest(context.Background(), mail.NewMboxReader(r, "linux-pwm-2019-2026.mbox", nil), opts)
	if err != nil {
		t.Fatal(err)
	}
	rep := review.BuildReport(res, nil)
	queue := 0
	for _, s := range rep.Series {
		if s.State.Open() && s.Tier != review.FYI {
			queue++
		}
		if strings.HasPrefix(s.Title, "Rust Abstractions for PWM subsystem with TH1520 PWM driver") && s.Version == 16 && s.State != review.StateApplied {
			t.Errorf("PWM abstraction v16 is %s (%s), want applied", s.State, s.StateReason)
		}
	}
	if queue == 0 || queue > 40 {
		t.Errorf("the open must-look and should-look queue holds %d series, want 1…40", queue)
	}
	mine := review.BuildReport(res, &review.ReportOptions{Filter: &review.Filter{Maintainer: "ukleinek@kernel.org"}, Me: []string{"ukleinek@kernel.org"}})
	pwm := 0
	for _, s := range mine.Series {
		for _, p := range s.Patches {
			for _, f := range p.Files {
				if strings.HasPrefix(f.Path, "drivers/pwm/") || f.Path == "include/linux/pwm.h" {
					pwm++
				}
			}
		}
	}
	if len(mine.Series) < 100 || pwm == 0 {
		t.Errorf("--maintainer ukleinek@kernel.org: %d series, %d PWM files; want the PWM series", len(mine.Series), pwm)
	}
	t.Logf("%d series, %d in the open must/should-look queue; %d routed to the PWM maintainer", len(rep.Series), queue, len(mine.Series))
}
