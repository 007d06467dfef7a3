package review

import "testing"

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
