package review

import (
	"hash/fnv"
	"strings"
	"testing"
)

// FuzzLineHash checks lineHash against hashing the joined fields.
func FuzzLineHash(f *testing.F) {
	for _, s := range []string{"", "  a b\tc ", "x\u00a0y\u0085z\u2003w", "\xff \xfe", "\tfoo(bar);\r", "é è"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		joined := strings.Join(strings.Fields(s), "")
		h := fnv.New64a()
		h.Write([]byte(joined))
		sum, n := lineHash(s)
		if sum != h.Sum64() || n != len(joined) {
			t.Fatalf("lineHash(%q) = %x, %d; want %x, %d", s, sum, n, h.Sum64(), len(joined))
		}
	})
}
