package render

import (
	"bytes"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/review"
)

// TestTableColumns: every column starts where its heading does, an RFC
// version and a long author included, wide and compact.
func TestTableColumns(t *testing.T) {
	rep := &review.Report{Series: []review.SeriesReport{
		{ShortID: "aaaaaaaa", Title: "one", Version: 2, Total: 1, Tier: review.MustLook, Date: "2026-10-10T00:00:00Z",
			Author: mail.Address{Name: "Someone With A Very Long Name"}},
		{ShortID: "bbbbbbbb", Title: "two", Version: 12, RFC: true, Total: 10, Tier: review.ShouldLook, Date: "2026-10-11T00:00:00Z",
			Author: mail.Address{Email: "x@example.org"}},
	}}
	for _, width := range []int{0, 80} {
		var b bytes.Buffer
		if err := Text(&b, rep, Style{Width: width}); err != nil {
			t.Fatal(err)
		}
		var head string
		var rows []string
		for _, l := range strings.Split(b.String(), "\n") {
			switch {
			case strings.HasPrefix(l, "TIER"):
				head = l
			case head != "" && (strings.HasPrefix(l, "must-look") || strings.HasPrefix(l, "should-look")):
				rows = append(rows, l)
			}
		}
		if len(rows) != 2 {
			t.Fatalf("width %d: %d rows under %q:\n%s", width, len(rows), head, b.String())
		}
		for _, col := range []string{"ID", "VER", "PARTS", "TITLE"} {
			at := strings.Index(head, " "+col+" ") + 1
			if col == "TITLE" {
				at = strings.Index(head, " TITLE") + 1
			}
			for _, r := range rows {
				if at <= 0 || len([]rune(r)) <= at || []rune(r)[at-1] != ' ' || []rune(r)[at] == ' ' {
					t.Errorf("width %d: column %s (at %d) does not line up:\n%s\n%s", width, col, at, head, r)
				}
			}
		}
	}
}
