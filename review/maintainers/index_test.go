package maintainers

import (
	"os"
	"reflect"
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
