package lore_test

import (
	"strings"
	"testing"

	"ferrule/cmd/internal/lore"
)

// FuzzParseID checks that any argument either fails or gives a
// Message-ID whose thread URL stays one path segment under the base.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"<a@b>", "https://lore.kernel.org/all/a%2Fb@c/", "https://patch.msgid.link/x@y", "id:x", "http://[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := lore.ParseID(s)
		if err != nil {
			return
		}
		u := lore.ThreadURL("https://example.org/all/", id.MessageID)
		rest := strings.TrimPrefix(u, "https://example.org/all/")
		if strings.Count(rest, "/") != 1 || !strings.HasSuffix(rest, "/t.mbox.gz") || strings.HasPrefix(rest, "../") || strings.HasPrefix(rest, "./") {
			t.Fatalf("ParseID(%q) = %q: thread URL %s", s, id.MessageID, u)
		}
	})
}
