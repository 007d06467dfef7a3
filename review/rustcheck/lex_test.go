package rustcheck

import "testing"

func TestBlankLine(t *testing.T) {
	check := func(lines []string, code, comments []string) {
		t.Helper()
		var st lexState
		for i, l := range lines {
			c, m := st.blankLine(l)
			if c != code[i] || m != comments[i] {
				t.Errorf("line %d %q: code %q comment %q, want %q %q", i, l, c, m, code[i], comments[i])
			}
		}
	}
	check([]string{`let s = "a // b"; // real`}, []string{`let s =         ;        `}, []string{"// real"})
	check([]string{`let c = '"'; let l: &'a str = r##"x "# y"##;`}, []string{`let c =    ; let l: &'a str =              ;`}, []string{""})
	check([]string{`/* outer /* inner */ still */ code()`}, []string{`                              code()`}, []string{"/* outer /* inner */ still */"})
	check([]string{`x = "multi`, `line"; unsafe {`}, []string{`x =       `, `     ; unsafe {`}, []string{"", ""})
	check([]string{`f(b'x', br"raw", '\n', '\u{1F600}')`}, []string{`f(b   ,        ,     ,            )`}, []string{""})
	check([]string{`fn a<'a>(x: &'a u8) -> char { 'é' }`}, []string{"fn a<'a>(x: &'a u8) -> char {      }"}, []string{""})
}
