package inputs

import (
	"testing"

	"ferrule/review"
)

func TestParseID(t *testing.T) {
	for in, want := range map[string]string{
		"<a@b>":                                  "a@b",
		"a@b":                                    "a@b",
		"https://lore.kernel.org/r/a@b":          "a@b",
		"https://lore.kernel.org/linux-pwm/a@b/": "a@b",
		"https://lore.kernel.org/all/a%2Bx@b/T/#u": "a+x@b",
		"https://patch.msgid.link/a@b":             "a@b",
		"id:a@b":                                   "a@b",      // lei's spelling
		"055c031a":                                 "055c031a", // a short id
	} {
		if got := ParseID(in); got != want {
			t.Errorf("ParseID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNoPatches(t *testing.T) {
	for _, c := range []struct {
		c    review.Counts
		want string
	}{
		{review.Counts{}, "no messages in the input"},
		{review.Counts{Total: 3, Patches: 1, Replies: 2}, ""},
		{review.Counts{Total: 1, Unparsed: 1}, "no patches in the input: 1 message, 1 unparsed (not mail)"},
		{review.Counts{Total: 3, Other: 2, Covers: 1}, "no patches in the input: 3 messages, 1 cover letter(s) without patches, 2 other (mail that is no patch, cover letter or reply)"},
	} {
		if got := NoPatches(c.c); got != c.want {
			t.Errorf("NoPatches(%+v) = %q, want %q", c.c, got, c.want)
		}
	}
}
