package analysis

import (
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"ferrule/review"
)

func TestFilterFlags(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		args []string
		want *review.Filter
		err  string
	}{
		{nil, &review.Filter{}, ""},
		{[]string{"--tier", "must-look", "--maintainer", "u@k.org"}, &review.Filter{Tier: review.MustLook, Maintainer: "u@k.org"}, ""},
		{[]string{"--tier", "superseded", "--state", "applied"}, &review.Filter{States: []review.State{review.StateApplied, review.StateSuperseded}}, ""},
		{[]string{"--state", "queue", "--path", "drivers/pwm/*", "--path", "rust/"}, &review.Filter{Paths: []string{"drivers/pwm/*", "rust/"},
			States: []review.State{review.StateNew, review.StateReviewed, review.StateChangesRequested}}, ""},
		{[]string{"--since", "yesterday"}, &review.Filter{Since: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}, ""},
		{[]string{"--tier", "urgent"}, nil, `unknown --tier "urgent"`},
		{[]string{"--state", "merged"}, nil, "--state: "},
		{[]string{"--since", "someday"}, nil, "--since: "},
	} {
		var f FilterFlags
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f.Register(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		got, err := f.Filter(now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %+v, want %+v", tc.args, got, tc.want)
		}
	}
}
