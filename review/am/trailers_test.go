package am_test

import (
	"testing"

	"ferrule/review/am"
)

func TestInsertTrailers(t *testing.T) {
	const rb = "Reviewed-by: R <r@example.org>"
	cases := []struct{ name, in, want string }{
		{"after trailer block",
			"Subject line body.\n\nSigned-off-by: A <a@example.org>\n---\n f | 1 +\n\ndiff --git a/f b/f\n",
			"Subject line body.\n\nSigned-off-by: A <a@example.org>\n" + rb + "\n---\n f | 1 +\n\ndiff --git a/f b/f\n"},
		{"new paragraph",
			"Just a description.\n---\ndiff --git a/f b/f\n",
			"Just a description.\n\n" + rb + "\n---\ndiff --git a/f b/f\n"},
		{"no triple dash, blank line kept before the diff",
			"Fix it.\n\nSigned-off-by: A <a@example.org>\n\ndiff --git a/f b/f\n",
			"Fix it.\n\nSigned-off-by: A <a@example.org>\n" + rb + "\n\ndiff --git a/f b/f\n"},
		{"commit message with a triple dash",
			"Title\n\nBody.\n\nSigned-off-by: A <a@example.org>\n---\nExtra notes.\n",
			"Title\n\nBody.\n\nSigned-off-by: A <a@example.org>\n" + rb + "\n---\nExtra notes.\n"},
		{"message without patch",
			"Title\n\nSigned-off-by: A <a@example.org>\n",
			"Title\n\nSigned-off-by: A <a@example.org>\n" + rb + "\n"},
		{"extinfo in the block",
			"Body.\n\nReviewed-by: X <x@example.org> # v1\nAcked-by: Y <y@example.org>\n    [for the bits]\n---\n",
			"Body.\n\nReviewed-by: X <x@example.org> # v1\nAcked-by: Y <y@example.org>\n    [for the bits]\n" + rb + "\n---\n"},
		{"empty message",
			"---\ndiff --git a/f b/f\n",
			rb + "\n---\ndiff --git a/f b/f\n"},
		{"dashes that are not a break",
			"Body ---- here\n----\n\nSigned-off-by: A <a@example.org>\n--- a/f\n",
			"Body ---- here\n----\n\nSigned-off-by: A <a@example.org>\n" + rb + "\n--- a/f\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := am.InsertTrailers(c.in, []string{rb}); got != c.want {
				t.Errorf("InsertTrailers(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
	if got := am.InsertTrailers("x\n", nil); got != "x\n" {
		t.Errorf("no lines: %q", got)
	}
}
