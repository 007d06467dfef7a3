// Package cli holds the command line's conventions that are not wiring:
// the exit codes, flag sets whose help goes to stderr (NewFlagSet), flags
// anywhere among the arguments (Parse, ParseFlags, ParseWithID, as git
// and b4 take them), repeatable flags (Multi), the usage page (Usage),
// git's approximate dates (ParseDate), the program's version (Version),
// and the collector's pacing for a batch run (StartingHeap). It reads no
// environment, no file and no network.
package cli

import (
	"flag"
	"fmt"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Parse parses fs from args with the flags allowed before, between and
// after the positional arguments; "--" ends the flags, and what follows
// it is positional even when it starts with "-". The positional arguments
// are returned in order (fs.Args() holds only the last run's).
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		consumed := args[:len(args)-len(rest)]
		if len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// Version is the module version and VCS revision the binary was built
// from, as runtime/debug records them ("(devel)" for a plain go build).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev
		if dirty {
			v += "-dirty"
		}
		if at != "" {
			v += " " + at
		}
	}
	return v + " " + bi.GoVersion
}

var relDate = regexp.MustCompile(`^(\d+|an?|one|two|three)[ .]+(second|minute|hour|day|week|month|year)s?([ .]+ago)?$`)

var units = map[string]time.Duration{"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour}

// ParseDate reads a date as git's approxidate does for the common cases:
// YYYY-MM-DD, RFC 3339, "YYYY-MM-DD HH:MM", "now", "today", "yesterday",
// and "N unit(s) [ago]" with spaces or dots ("2.weeks.ago", "3 days
// ago"; units second to year). Relative dates count back from now.
func ParseDate(v string, now time.Time) (time.Time, error) {
	s := strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	s = strings.ToLower(s)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch s {
	case "now":
		return now, nil
	case "today":
		return midnight, nil
	case "yesterday":
		return midnight.AddDate(0, 0, -1), nil
	}
	m := relDate.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD, RFC 3339, yesterday, 2.weeks.ago, 3 days ago)", v)
	}
	n, err := strconv.Atoi(m[1])
	if w, ok := map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}[m[1]]; ok {
		n, err = w, nil
	}
	if err != nil || n > 100000 {
		return time.Time{}, fmt.Errorf("%q is too far back", v)
	}
	switch m[2] {
	case "month":
		return now.AddDate(0, -n, 0), nil
	case "year":
		return now.AddDate(-n, 0, 0), nil
	}
	return now.Add(-time.Duration(n) * units[m[2]]), nil
}
