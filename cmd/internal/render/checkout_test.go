package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"ferrule/review"
)

func TestCheckOutput(t *testing.T) {
	rep := &review.Report{Series: []review.SeriesReport{{Patches: []review.PatchReport{{Findings: []review.Finding{
		{Rule: "safety-comment-missing", Severity: review.High, Confidence: review.Certain, File: "rust/kernel/pwm.rs", Line: 12, Message: "unsafe block without a SAFETY comment"},
		{Rule: "safety-comment-missing", Severity: review.High, Confidence: review.NeedsPostImage, File: "rust/kernel/pwm.rs", Line: 40, Message: "cannot tell without the file"},
		{Rule: "safety-comment-weak", Severity: review.Low, Confidence: review.Certain, File: "rust/kernel/pwm.rs", Line: 50, Message: "rustfmt"},
	}}}}}}
	for _, tc := range []struct {
		format          string
		threshold       review.Severity
		ignoreUncertain bool
		failing         int
	}{
		{"text", review.High, false, 2},
		{"text", review.High, true, 1},
		{"text", review.Low, false, 3},
		{"json", review.Critical, false, 0},
	} {
		var out bytes.Buffer
		failing, err := CheckOutput(&out, rep, tc.format, tc.threshold, tc.ignoreUncertain)
		if err != nil || failing != tc.failing {
			t.Errorf("%s at %s (ignore uncertain %v): %d failing, %v; want %d", tc.format, tc.threshold, tc.ignoreUncertain, failing, err, tc.failing)
		}
		if tc.format == "json" {
			var back review.Report
			if err := json.Unmarshal(out.Bytes(), &back); err != nil || len(back.Series) != 1 {
				t.Errorf("json output does not read back: %v", err)
			}
		} else if !strings.Contains(out.String(), "rust/kernel/pwm.rs:12") {
			t.Errorf("text output lacks the finding's place:\n%s", out.String())
		}
	}
}
