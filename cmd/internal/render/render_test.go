package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"ferrule/review"
)

// The command's golden files (cmd/ferrule/testdata) hold the example's
// report as JSON and as rendered text and markdown: rendering the JSON
// gives the text and the markdown byte for byte.
const goldens = "../../ferrule/testdata/"

func TestFormatsAgreeWithGoldens(t *testing.T) {
	b, err := os.ReadFile(goldens + "rust-pwm-demo.json.golden")
	if err != nil {
		t.Fatal(err)
	}
	var rep review.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	for format, file := range map[string]string{"text": "rust-pwm-demo.txt.golden", "markdown": "rust-pwm-demo.md.golden", "json": "rust-pwm-demo.json.golden"} {
		want, err := os.ReadFile(goldens + file)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := Formats[format](&got, &rep, Style{}); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want) {
			t.Errorf("%s differs from %s", format, file)
		}
	}
}

// Colour and width apply only when asked.
func TestStyle(t *testing.T) {
	rep := &review.Report{Series: []review.SeriesReport{{ID: "a@b", Title: strings.Repeat("long title ", 10), Tier: review.MustLook}}}
	var plain, styled bytes.Buffer
	Text(&plain, rep, Style{})
	Text(&styled, rep, Style{Color: true, Width: 60})
	if strings.Contains(plain.String(), "\033[") || !strings.Contains(plain.String(), rep.Series[0].Title) {
		t.Errorf("plain output styled:\n%s", plain.String())
	}
	if !strings.Contains(styled.String(), "\033[1;31m") || !strings.Contains(styled.String(), "…") {
		t.Errorf("styled output lacks colour or cut:\n%s", styled.String())
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n--; f.n < 0 {
		return 0, os.ErrClosed
	}
	return len(p), nil
}

// A write error is returned, not swallowed.
func TestWriteError(t *testing.T) {
	rep := &review.Report{Series: []review.SeriesReport{{ID: "a@b", Title: "t"}}}
	for name, f := range Formats {
		if err := f(&failWriter{}, rep, Style{}); err == nil {
			t.Errorf("%s: write error lost", name)
		}
	}
}

// TestQueueListing: a big report lists the queue's must-look and
// should-look series and counts the rest; --all lists everything; a
// series shows five reasons unless verbose.
func TestQueueListing(t *testing.T) {
	rep := &review.Report{}
	add := func(n int, tier review.Tier, state review.State) {
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("%s-%s-%d@x", tier, state, i)
			rep.Series = append(rep.Series, review.SeriesReport{ID: id, ShortID: review.ShortID(id), Title: id, Tier: tier, State: state,
				Reasons: []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7"}})
		}
	}
	add(2, review.MustLook, review.StateNew)
	add(1, review.ShouldLook, review.StateChangesRequested)
	add(5, review.FYI, review.StateReviewed)
	add(9, review.MustLook, review.StateApplied)
	add(4, review.FYI, review.StateStale)
	add(3, review.ShouldLook, review.StateSuperseded)
	var b bytes.Buffer
	Text(&b, rep, Style{})
	out := b.String()
	for _, want := range []string{
		"24 series: 8 in the queue (2 must-look, 1 should-look, 5 fyi); 9 applied, 4 stale, 3 superseded",
		"(not listed: 5 fyi in the queue, 9 applied, 4 stale, 3 superseded; --all lists them, --state and --tier pick)",
		"   - … and 2 more (--verbose)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n== "); n != 3 {
		t.Errorf("%d series detailed, want the 3 must-look and should-look ones of the queue", n)
	}
	b.Reset()
	Text(&b, rep, Style{All: true, Verbose: true})
	if n := strings.Count(b.String(), "\n== "); n != 24 || strings.Contains(b.String(), "more (--verbose)") || !strings.Contains(b.String(), "applied     ") {
		t.Errorf("--all --verbose: %d series detailed\n%s", n, b.String())
	}
}
