package rustcheck_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/rustcheck"
)

// subjectSource passes on the messages whose Subject contains a needle.
type subjectSource struct {
	src     mail.Source
	needles []string
}

func (s *subjectSource) Position() string { return s.src.Position() }

func (s *subjectSource) Next(ctx context.Context) (*mail.Raw, error) {
	for {
		raw, err := s.src.Next(ctx)
		if err != nil {
			return nil, err
		}
		head := raw.Bytes
		if i := bytes.Index(head, []byte("\n\n")); i >= 0 {
			head = head[:i]
		}
		h := strings.ToLower(strings.NewReplacer("\n ", " ", "\n\t", " ").Replace(string(head)))
		for _, n := range s.needles {
			if strings.Contains(h, "\nsubject: ") && strings.Contains(h, n) {
				return raw, nil
			}
		}
	}
}

// TestImpactOnArchiveThreads reads real linux-pwm threads (the mail was
// read to write these): C changes are reported only when they change a
// symbol Rust uses, naming the Rust user.
func TestImpactOnArchiveThreads(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole archive")
	}
	r, stop := mailtest.OpenArchive(t)
	defer stop()
	src := mail.NewMboxReader(r, "linux-pwm-2019-2026.mbox", nil)
	res, err := review.Ingest(context.Background(), &subjectSource{src: src, needles: []string{
		"nios2: remove the architecture",             // include guards, readb_relaxed in arch/nios2: no Rust there
		"pwm: drop unused function pwm_apply_args()", // an inline no Rust code ever used
		"provide a gpio device for waveform drivers", // changes what __pwmchip_add does for Rust drivers
		"export `pwmchip_release` for external use",  // the export the Rust abstraction needs
	}}, &review.IngestOptions{Checkers: []review.Checker{rustcheck.New(nil)}, Inspect: review.InspectOptions{KeepHunks: true}})
	if err != nil {
		t.Fatal(err)
	}
	impact := map[string][]string{}
	for _, s := range res.Series {
		for _, p := range s.Parts {
			for _, f := range p.Post.Findings {
				if strings.HasPrefix(f.Rule, "c-") {
					impact[s.Title] = append(impact[s.Title], f.Rule+": "+f.Message)
				}
			}
		}
	}
	seen := map[string]bool{}
	exports := 0
	for _, s := range res.Series {
		seen[s.Title] = true
		switch title := strings.ToLower(s.Title); {
		case strings.Contains(title, "nios2"), strings.Contains(title, "pwm_apply_args"):
			if len(impact[s.Title]) > 0 {
				t.Errorf("%q: C→Rust findings %q, want none", s.Title, impact[s.Title])
			}
		case strings.Contains(title, "gpio device"):
			if !strings.Contains(strings.Join(impact[s.Title], "\n"), "__pwmchip_add, called from rust/kernel/pwm.rs") {
				t.Errorf("%q: findings %q, want __pwmchip_add's Rust caller named", s.Title, impact[s.Title])
			}
		case strings.Contains(title, "pwmchip_release"):
			exports++
			if !strings.Contains(strings.Join(impact[s.Title], "\n"), "pwmchip_release changed") ||
				!strings.Contains(strings.Join(impact[s.Title], "\n"), "rust/kernel/pwm.rs") {
				t.Errorf("%q: findings %q, want pwmchip_release's Rust user named", s.Title, impact[s.Title])
			}
		}
	}
	if exports == 0 {
		t.Error("no series exporting pwmchip_release found in the archive")
	}
	for _, want := range []string{"nios2: remove the architecture", "pwm: Drop unused function pwm_apply_args()", "pwm: Provide a gpio device for waveform drivers"} {
		if !seen[want] {
			t.Errorf("series %q not found in the archive; have %v", want, seen)
		}
	}
}
