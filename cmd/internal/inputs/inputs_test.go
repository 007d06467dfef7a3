package inputs

import "testing"

func TestParseID(t *testing.T) {
	for in, want := range map[string]string{
		"<a@b>":                                  "a@b",
		"a@b":                                    "a@b",
		"https://lore.kernel.org/r/a@b":          "a@b",
		"https://lore.kernel.org/linux-pwm/a@b/": "a@b",
		"https://lore.kernel.org/all/a%2Bx@b/T/#u": "a+x@b",
		"https://patch.msgid.link/a@b":             "a@b",
	} {
		if got := ParseID(in); got != want {
			t.Errorf("ParseID(%q) = %q, want %q", in, got, want)
		}
	}
}
