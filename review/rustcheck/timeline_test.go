package rustcheck_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/review"
	"ferrule/review/rustcheck"
)

// TestTimeline: a C change is reported only from when the Rust code that
// uses the changed symbol exists — the series that created it in the
// input, and never before the kernel merged Rust.
func TestTimeline(t *testing.T) {
	patch := func(id, date, subject, body string) string {
		return fmt.Sprintf("From x@y Thu Jan  1 00:00:00 1970\nFrom: A <a@example.org>\nMessage-ID: <%s>\nDate: %s\nSubject: [PATCH] %s\n\n%s\n", id, date, subject, body)
	}
	cChange := `---
diff --git a/drivers/pwm/core.c b/drivers/pwm/core.c
--- a/drivers/pwm/core.c
+++ b/drivers/pwm/core.c
@@ -10,3 +10,4 @@ int __pwmchip_add(struct pwm_chip *chip, struct module *owner)
 	if (ret)
 		return ret;
+	chip->flags = 0;
 	return 0;
`
	rustAdd := `---
diff --git a/rust/kernel/pwm.rs b/rust/kernel/pwm.rs
new file mode 100644
--- /dev/null
+++ b/rust/kernel/pwm.rs
@@ -0,0 +1,3 @@
+//! PWM.
+
+pub struct Chip;
`
	mbox := patch("c2019@x", "Mon, 1 Jul 2019 10:00:00 +0000", "pwm: core: reset flags (2019)", cChange) +
		patch("c2024@x", "Mon, 1 Jul 2024 10:00:00 +0000", "pwm: core: reset flags (2024)", cChange) +
		patch("rust@x", "Mon, 1 Jan 2025 10:00:00 +0000", "rust: pwm: add abstraction", rustAdd) +
		patch("c2025@x", "Mon, 1 Jul 2025 10:00:00 +0000", "pwm: core: reset flags (2025)", cChange)
	src := mail.NewMboxReader(strings.NewReader(mbox), "timeline.mbox", nil)
	res, err := review.Ingest(context.Background(), src, &review.IngestOptions{
		Workers: 1, Checkers: []review.Checker{rustcheck.New(nil)}, Inspect: review.InspectOptions{KeepHunks: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range res.Series {
		for _, p := range s.Parts {
			for _, f := range p.Post.Findings {
				if f.Rule == "c-function-called-by-rust-changed" {
					got[s.Title]++
				}
			}
		}
	}
	want := map[string]int{"pwm: core: reset flags (2025)": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("C→Rust findings per series = %v, want %v", got, want)
	}
}
