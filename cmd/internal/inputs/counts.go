package inputs

import (
	"fmt"
	"strings"

	"ferrule/review"
)

// NoPatches says, for standard error, that the input held no patch and
// what it held instead ("no messages in the input", "no patches in the
// input: 1 message, 1 unparsed (not mail)"); "" when it held a patch.
func NoPatches(c review.Counts) string {
	if c.Total == 0 {
		return "no messages in the input"
	}
	if c.Patches > 0 {
		return ""
	}
	parts := []string{plural(c.Total, "message", "messages")}
	for _, k := range []struct {
		n    int
		what string
	}{
		{c.Covers, "cover letter(s) without patches"},
		{c.Replies, "repl(ies) to no patch here"},
		{c.Other, "other (mail that is no patch, cover letter or reply)"},
		{c.Unparsed, "unparsed (not mail)"},
	} {
		if k.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", k.n, k.what))
		}
	}
	return "no patches in the input: " + strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
