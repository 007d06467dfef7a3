package am_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"ferrule/mail/mailtest"
	"ferrule/review/am"
)

// TestB4AmReferences writes the am mbox of every b4 follow-up sample that
// has a reference output for b4 am's defaults, --add-link or
// --sloppy-trailers, and checks that each commit message ends up with
// the same trailers in the same order as b4's, and the same patches.
func TestB4AmReferences(t *testing.T) {
	dir := mailtest.SharedDir(t, "b4")
	variants := map[string]am.Options{
		"defaults": {},
		"addlink":  {AddLink: true},
		"sloppy":   {Unverified: true},
	}
	n := 0
	for suffix, opts := range variants {
		refs, _ := filepath.Glob(filepath.Join(dir, "trailers-followup-*-ref-"+suffix+".txt"))
		for _, ref := range refs {
			name := strings.TrimSuffix(filepath.Base(ref), "-ref-"+suffix+".txt")
			n++
			t.Run(name+"/"+suffix, func(t *testing.T) {
				want, wantOrder := commitTrailers(t, readFile(t, ref))
				th := load(t, filepath.Join(dir, name+".mbox"))
				out, _ := writeAm(t, th, wantOrder[0], &opts)
				got, gotOrder := commitTrailers(t, out)
				if !reflect.DeepEqual(gotOrder, wantOrder) {
					t.Fatalf("patches %q, want (b4) %q", gotOrder, wantOrder)
				}
				for _, id := range wantOrder {
					if !reflect.DeepEqual(got[id], want[id]) {
						t.Errorf("<%s> trailers:%s\nwant (b4):%s", id, join(got[id]), join(want[id]))
					}
				}
			})
		}
	}
	if n < 10 {
		t.Fatalf("only %d b4 references found", n)
	}
}
