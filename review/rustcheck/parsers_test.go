package rustcheck

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// Parsers from the free list give the items a new parser gives, also
// when more goroutines parse at once than parsers are kept idle (past the
// cache of parsed windows).
func TestParserReuse(t *testing.T) {
	file := fuzzHunk("    // SAFETY: ok.\n    let x = unsafe { f(p) };\n    m!(unsafe { g() });\n}\nunsafe impl Send for X {}\nextern \"C\" { fn h(); }\n")
	window := func() *window {
		post, _ := hunkWindows(file, &file.Hunks[0])
		return post
	}
	want := parse(window())
	if len(want) < 4 {
		t.Fatalf("parse found %d items, want the block, the macro's block, the impl and the extern block: %+v", len(want), want)
	}
	// An earlier run (-count) leaves idle parsers, and the free list
	// hands out the oldest first.
	for len(idleParsers) > 0 {
		p := <-idleParsers
		p.qc.Close()
		p.p.Close()
	}
	rp := getParser()
	rp.put()
	if again := getParser(); again != rp {
		t.Error("a returned parser was not reused")
	} else {
		again.put()
	}
	var wg sync.WaitGroup
	errs := make(chan string, 3*maxIdleParsers)
	for g := range 3 * maxIdleParsers {
		wg.Go(func() {
			for range 20 {
				w := window()
				parse(w) // the code parseTree reads, from the lexer
				src, _ := w.sourceKey()
				if got := parseTree(w, []byte(src)); !reflect.DeepEqual(got, want) {
					errs <- fmt.Sprintf("goroutine %d: items %+v, want %+v", g, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if len(idleParsers) == 0 {
		t.Error("no idle parser after the parses: none was given back")
	}
}
