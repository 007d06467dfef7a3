package review_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
)

// TestIncrementalFinish: adding messages in two rounds, with Finish after
// each, ends where a single pass does.
func TestIncrementalFinish(t *testing.T) {
	dir := mailtest.SharedDir(t, "rust-series", "lore")
	files := []string{filepath.Join(dir, "clk-exclusive-v1-v4.mbox"), filepath.Join(dir, "pwm-zeroed-v1-v3.mbox")}
	once := review.BuildReport(ingest(t, files...), nil)

	a := review.NewAssembler()
	for _, f := range files {
		src, err := mail.Open([]string{f}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := review.Feed(context.Background(), a, src, nil); err != nil {
			t.Fatal(err)
		}
		src.Close()
		a.Finish()
	}
	twice := review.BuildReport(a.Finish(), nil)
	j1, _ := json.Marshal(once)
	j2, _ := json.Marshal(twice)
	if string(j1) != string(j2) {
		t.Errorf("incremental assembly differs from one pass:\n%s\n%s", j1, j2)
	}
}
