package review_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"ferrule/review"
)

// TestWriteJSONMatchesEncoder: the streamed document is byte for byte what
// json.Encoder with SetIndent("", "  ") writes for the whole report, on
// empty, nil and real reports (with hunks, interdiffs, and the <, >, & of
// addresses and code that the encoder escapes).
func TestWriteJSONMatchesEncoder(t *testing.T) {
	res := ingestChecked(t, "testdata/ranking.mbox")
	full := review.BuildReport(res, &review.ReportOptions{Interdiff: true})
	if len(full.Series) < 2 {
		t.Fatalf("ranking.mbox: %d series, want several", len(full.Series))
	}
	one := *full
	one.Series = full.Series[:1]
	// More series than one encoding batch, to cross batch boundaries.
	many := *full
	many.Series = nil
	for len(many.Series) < 150 {
		many.Series = append(many.Series, full.Series...)
	}
	for _, tc := range []struct {
		name string
		rep  *review.Report
	}{
		{"zero", &review.Report{}},
		{"empty result", review.BuildReport(&review.Result{}, nil)},
		{"one series", &one},
		{"ranking.mbox", full},
		{"150 series", &many},
	} {
		for _, share := range []bool{false, true} {
			rep := tc.rep
			name := tc.name
			if share { // each series encoded once, for WriteJSON and SeriesJSON
				shared := *tc.rep
				shared.ShareJSON(2)
				rep, name = &shared, name+" shared"
			}
			t.Run(name, func(t *testing.T) {
				var want bytes.Buffer
				enc := json.NewEncoder(&want)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				if err := rep.WriteJSON(&got); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					g, w := got.String(), want.String()
					i := 0
					for i < len(g) && i < len(w) && g[i] == w[i] {
						i++
					}
					t.Errorf("WriteJSON differs from json.Encoder at byte %d of %d:\ngot  %q\nwant %q",
						i, len(w), g[max(0, i-40):min(len(g), i+40)], w[max(0, i-40):min(len(w), i+40)])
				}
			})
		}
	}
}

// ReportOptions.Equal: the same report only when nothing narrows either
// and every other option agrees.
func TestReportOptionsEqual(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	base := func() review.ReportOptions {
		return review.ReportOptions{Weights: &review.DefaultWeights, Filter: &review.Filter{}, Now: now, Me: []string{"me@x"}}
	}
	if o, p := base(), base(); !o.Equal(&p) {
		t.Error("equal options (an empty filter keeps all) are not Equal")
	}
	if o, p := (review.ReportOptions{}), (review.ReportOptions{Me: []string{}}); !o.Equal(&p) {
		t.Error("zero options with nil and empty Me are not Equal")
	}
	for name, change := range map[string]func(*review.ReportOptions){
		"weights":   func(o *review.ReportOptions) { o.Weights = &review.Weights{} },
		"filter":    func(o *review.ReportOptions) { o.Filter = &review.Filter{Tier: review.MustLook} },
		"limit":     func(o *review.ReportOptions) { o.Limit = 5 },
		"now":       func(o *review.ReportOptions) { o.Now = now.Add(time.Second) },
		"me":        func(o *review.ReportOptions) { o.Me = append(o.Me, "you@x") },
		"interdiff": func(o *review.ReportOptions) { o.Interdiff = true },
	} {
		o, p := base(), base()
		change(&p)
		if o.Equal(&p) || p.Equal(&o) {
			t.Errorf("options differing in %s are Equal", name)
		}
	}
	// A new option must be compared (or said not to matter) in Equal.
	if n := reflect.TypeFor[review.ReportOptions]().NumField(); n != 6 {
		t.Errorf("ReportOptions has %d fields, Equal and this test know 6", n)
	}
}

// TestWriteJSONWriteError: the first write error is returned.
func TestWriteJSONWriteError(t *testing.T) {
	boom := errors.New("boom")
	rep := review.BuildReport(ingestChecked(t, "testdata/ranking.mbox"), nil)
	for _, after := range []int{0, 1, 100, 5000} {
		w := &failAfter{n: after, err: boom}
		if err := rep.WriteJSON(w); !errors.Is(err, boom) {
			t.Errorf("failing after %d bytes: got %v, want %v", after, err, boom)
		}
	}
}

// failAfter accepts n bytes, then fails.
type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n := f.n
		f.n = 0
		return n, f.err
	}
	f.n -= len(p)
	return len(p), nil
}
