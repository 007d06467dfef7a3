package cli

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		withID bool
		code   int
		ok     bool
		pos    []string
		stderr string
	}{
		{"flags anywhere", []string{"a", "--limit", "3", "b"}, false, ExitOK, true, []string{"a", "b"}, ""},
		{"help", []string{"-h"}, false, ExitOK, false, nil, "usage: t ID"},
		{"unknown flag", []string{"--nope"}, false, ExitUsage, false, nil, "flag provided but not defined: -nope"},
		{"bad value", []string{"--limit", "x"}, false, ExitUsage, false, nil, "invalid value"},
		{"an ID", []string{"<id@x>", "--limit=2"}, true, ExitOK, true, []string{"<id@x>"}, ""},
		{"no ID", []string{"--limit=2"}, true, ExitUsage, false, nil, "usage: t ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			fs := NewFlagSet(&stderr, "t", "usage: t ID", "Does nothing.")
			var repeated Multi
			fs.Var(&repeated, "path", "")
			fs.Int("limit", 0, "at most this many")
			parse := ParseFlags
			if tc.withID {
				parse = ParseWithID
			}
			code, ok := parse(fs, tc.args)
			if code != tc.code || ok != tc.ok {
				t.Fatalf("code %d ok %v, want %d %v (stderr %q)", code, ok, tc.code, tc.ok, stderr.String())
			}
			if ok && !reflect.DeepEqual(fs.Args(), tc.pos) {
				t.Errorf("positional %q, want %q", fs.Args(), tc.pos)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderr)
			}
		})
	}
}

func TestMulti(t *testing.T) {
	fs := NewFlagSet(new(bytes.Buffer), "t")
	var m Multi
	fs.Var(&m, "path", "")
	if _, ok := ParseFlags(fs, []string{"--path", "a/*", "x", "--path=b/"}); !ok {
		t.Fatal("parse failed")
	}
	if m.String() != "a/*,b/" || !reflect.DeepEqual([]string(m), []string{"a/*", "b/"}) {
		t.Errorf("got %q", m)
	}
}

func TestUsage(t *testing.T) {
	var b bytes.Buffer
	Usage(&b, []Command{{Name: "review", Help: "assemble series"}, {Name: "kernel-snapshot", Help: "regenerate"}})
	want := "usage: ferrule COMMAND [flags] [args]\n\n  review           assemble series\n  kernel-snapshot  regenerate\n\nRun 'ferrule help COMMAND' for a command's flags.\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
