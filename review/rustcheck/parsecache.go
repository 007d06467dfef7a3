package rustcheck

import (
	"slices"
	"sync"
)

// parsed keeps the items parse found, by window text: a series posted
// again (v2, v3, a resend) repeats most of its hunks, and tree-sitter is
// the costliest step of a check. The items of a window are a function of
// its lines' text alone. The cache is shared by all checkers and holds at
// most maxParsedBytes of window text; it is emptied when full.
var parsed = struct {
	sync.Mutex
	items map[string][]item
	bytes int
}{items: map[string][]item{}}

var maxParsedBytes = 16 << 20 // a variable for tests

// cachedItems returns a copy of the items parsed for the window text key.
func cachedItems(key string) ([]item, bool) {
	parsed.Lock()
	items, ok := parsed.items[key]
	parsed.Unlock()
	return slices.Clone(items), ok
}

// cacheItems keeps a copy of items for the window text key. A window of
// more than an eighth of the cache (a whole file, with a kernel tree) is
// not kept: it would empty the cache for one entry.
func cacheItems(key string, items []item) {
	if len(key) > maxParsedBytes/8 {
		return
	}
	parsed.Lock()
	defer parsed.Unlock()
	if _, ok := parsed.items[key]; ok {
		return
	}
	if parsed.bytes+len(key) > maxParsedBytes {
		clear(parsed.items)
		parsed.bytes = 0
	}
	parsed.items[key] = slices.Clone(items)
	parsed.bytes += len(key)
}
