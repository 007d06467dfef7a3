package cli

import (
	"flag"
	"reflect"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		format string
		verb   bool
		pos    []string
	}{
		{[]string{"x.mbox", "--format", "json"}, "json", false, []string{"x.mbox"}},
		{[]string{"--format=json", "a", "-v", "b"}, "json", true, []string{"a", "b"}},
		{[]string{"a", "-", "-v"}, "text", true, []string{"a", "-"}},
		{[]string{"a", "--", "-v", "--format", "x"}, "text", false, []string{"a", "-v", "--format", "x"}},
		{[]string{"--", "--"}, "text", false, []string{"--"}},
		{nil, "text", false, nil},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		format := fs.String("format", "text", "")
		verb := fs.Bool("v", false, "")
		pos, err := Parse(fs, tc.args)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if *format != tc.format || *verb != tc.verb || !reflect.DeepEqual(pos, tc.pos) {
			t.Errorf("%q: format %q verbose %v pos %q, want %q %v %q", tc.args, *format, *verb, pos, tc.format, tc.verb, tc.pos)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(new(discard))
	if _, err := Parse(fs, []string{"a", "--nope"}); err == nil {
		t.Error("unknown flag after an argument accepted")
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 3, 15, 13, 30, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-01-02":           time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		"2026-01-02T10:00:00Z": time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC),
		"yesterday":            time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC),
		"today":                time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC),
		"2.weeks.ago":          now.AddDate(0, 0, -14),
		"3 days ago":           now.AddDate(0, 0, -3),
		"1.day.ago":            now.AddDate(0, 0, -1),
		"2 months ago":         now.AddDate(0, -2, 0),
		"a year ago":           now.AddDate(-1, 0, 0),
		"5 hours":              now.Add(-5 * time.Hour),
	} {
		got, err := ParseDate(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "tomorrowish", "2.fortnights.ago", "99999999999999999999 days ago", "-3 days"} {
		if _, err := ParseDate(bad, now); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); v == "" || v == "unknown" {
		t.Errorf("Version() = %q", v)
	}
}
