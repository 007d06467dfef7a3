package am_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"ferrule/mail/mailtest"
)

// TestRustSeriesAgainstB4 writes the am mbox of every real thread of
// ../shared/testdata/rust-series/lore and compares each commit message's
// trailers, in order, with those in b4 am's output for the same thread
// (testdata/b4-am/NAME.trailers, see its README).
func TestRustSeriesAgainstB4(t *testing.T) {
	lore := mailtest.SharedDir(t, "rust-series", "lore")
	refs, _ := filepath.Glob("testdata/b4-am/*.trailers")
	if len(refs) < 15 {
		t.Fatalf("%d b4 references, want 15", len(refs))
	}
	total := 0
	for _, ref := range refs {
		name := strings.TrimSuffix(filepath.Base(ref), ".trailers")
		t.Run(name, func(t *testing.T) {
			want, order, wantSubj := readTrailers(t, ref)
			th := load(t, filepath.Join(lore, name+".mbox"))
			out, _ := writeAm(t, th, order[0], nil)
			got, gotOrder := commitTrailers(t, out)
			if !reflect.DeepEqual(gotOrder, order) {
				t.Fatalf("patches %q, want (b4) %q", gotOrder, order)
			}
			gotSubj := subjects(t, out)
			for _, id := range order {
				if gotSubj[id] != wantSubj[id] {
					t.Errorf("<%s> subject %q, want (b4) %q", id, gotSubj[id], wantSubj[id])
				}
				total += len(want[id])
				if !reflect.DeepEqual(got[id], want[id]) {
					t.Errorf("<%s> trailers:%s\nwant (b4):%s", id, join(got[id]), join(want[id]))
				}
			}
		})
	}
	t.Logf("%d threads, %d trailer lines compared", len(refs), total)
}

func readTrailers(t *testing.T, path string) (map[string][]string, []string, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	subj := map[string]string{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "\t") {
			if len(order) == 0 {
				t.Fatalf("%s: trailer before any Message-Id", path)
			}
			id := order[len(order)-1]
			out[id] = append(out[id], line[1:])
			continue
		}
		id, subject, _ := strings.Cut(line, " ")
		id = strings.Trim(id, "<>")
		order = append(order, id)
		out[id], subj[id] = nil, subject
	}
	return out, order, subj
}
