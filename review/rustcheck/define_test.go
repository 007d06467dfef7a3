package rustcheck

import (
	"regexp"
	"testing"
)

// defineName reads a #define line as the regexps it replaces do.
func TestDefineName(t *testing.T) {
	funcMacro := regexp.MustCompile(`^\s*#\s*define\s+\w+\(`)
	for _, line := range []string{
		"#define PWM_POLARITY_INVERTED 1",
		"#define pwm_get(dev, id) devm_pwm_get(dev, id)",
		"  #  define\tFOO_H",
		"#define FOO (1 << 2)",
		"#define",
		"#define ",
		"#defineX 1",
		"#undef FOO",
		"# define _X",
		"#define\f\rY(",
		"int define = 1;",
		"\t#define 9LIVES 9",
		"#define é 1",
		"",
	} {
		name, funcLike := defineName(line)
		want := ""
		if m := cDefineRe.FindStringSubmatch(line); m != nil {
			want = m[1]
		}
		if name != want || funcLike != funcMacro.MatchString(line) {
			t.Errorf("%q: name %q function-like %v; the regexps say %q and %v", line, name, funcLike, want, funcMacro.MatchString(line))
		}
	}
}

func FuzzDefineName(f *testing.F) {
	f.Add("#define A(x) x")
	f.Add(" # define\tB_C 1")
	funcMacro := regexp.MustCompile(`^\s*#\s*define\s+\w+\(`)
	f.Fuzz(func(t *testing.T, line string) {
		name, funcLike := defineName(line)
		want := ""
		if m := cDefineRe.FindStringSubmatch(line); m != nil {
			want = m[1]
		}
		if name != want || funcLike != (want != "" && funcMacro.MatchString(line)) {
			t.Errorf("%q: name %q function-like %v; the regexps say %q and %v", line, name, funcLike, want, funcMacro.MatchString(line))
		}
	})
}
