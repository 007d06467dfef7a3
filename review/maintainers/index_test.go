package maintainers

import (
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestIndexAgreesWithFullScan checks that the directory index ForPaths
// uses finds exactly the sections a scan of every section finds, on the
// whole embedded MAINTAINERS, for paths built from each F: pattern (its
// wildcards filled in, a file beneath a directory pattern, a deeper one)
// and for their parents.
func TestIndexAgreesWithFullScan(t *testing.T) {
	text, err := os.ReadFile("../rustcheck/snapshot/MAINTAINERS")
	if err != nil {
		t.Skipf("embedded MAINTAINERS snapshot not readable: %v", err)
	}
	indexed, _ := Parse(string(text))
	whole := &File{Sections: indexed.Sections} // no index: every section is tried
	seen := map[string]bool{}
	var paths []string
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	fill := strings.NewReplacer("**", "a/b", "*", "x", "?", "y")
	for _, s := range indexed.Sections {
		for _, f := range append(append([]string{}, s.Files...), s.Excludes...) {
			p := fill.Replace(f)
			add(p)
			add(strings.TrimSuffix(p, "/") + "/core.c")
			add(strings.TrimSuffix(p, "/") + "/sub/dir/file.h")
			if i := strings.LastIndexByte(strings.TrimSuffix(p, "/"), '/'); i > 0 {
				add(p[:i+1] + "other.c")
			}
		}
	}
	if len(paths) < 10000 {
		t.Fatalf("only %d paths built from the snapshot", len(paths))
	}
	// A full scan costs a quarter of a millisecond: every seventh path
	// (about 8,000) keeps the test near two seconds.
	for i := 0; i < len(paths); i += 7 {
		p := paths[i]
		got, want := indexed.ForPaths([]string{p}, nil), whole.ForPaths([]string{p}, nil)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the index finds %d sections, the full scan %d", p, len(got), len(want))
		}
	}
	// Several paths at once keep the full scan's order.
	for i := 0; i+5 < len(paths); i += 997 {
		set := paths[i : i+5]
		if got, want := indexed.ForPaths(set, nil), whole.ForPaths(set, nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("%v: the index and the full scan disagree", set)
		}
	}
}

func TestKeywordNeeds(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []need
	}{
		{`zstd`, []need{{s: "zstd"}}},
		{`(?:\b|_)bpf(?:\b|_)`, []need{{s: "bpf"}}},
		{`[gG]oogle.?[tT]ensor`, []need{{s: "oogle"}}},
		{`(devm_)?gpio_(request|free|direction|get|set)`, []need{{s: "gpio_"}}},
		{`\bdma_(?:buf|fence|resv)\b`, []need{{s: "dma_"}}},
		{`\b(ABS|SYN)_MT_`, []need{{s: "_MT_"}}},
		{`\b(?i:clang|llvm)\b`, []need{{s: "clang", fold: true}, {s: "llvm", fold: true}}},
		{`(?i)pidfd`, []need{{s: "pidfd", fold: true}}},
		{`(?i)é`, nil}, // folded beyond ASCII: unknown
		{`\b[Rr]ock[Cc]hip\b`, []need{{s: "ock"}}},
		{`a*`, nil},
	} {
		if got := needs(regexp.MustCompile(tc.expr)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("needs(%s) = %v, want %v", tc.expr, got, tc.want)
		}
	}
}

