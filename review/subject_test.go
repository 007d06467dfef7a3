package review

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestParseSubject covers every subject row of ANCHORS.md §c, plus the
// Patchwork rows of its test_parser.py.
func TestParseSubject(t *testing.T) {
	check := func(in string, want Subject) {
		t.Helper()
		if want.Version == 0 {
			want.Version = 1
		}
		got := ParseSubject(in)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ParseSubject(%q) =\n\t%+v\nwant\n\t%+v", in, got, want)
		}
	}
	check("[PATCH v3 2/7] rust: sync: add Arc::into_unique_or_drop",
		Subject{Patch: true, Version: 3, VersionExplicit: true, Counter: true, Number: 2, Total: 7, Title: "rust: sync: add Arc::into_unique_or_drop"})
	check("[PATCH net-next v2 01/10] net: foo: bar",
		Subject{Patch: true, Version: 2, VersionExplicit: true, Counter: true, Number: 1, Total: 10, Prefixes: []string{"net-next"}, Title: "net: foo: bar"})
	check("[PATCH RESEND v2 3/5] foo",
		Subject{Patch: true, Resend: true, Version: 2, VersionExplicit: true, Counter: true, Number: 3, Total: 5, Title: "foo"})
	check("[RFC PATCH v4 00/12] foo",
		Subject{Patch: true, RFC: true, Version: 4, VersionExplicit: true, Counter: true, Number: 0, Total: 12, Title: "foo"})
	check("[RFC PATCH net-next v2 01/10] foo",
		Subject{Patch: true, RFC: true, Version: 2, VersionExplicit: true, Counter: true, Number: 1, Total: 10, Prefixes: []string{"net-next"}, Title: "foo"})
	check("[PATCH] [RFC] rewrite [a-z] regexes",
		Subject{Patch: true, RFC: true, Title: "rewrite [a-z] regexes"})
	check("[PATCH,RFC 1/2] meep",
		Subject{Patch: true, RFC: true, Counter: true, Number: 1, Total: 2, Title: "meep"})
	check("[PATCH] [RFC,1/2] meep",
		Subject{Patch: true, RFC: true, Counter: true, Number: 1, Total: 2, Title: "meep"})
	check("[PATCH RFC 1/2] meep",
		Subject{Patch: true, RFC: true, Counter: true, Number: 1, Total: 2, Title: "meep"})
	check("[PATCHv2 1/3] foo",
		Subject{Patch: true, Version: 2, VersionExplicit: true, Counter: true, Number: 1, Total: 3, Title: "foo"})
	check("[PATCH 1/8][v2] foo",
		Subject{Patch: true, Version: 2, VersionExplicit: true, Counter: true, Number: 1, Total: 8, Title: "foo"})
	check("[PATCH1/8] foo",
		Subject{Patch: true, Counter: true, Number: 1, Total: 8, Title: "foo"})
	check("[v2PATCH1/4] foo",
		Subject{Patch: true, Version: 2, VersionExplicit: true, Counter: true, Number: 1, Total: 4, Title: "foo"})
	check("PATCH1/8 foo",
		Subject{Patch: true, Counter: true, Number: 1, Total: 8, Title: "foo"})
	check("v2PATCH1/4 foo",
		Subject{Patch: true, Version: 2, VersionExplicit: true, Counter: true, Number: 1, Total: 4, Title: "foo"})
	check("PATCH100/123: foo",
		Subject{Patch: true, Counter: true, Number: 100, Total: 123, Title: "foo"})
	check("Patches for review",
		Subject{Title: "Patches for review"})
	check("[PATCH100/123] foo",
		Subject{Patch: true, Counter: true, Number: 100, Total: 123, Title: "foo"})
	check("[PATCH 0 of 2] foo",
		Subject{Patch: true, Counter: true, Number: 0, Total: 2, Title: "foo"})
	check("[PATCH 1 of 2] foo",
		Subject{Patch: true, Counter: true, Number: 1, Total: 2, Title: "foo"})
	check("Hello, world (v2)",
		Subject{Version: 2, VersionExplicit: true, Title: "Hello, world (v2)"})
	check("[PATCH v5.1 10/12] foo",
		Subject{Patch: true, Version: 5, VersionExplicit: true, Point: 1, Counter: true, Number: 10, Total: 12, Title: "foo"})
	check("[PATCH] 1/2: Part 1",
		Subject{Patch: true, Counter: true, Number: 1, Total: 2, Title: "Part 1"})
	check("[PATCH 6.6 012/150] foo",
		Subject{Patch: true, Stable: "6.6", Counter: true, Number: 12, Total: 150, Title: "foo"})
	check("[PATCH 6.12.y 05/60] rust: foo",
		Subject{Patch: true, Stable: "6.12.y", Counter: true, Number: 5, Total: 60, Title: "rust: foo"})
	check("[GIT PULL] Rust for 6.15",
		Subject{Pull: true, Title: "Rust for 6.15"})
	check("[git pull] Please pull powerpc.git next branch",
		Subject{Pull: true, Title: "Please pull powerpc.git next branch"})
	check("[GIT] Networking",
		Subject{Pull: true, Title: "Networking"})
	check("Re: [PATCH v2 1/2] foo",
		Subject{Reply: true, Patch: true, Version: 2, VersionExplicit: true, Counter: true, Number: 1, Total: 2, Title: "foo"})
	check("RE meep",
		Subject{Reply: true, Title: "meep"})
	check("Aw: [PATCH] foo",
		Subject{Reply: true, Patch: true, Title: "foo"})
	check("Sv: [PATCH 2/3] foo",
		Subject{Reply: true, Patch: true, Counter: true, Number: 2, Total: 3, Title: "foo"})
	check("Fwd: [PATCH] foo",
		Subject{Reply: true, Patch: true, Title: "foo"})
	check("Re: Re: AW: [PATCH] foo",
		Subject{Reply: true, Patch: true, Title: "foo"})
	check("[PATCH [net-next] v2] foo",
		Subject{Patch: true, Version: 2, VersionExplicit: true, Prefixes: []string{"net-next"}, Title: "foo"})
	check("[PATCH net-next v3 0/4] foo (v3)",
		Subject{Patch: true, Version: 3, VersionExplicit: true, Counter: true, Number: 0, Total: 4, Prefixes: []string{"net-next"}, Title: "foo (v3)"})
	check("[Patch 2/2]: powerpc/foo: bar",
		Subject{Patch: true, Counter: true, Number: 2, Total: 2, Title: "powerpc/foo: bar"})
	check("[net,v2,1/2] foo",
		Subject{Version: 2, VersionExplicit: true, Counter: true, Number: 1, Total: 2, Prefixes: []string{"net"}, Title: "foo"})
	check("[Buildroot] [PATCH 01/11] foo",
		Subject{Patch: true, Counter: true, Number: 1, Total: 11, Prefixes: []string{"Buildroot"}, Title: "foo"})
	check("[PATCH v1] rust: pwm: use pin_init::zeroed()",
		Subject{Patch: true, Version: 1, VersionExplicit: true, Title: "rust: pwm: use pin_init::zeroed()"})
	check("do a thing to the widget subsystem",
		Subject{Title: "do a thing to the widget subsystem"})
	check("", Subject{})
	check("Rework of the foo",
		Subject{Title: "Rework of the foo"})
}

