package rustcheck

import (
	"fmt"
	"iter"
	"reflect"
	"strings"
	"testing"

	"ferrule/review/diff"
)

// The regexp-based walk hunkCSymbols replaces: one side of a hunk at a
// time.

// sideLineRe is a line of one side of a hunk: context, or changed on that
// side.
type sideLineRe struct {
	text    string
	changed bool
}

// hunkSideRe yields the lines of a hunk's post-image (changed: Add) or
// pre-image (changed: Delete), numbered as hunkWindows numbers its rows:
// every line but the other side's changed ones.
func hunkSideRe(h *diff.Hunk, changed diff.Op) iter.Seq2[int, sideLineRe] {
	other := diff.Delete
	if changed == diff.Delete {
		other = diff.Add
	}
	return func(yield func(int, sideLineRe) bool) {
		row := 0
		for _, l := range h.Lines {
			if l.Op == other {
				continue
			}
			if !yield(row, sideLineRe{l.Text, l.Op == changed}) {
				return
			}
			row++
		}
	}
}

// windowCSymbolsRe walks one side of a hunk, tracking the enclosing
// function, type and preprocessor branch.
func windowCSymbolsRe(lines iter.Seq2[int, sideLineRe], section string, relevant func(string) bool) []cChange {
	var out []cChange
	add := func(name, how string, inline, stub bool, row int) {
		if name == "" || cKeywords[name] || cStmtWords[name] || !relevant(name) {
			return
		}
		out = append(out, cChange{name: name, how: how, inline: inline, stub: stub, row: row})
	}
	// What the hunk starts inside, from git's function-name line.
	fn, fnInline, typ := "", false, ""
	if m := cSectionRe.FindStringSubmatch(section); m != nil {
		typ = m[3]
	} else if m := cInlineRe.FindStringSubmatch(section); m != nil {
		fn, fnInline = m[2], true
	} else if m := cFuncDefRe.FindStringSubmatch(section); m != nil && !cStmtWords[firstWord(section)] {
		fn = m[1]
	}
	elseBranch := false
	inComment := false
	for r, l := range lines {
		t := l.text
		trim := strings.TrimSpace(t)
		comment := inComment || strings.HasPrefix(trim, "//") || strings.HasPrefix(trim, "/*") || strings.HasPrefix(trim, "*")
		if strings.Contains(t, "/*") && !strings.Contains(t[strings.LastIndex(t, "/*"):], "*/") {
			inComment = true
		}
		if inComment && strings.Contains(t, "*/") && !strings.Contains(t[strings.LastIndex(t, "*/"):], "/*") {
			inComment = false
			if !strings.HasPrefix(trim, "/*") && !strings.HasPrefix(trim, "*") {
				comment = false
			}
		}
		if cConfigElseRe.MatchString(t) {
			elseBranch = true
		} else if strings.HasPrefix(trim, "#endif") || strings.HasPrefix(trim, "#if") {
			elseBranch = false
		}
		// Track where we are before judging the line.
		col0 := len(t) > 0 && t[0] != ' ' && t[0] != '\t'
		switch {
		case comment || trim == "":
		case cInlineRe.MatchString(t):
			fn, fnInline, typ = cInlineRe.FindStringSubmatch(t)[2], true, ""
		case col0 && cSectionRe.MatchString(t):
			typ, fn = cSectionRe.FindStringSubmatch(t)[3], ""
		case col0 && cFuncDefRe.MatchString(t) && !cStmtWords[firstWord(t)] && !strings.HasPrefix(trim, "#"):
			fn, fnInline, typ = cFuncDefRe.FindStringSubmatch(t)[1], false, ""
		}
		if l.changed && !comment && trim != "" && trim != "{" && trim != "}" {
			switch {
			case cGuardRe.MatchString(t):
			case exportNameRe.MatchString(t):
				add(exportNameRe.FindStringSubmatch(t)[1], "definition", false, false, r)
			case isDefine(t):
				name, funcLike := defineName(t)
				add(name, "definition", funcLike, false, r)
			case cInlineRe.MatchString(t):
				add(cInlineRe.FindStringSubmatch(t)[2], "definition", true, elseBranch, r)
			case cTypeRe.MatchString(t):
				add(cTypeRe.FindStringSubmatch(t)[2], "definition", false, false, r)
			case col0 && strings.HasPrefix(t, "static ") && !strings.Contains(t, "inline"):
				// file-local: no Rust code can call it (a function that
				// stops being static shows as a plain definition on the
				// other side)
			case col0 && cProtoRe.MatchString(t) && !cStmtWords[firstWord(t)]:
				// a prototype, or the first line of a definition: the
				// signature or linkage changes
				add(cProtoRe.FindStringSubmatch(t)[1], "definition", false, false, r)
			case strings.HasPrefix(trim, "#"):
				// other preprocessor lines (#if, #include …) change no symbol
			case typ != "" && cEnumConstRe.MatchString(t):
				add(cEnumConstRe.FindStringSubmatch(t)[1], "definition", false, false, r)
			case fn != "":
				how := "body"
				if fnInline {
					how = "definition"
				}
				add(fn, how, fnInline, fnInline && elseBranch, r)
			case typ != "":
				add(typ, "definition", false, false, r) // a field of the enclosing type
			}
		}
		if col0 && strings.HasPrefix(t, "}") {
			fn, fnInline, typ = "", false, ""
		}
	}
	return out
}