// TestKeywordPrefilter checks, on the whole snapshot, that the substring
// test before each K: and N: regex never hides a match: lines built from
// every K: value and every F: pattern get the same hits with and without
// it.
func TestKeywordPrefilter(t *testing.T) {
	text, err := os.ReadFile("../rustcheck/snapshot/MAINTAINERS")
	if err != nil {
		t.Skipf("embedded MAINTAINERS snapshot not readable: %v", err)
	}
	f, _ := Parse(string(text))
	var lines []string
	for _, s := range f.Sections {
		for _, v := range append(append([]string{}, s.Keywords...), s.Files...) {
			lines = append(lines, v, "Subject: [PATCH] "+strings.ToLower(v), " "+v+" | 1 +")
		}
	}
	hits := 0
	for _, l := range lines {
		for _, s := range f.Sections {
			for j, re := range s.regexes {
				if re.MatchString(l) {
					hits++
					if !containsAny(l, s.regexNeeds[j]) {
						t.Fatalf("N: %s matches %q, but the prefilter %v says it cannot", s.Regexes[j], l, s.regexNeeds[j])
					}
				}
			}
			for j, re := range s.keywords {
				if re.MatchString(l) {
					hits++
					if !containsAny(l, s.keywordNeeds[j]) {
						t.Fatalf("K: %s matches %q, but the prefilter %v says it cannot", s.Keywords[j], l, s.keywordNeeds[j])
					}
				}
			}
		}
	}
	if hits < 50 {
		t.Fatalf("only %d keyword hits on %d lines: the test proves nothing", hits, len(lines))
	}
}

// TestGlobPieces checks that testing a wildcard pattern's literal pieces
// first changes no answer of get_maintainer.pl's regex: every F:/X: glob
// of the snapshot against paths built from it and its neighbours.
func TestGlobPieces(t *testing.T) {
	text, err := os.ReadFile("../rustcheck/snapshot/MAINTAINERS")
	if err != nil {
		t.Skipf("embedded MAINTAINERS snapshot not readable: %v", err)
	}
	f, _ := Parse(string(text))
	var pats []*pattern
	for _, s := range f.Sections {
		pats = append(append(pats, s.files...), s.excludes...)
	}
	fill := strings.NewReplacer("**", "a/b", "*", "x", "?", "y")
	checked, matched := 0, 0
	for i, p := range pats {
		if p.compile == nil {
			continue
		}
		for _, q := range pats[max(0, i-2):min(len(pats), i+3)] {
			base := fill.Replace(q.raw)
			for _, file := range []string{base, strings.TrimSuffix(base, "/") + "/core.c", "x/" + base} {
				want := globRegexp(p.raw).MatchString(file) && (p.dir || p.any || strings.Count(file, "/") == p.slashN)
				if got := p.match(file); got != want {
					t.Fatalf("%s on %s: %v, the regex alone says %v", p.raw, file, got, want)
				}
				checked++
				if want {
					matched++
				}
			}
		}
	}
	if matched < 500 {
		t.Fatalf("%d of %d checks matched: the test proves little", matched, checked)
	}
}

// A case-folded need never hides a match, Unicode folds included.
func TestFoldNeeds(t *testing.T) {
	for _, expr := range []string{`(?i)kvm`, `\b(?i:rust)\b`, `(?i)clone3`} {
		re := regexp.MustCompile(expr)
		n := needs(re)
		if n == nil {
			t.Fatalf("%s: no need found", expr)
		}
		for _, line := range []string{"KVM: x86", "kvm", "\u212aVM", "Subject: [PATCH] RUST: pwm", "ru\u017ft", "trust", "CLONE3", "nothing here"} {
			if re.MatchString(line) && !containsAny(line, n) {
				t.Errorf("%s matches %q, but the prefilter %v says it cannot", expr, line, n)
			}
		}
		if containsAny("nothing here", n) {
			t.Errorf("%s: the prefilter %v lets an unrelated ASCII line through", expr, n)
		}
	}
}

// A full memo starts afresh, so that new keys are kept again.
func TestMemoStartsAfresh(t *testing.T) {
	var m memo[int]
	for i := range memoLimit {
		m.get(strconv.Itoa(i), func() int { return i })
	}
	calls := 0
	m.get("new", func() int { calls++; return -1 })
	m.get("new", func() int { calls++; return -1 })
	if calls != 1 || len(m.m) != 1 {
		t.Errorf("past the limit: computed %d times, %d entries; want 1, 1", calls, len(m.m))
	}
}