func TestNormalizeTitle(t *testing.T) {
	for in, want := range map[string]string{
		"rust: clk: Add `ExclusiveClk` wrapper":  "rust: clk: add exclusiveclk wrapper",
		"rust: clk: Add ExclusiveClk  wrapper":   "rust: clk: add exclusiveclk wrapper",
		"Hello, world (v2)":                      "hello, world",
		"replace \"core::mem::zeroed\" with foo": "replace core::mem::zeroed with foo",
	} {
		if got := NormalizeTitle(in); got != want {
			t.Errorf("NormalizeTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

// parseGroup's tokens are tokenSplitRe's, and its "of" test turns away
// nothing nOfMRe matches.
func FuzzSubjectTokens(f *testing.F) {
	tokenSplitRe := regexp.MustCompile(`[,\s]+`)
	for _, s := range []string{"PATCH v2 1/3", ",a,,b ", "RFC\tPATCH\v2", "1 OF 3", "x\u00a0y", "\xff,\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, g string) {
		if nOfMRe.MatchString(g) && !hasOf(g) {
			t.Errorf("%q: nOfMRe matches, hasOf says no", g)
		}
		var want []string
		for _, tok := range tokenSplitRe.Split(g, -1) {
			if tok != "" {
				want = append(want, tok)
			}
		}
		if got := strings.FieldsFunc(g, isTokenSeparator); !slices.Equal(got, want) {
			t.Errorf("%q: tokens %q, tokenSplitRe gives %q", g, got, want)
		}
	})
}
