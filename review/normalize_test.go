package review

import (
	"strings"
	"testing"
)

// normalizeRef is normalize as it was written first, in four passes.
func normalizeRef(s string) string {
	s = strings.TrimLeft(strings.ToLower(s), "([ ")
	s = strings.ReplaceAll(s, "’", "'")
	return strings.Join(strings.Fields(s), " ")
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "Applied, thanks!", "  ( [Applied]\tto  pwm/for-next ", "\t(İstanbul) I’ll send v2", "a\xffB\u00a0c", "  \n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalize(s), normalizeRef(s); got != want {
			t.Errorf("normalize(%q) = %q, want %q", s, got, want)
		}
	})
}
