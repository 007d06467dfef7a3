package rustcheck

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// Parsers from the free list give the items a new parser gives, also
// when more goroutines parse at once than parsers are kept idle (past the
// cache of parsed windows), and when a parser's previous parse was of
// other code: nothing of one parse carries into the next.
func TestParserReuse(t *testing.T) {
	texts := []string{
		"    // SAFETY: ok.\n    let x = unsafe { f(p) };\n    m!(unsafe { g() });\n}\nunsafe impl Send for X {}\nextern \"C\" { fn h(); }\n",
		"    unsafe trait T {}\n    fn f() { unsafe { g() } }\n",
	}
	windows := make([]func() *window, len(texts))
	wants := make([][]item, len(texts))
	for i, text := range texts {
		file := fuzzHunk(text)
		windows[i] = func() *window {
			post, _ := hunkWindows(file, &file.Hunks[0])
			return post
		}
		wants[i] = parse(windows[i]())
	}
	if len(wants[0]) < 4 {
		t.Fatalf("parse found %d items, want the block, the macro's block, the impl and the extern block: %+v", len(wants[0]), wants[0])
	}
	if reflect.DeepEqual(wants[0], wants[1]) {
		t.Fatalf("the two windows give the same items: %+v", wants[0])
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
			for i := range 20 {
				k := (g + i) % len(texts) // each parser parses both in turn
				w := windows[k]()
				parse(w) // the code parseTree reads, from the lexer
				src, _ := w.sourceKey()
				if got := parseTree(w, []byte(src)); !reflect.DeepEqual(got, wants[k]) {
					errs <- fmt.Sprintf("goroutine %d, window %d: items %+v, want %+v", g, k, got, wants[k])
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
