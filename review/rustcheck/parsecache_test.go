package rustcheck

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseCache(t *testing.T) {
	text := "    // SAFETY: ok.\n    let x = unsafe { f(p) };\n}\nunsafe impl Send for X {}\n"
	window := func() *window {
		f := fuzzHunk(text)
		post, _ := hunkWindows(f, &f.Hunks[0])
		return post
	}
	w := window()
	key, ok := w.sourceKey()
	if !ok {
		t.Fatalf("window %q cannot be cached", key)
	}
	parsed.Lock()
	delete(parsed.items, key)
	parsed.Unlock()
	first := parse(w)
	if len(first) < 2 {
		t.Fatalf("parse found %d items, want the block and the impl: %+v", len(first), first)
	}
	if _, ok := cachedItems(key); !ok {
		t.Fatal("the parsed window is not cached")
	}
	first[0].row = 99 // a caller's change stays its own
	second := parse(window())
	if second[0].row == 99 {
		t.Error("the cache handed out the slice a caller changed")
	}
	fresh := parseTree(w, []byte(key))
	if !reflect.DeepEqual(second, fresh) {
		t.Errorf("cached items %+v, tree-sitter says %+v", second, fresh)
	}
	second[0].row = 98 // and so does a change to what the cache gave
	if third := parse(window()); third[0].row == 98 {
		t.Error("the cache handed out its own slice")
	}

	// A line holding a newline would make two windows one text.
	nl := window()
	nl.lines[0].text += "\n"
	if _, ok := nl.sourceKey(); ok {
		t.Error("a window whose line holds a newline has a cache key")
	}

	// A full cache is emptied before it grows past its bound.
	defer func(n int) { maxParsedBytes = n }(maxParsedBytes)
	maxParsedBytes = 8 * len(key)
	for i := 0; i < 9; i++ { // nine windows of key's size fill eight
		cacheItems(fmt.Sprintf("%0*d", len(key), i), nil)
	}
	if _, ok := cachedItems(key); ok {
		t.Error("the cache kept a window past its bound")
	}
	parsed.Lock()
	n := parsed.bytes
	parsed.Unlock()
	if n > maxParsedBytes {
		t.Errorf("the cache holds %d bytes, bound %d", n, maxParsedBytes)
	}

	// A window of more than an eighth of the bound is not kept, and
	// does not empty the cache for itself.
	maxParsedBytes = 80
	cacheItems("small", nil)
	big := strings.Repeat("x", 11)
	cacheItems(big, nil)
	if _, ok := cachedItems(big); ok {
		t.Error("a window of more than an eighth of the cache was kept")
	}
	if _, ok := cachedItems("small"); !ok {
		t.Error("a large window emptied the cache")
	}
}
