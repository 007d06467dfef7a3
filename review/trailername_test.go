package review

import (
	"regexp"
	"testing"
)

// trailerLineRe is the definition of a trailer line that trailerName and
// trailerValue implement.
var trailerLineRe = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9-]*[A-Za-z])\s?:\s+(\S.*?)\s*$`)

// trailerName accepts every line trailerLineRe matches, with the same
// name.
func FuzzTrailerName(f *testing.F) {
	for _, s := range []string{"Reviewed-by: A <a@b>", "  Acked-by : x", "Foo-: x", "a: b", "ab:c", "Link:\thttps://x", "x1-y: z", "Cc:  ", "\tSigned-off-by: Ada <ada@example.org>  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		m := trailerLineRe.FindStringSubmatch(line)
		name, ok := trailerName(line)
		if m != nil && (!ok || name != m[1]) {
			t.Errorf("%q: trailerName %q %v, the regexp reads %q", line, name, ok, m[1])
		}
	})
}

// trailerValue reads what trailerLineRe reads, and only where it matches.
func FuzzTrailerValue(f *testing.F) {
	for _, s := range []string{"Reviewed-by: A <a@b>  ", "  Acked-by : x", "Link:\thttps://x\n", "Cc:  ", "Fixes: a\nb", "a-b:\x00", "Ab: \xff\r", "Ab:\v x", "Ab: x\v"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		m := trailerLineRe.FindStringSubmatch(line)
		value, ok := trailerValue(line)
		if (m != nil) != ok || m != nil && value != m[2] {
			t.Errorf("%q: trailerValue %q %v, the regexp reads %q", line, value, ok, m)
		}
	})
}
