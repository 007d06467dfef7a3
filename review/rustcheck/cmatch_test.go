package rustcheck

import (
	"regexp"
	"strings"
	"testing"
)

// The regular expressions the hand-written C line readers replace.
var (
	cDefineRe     = regexp.MustCompile(`^\s*#\s*define\s+(\w+)`)
	cInlineRe     = regexp.MustCompile(`\bstatic\s+(__always_)?inline\b[^(]*?\b(\w+)\s*\(`)
	cTypeRe       = regexp.MustCompile(`\b(struct|union|enum)\s+(\w+)\s*\{`)
	cFuncDefRe    = regexp.MustCompile(`^[A-Za-z_][\w\s*]*?\b([A-Za-z_]\w*)\s*\([^;]*$`)
	cSectionRe    = regexp.MustCompile(`^\s*(typedef\s+)?(struct|union|enum)\s+(\w+)\s*\{?\s*$`)
	cConfigElseRe = regexp.MustCompile(`^\s*#\s*(else|if\s+!|ifndef\s+CONFIG_|if\s+!\s*IS_ENABLED|if\s+!\s*IS_REACHABLE)`)
)

// checkCLine compares every hand-written reader of cmatch.go with its
// regexp, and firstWord with strings.Fields, on one line.
func checkCLine(t *testing.T, line string) {
	t.Helper()
	for _, c := range []struct {
		name  string
		got   func(string) (string, bool)
		re    *regexp.Regexp
		group int
	}{
		{"funcDefName", funcDefName, cFuncDefRe, 1},
		{"sectionTypeName", sectionTypeName, cSectionRe, 3},
		{"typeDefName", typeDefName, cTypeRe, 2},
		{"inlineName", inlineName, cInlineRe, 2},
	} {
		want, wantOK := "", false
		if m := c.re.FindStringSubmatch(line); m != nil {
			want, wantOK = m[c.group], true
		}
		if name, ok := c.got(line); name != want || ok != wantOK {
			t.Errorf("%s(%q) = %q, %v; the regexp says %q, %v", c.name, line, name, ok, want, wantOK)
		}
	}
	if got, want := configElse(line), cConfigElseRe.MatchString(line); got != want {
		t.Errorf("configElse(%q) = %v; the regexp says %v", line, got, want)
	}
	want := ""
	if f := strings.Fields(line); len(f) > 0 {
		want = f[0]
	}
	if got := firstWord(line); got != want {
		t.Errorf("firstWord(%q) = %q; strings.Fields says %q", line, got, want)
	}
}

var cLines = []string{
	"",
	"static int pwm_apply(struct pwm_chip *chip, struct pwm_device *pwm,",
	"int __pwmchip_add(struct pwm_chip *chip, struct module *owner)",
	"struct pwm_device *pwm_request_from_chip(struct pwm_chip *chip,",
	"static inline void *pwmchip_get_drvdata(struct pwm_chip *chip)",
	"static __always_inline int foo (void)",
	"static inline int",
	"static inline(",
	"static  inline\tbar  (x);",
	"staticstatic inline f(",
	"x static inline a b c(",
	"static inlinex f(",
	"static __always_inline(",
	"static __always_inlinex f(",
	"static __always_ inline f(",
	"static static inline g(",
	"static x; static inline h(",
	"void foo(void);",
	"void foo(void) /* ; */",
	"void foo(void); bar(",
	"unsigned long long **x  (",
	"a(",
	"ab (",
	"a b(",
	"a *b(",
	"a\t*\tb\t(",
	"a\vb(",
	"a b c d(e; f(",
	"a 9b(",
	"a _9(",
	"a b\n(",
	"a b (é",
	"é b(",
	"a é b(",
	"if (x)",
	"return foo(x)",
	"struct pwm_chip {",
	"struct pwm_chip{",
	"typedef struct pwm_chip {",
	"typedef  enum  x  {  ",
	"typedefstruct x {",
	"typedef struct {",
	"struct x y {",
	"struct",
	"struct ",
	"struct x",
	"  union u_1 \t",
	"enum 9 {",
	"structx {",
	"struct x {}",
	"struct x {{",
	"static const struct pwm_ops foo_ops = {",
	"xstruct a {",
	"_struct a { struct b {",
	"(struct a {",
	"struct a = { struct b {",
	"union  u\n{",
	"enum\t{",
	"#else",
	"  #  else /* CONFIG_PWM */",
	"#elif defined(X)",
	"#if !IS_ENABLED(CONFIG_PWM)",
	"#if!IS_ENABLED(CONFIG_PWM)",
	"#if\t!defined(X)",
	"#ifndef CONFIG_PWM",
	"#ifndef  CONFIG_",
	"#ifndefCONFIG_PWM",
	"#ifndef _LINUX_PWM_H",
	"#ifdef CONFIG_PWM",
	"#if IS_ENABLED(CONFIG_PWM)",
	"# if !",
	"#",
	"else",
	"\u00a0 return\u2003x(",
	" \xff\xfe if",
	"\v\t",
}

func TestCLineMatchers(t *testing.T) {
	for _, line := range cLines {
		checkCLine(t, line)
	}
}

func FuzzCLineMatchers(f *testing.F) {
	for _, line := range cLines {
		f.Add(line)
	}
	f.Fuzz(checkCLine)
}
