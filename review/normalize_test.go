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

// robotError finds what robotErrorRe finds.
func FuzzRobotError(f *testing.F) {
	for _, s := range []string{
		"Hi,\n\nkernel test robot noticed the following build errors:\n",
		"[auto build test ERROR on pwm/for-next]", "[auto build test errors]", "[Auto Build Test Warning] x",
		"yet something to improve: PERHAPS SOMETHING TO IMPROVE", "İ noticed the following build warnings", "\u212a yet something to improve", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := robotError(text), robotErrorRe.FindString(text); got != want {
			t.Errorf("robotError(%q) = %q, the regexp finds %q", text, got, want)
		}
	})
}
