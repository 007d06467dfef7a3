package render

import (
	"bytes"
	"encoding/json"
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