// cFuzzHunk turns text into a C hunk as fuzzHunk does, with the first
// line as git's function-name line.
func cFuzzHunk(text string) *diff.Hunk {
	section, body, _ := strings.Cut(text, "\n")
	h := fuzzHunk(body).Hunks[0]
	h.Section = section
	return &h
}

// checkCWalk compares hunkCSymbols with the walk it replaces, with a
// relevance test that keeps some names and drops others.
func checkCWalk(t *testing.T, text string) {
	t.Helper()
	h := cFuzzHunk(text)
	relevant := func(name string) bool { return len(name)%3 != 0 }
	added, removed := hunkCSymbols(h, relevant)
	wantAdded := windowCSymbolsRe(hunkSideRe(h, diff.Add), h.Section, relevant)
	wantRemoved := windowCSymbolsRe(hunkSideRe(h, diff.Delete), h.Section, relevant)
	if !reflect.DeepEqual(added, wantAdded) || !reflect.DeepEqual(removed, wantRemoved) {
		t.Errorf("%q: hunkCSymbols = %s / %s; the regexp walk says %s / %s", text, changes(added), changes(removed), changes(wantAdded), changes(wantRemoved))
	}
}

func changes(cs []cChange) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "[%s %s inline=%v stub=%v row=%d]", c.name, c.how, c.inline, c.stub, c.row)
	}
	return b.String()
}

var cHunks = []string{
	"static int pwm_apply(struct pwm_chip *chip, struct pwm_device *pwm,\n {\n-\tfoo_old();\n\tfoo_new();\n }",
	"int __pwmchip_add(struct pwm_chip *chip, struct module *owner)\n-\tchip->owner = owner;\n\tchip->owner = THIS_MODULE;\n return 0;\n }",
	"struct pwm_chip {\n \tstruct device dev;\n-\tunsigned int npwm;\n\tunsigned int npwm_total;\n };",
	"enum pwm_polarity {\n \tPWM_POLARITY_NORMAL,\n\tPWM_POLARITY_INVERSED,\n };",
	"\n #ifdef CONFIG_PWM\n-int pwm_get(void);\n\tint pwm_get(struct device *dev);\n #else\n static inline int pwm_get(void)\n {\n-\treturn -ENODEV;\n\treturn -EINVAL;\n }\n #endif",
	"\n-EXPORT_SYMBOL_GPL(pwmchip_release);\nEXPORT_SYMBOL_NS_GPL(pwmchip_release, PWM);",
	"\n-#define PWM_MAX 4\n#define PWM_MAX(x) (x)\n #ifndef _LINUX_PWM_H\n-#define _LINUX_PWM_H",
	"\n /*\n- * int pwm_fake(void);\n * int pwm_fake2(void);\n */\n-int pwm_real(void);",
	"\n int a; /* open\n-int hidden(void);\n */ int b;\nint shown(void);",
	"\nstatic int local(void)\n-{\n-\treturn 1;\n-}\nint global(void)\n {\n\treturn 2;\n }",
	"\n #if !IS_ENABLED(CONFIG_PWM)\n static __always_inline void stub(void)\n {\n-\t;\n }\n #endif\n static inline void real(void)\n {\n\tx();\n }",
	"\ntypedef struct foo {\n\tint field;\n-\tint gone;\n} foo_t;\n-\tint after;",
	"\n }\n-\treturn x;\nstruct bar { int y; };\nunion u {",
	"if (x)\n-\tfoo();\n\tbar();",
	"",
	"\n",
}

func TestCWalk(t *testing.T) {
	for _, text := range cHunks {
		checkCWalk(t, text)
	}
}

func FuzzCWalk(f *testing.F) {
	for _, text := range cHunks {
		f.Add(text)
	}
	f.Fuzz(checkCWalk)
}

// isDefine reports whether t is a "#define NAME" line (cDefineRe), as
// the regexp walk asked it.
func isDefine(t string) bool {
	name, _ := defineName(t)
	return name != ""
}
