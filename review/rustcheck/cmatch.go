package rustcheck

import "strings"

// Hand-written readers of C lines, each equal to the regular expression
// quoted in its comment (FuzzCLineMatchers compares them). The C-impact
// rules read every line of most C hunks on a list; the regexp engine
// backtracks through the lazy prefixes of these patterns on each of them.

// reSpace is RE2's \s: ASCII white space without \v.
const reSpace = " \t\n\f\r"

func isRESpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// isWord is RE2's \w (and the ASCII \b's idea of a word character).
func isWord(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

// trimRESpace cuts the \s characters at the start of s.
func trimRESpace(s string) string {
	return s[spaceEnd(s, 0):]
}

// wordEnd returns the end of the run of \w characters starting at i.
func wordEnd(s string, i int) int {
	for i < len(s) && isWord(s[i]) {
		i++
	}
	return i
}

// spaceEnd returns the end of the run of \s characters starting at i.
func spaceEnd(s string, i int) int {
	for i < len(s) && isRESpace(s[i]) {
		i++
	}
	return i
}

// funcDefName reads the first line of a function definition as
//
//	^[A-Za-z_][\w\s*]*?\b([A-Za-z_]\w*)\s*\([^;]*$
//
// does: the line starts with a run of words, white space and stars, and
// the name is the first word of that run that follows white space or a
// star and is followed, after white space, by a "(" with no ";" after it
// (the lazy prefix makes the regexp's choice the leftmost such word).
func funcDefName(s string) (string, bool) {
	if s == "" || !isIdentStart(s[0]) {
		return "", false
	}
	semi := strings.LastIndexByte(s, ';')
	// s[1:k] is the lazy prefix; the name starts at k, after a non-word
	// character of the prefix (the \b).
	for k := 2; k < len(s); k++ {
		p := s[k-1]
		if !isWord(p) && !isRESpace(p) && p != '*' {
			break
		}
		if isWord(p) || !isIdentStart(s[k]) {
			continue
		}
		// The name and the white space after it are greedy, and "(" can
		// follow neither a shorter name nor less white space.
		m := wordEnd(s, k)
		if n := spaceEnd(s, m); n < len(s) && s[n] == '(' && semi < n {
			return s[k:m], true
		}
	}
	return "", false
}

// sectionTypeName reads a line opening a type as
//
//	^\s*(typedef\s+)?(struct|union|enum)\s+(\w+)\s*\{?\s*$
//
// does, returning the third group.
func sectionTypeName(s string) (string, bool) {
	s = trimRESpace(s)
	if rest, ok := strings.CutPrefix(s, "typedef"); ok && rest != "" && isRESpace(rest[0]) {
		s = trimRESpace(rest)
	}
	s, ok := cutKeywordSpace(s)
	if !ok {
		return "", false
	}
	n := wordEnd(s, 0)
	if n == 0 {
		return "", false
	}
	rest := trimRESpace(s[n:])
	rest = strings.TrimPrefix(rest, "{")
	if trimRESpace(rest) != "" {
		return "", false
	}
	return s[:n], true
}

// cutKeywordSpace cuts "struct", "union" or "enum" and the white space
// after it (at least one character: (struct|union|enum)\s+) off s.
func cutKeywordSpace(s string) (string, bool) {
	for _, kw := range [...]string{"struct", "union", "enum"} {
		if rest, ok := strings.CutPrefix(s, kw); ok {
			if rest == "" || !isRESpace(rest[0]) {
				return "", false
			}
			return trimRESpace(rest), true
		}
	}
	return "", false
}

// typeDefName reads a type definition as
//
//	\b(struct|union|enum)\s+(\w+)\s*\{
//
// does, returning the second group of the leftmost match.
func typeDefName(s string) (string, bool) {
	if strings.IndexByte(s, '{') < 0 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		var kw string
		switch s[i] {
		case 's':
			kw = "struct"
		case 'u':
			kw = "union"
		case 'e':
			kw = "enum"
		default:
			continue
		}
		if i > 0 && isWord(s[i-1]) || !strings.HasPrefix(s[i:], kw) {
			continue
		}
		rest, ok := cutKeywordSpace(s[i:])
		if !ok {
			continue
		}
		n := wordEnd(rest, 0)
		if n == 0 {
			continue
		}
		// The name is greedy: "{" cannot follow a shorter one.
		if j := spaceEnd(rest, n); j < len(rest) && rest[j] == '{' {
			return rest[:n], true
		}
	}
	return "", false
}

// inlineName reads a static inline function's first line as
//
//	\bstatic\s+(__always_)?inline\b[^(]*?\b(\w+)\s*\(
//
// does, returning the second group of the leftmost match: the word that
// ends, before white space, at the first "(" after "inline".
func inlineName(s string) (string, bool) {
	for i := 0; ; {
		j := strings.Index(s[i:], "static")
		if j < 0 {
			return "", false
		}
		i += j
		start := i
		i += len("static")
		if start > 0 && isWord(s[start-1]) {
			continue
		}
		if name, ok := inlineAfterStatic(s[i:]); ok {
			return name, true
		}
	}
}

// inlineAfterStatic matches the rest of inlineName's pattern after
// "static".
func inlineAfterStatic(s string) (string, bool) {
	rest := trimRESpace(s)
	if len(rest) == len(s) {
		return "", false
	}
	rest = strings.TrimPrefix(rest, "__always_")
	rest, ok := strings.CutPrefix(rest, "inline")
	if !ok || rest != "" && isWord(rest[0]) {
		return "", false
	}
	// [^(]*? stops at the first "(": the name is the word right before
	// it and its white space, starting after "inline" (which the \b ends).
	p := strings.IndexByte(rest, '(')
	if p < 0 {
		return "", false
	}
	e := p
	for e > 0 && isRESpace(rest[e-1]) {
		e--
	}
	b := e
	for b > 0 && isWord(rest[b-1]) {
		b--
	}
	if b == e {
		return "", false
	}
	return rest[b:e], true
}

// configElse reports whether a line opens the !CONFIG_ branch of a
// conditional, as
//
//	^\s*#\s*(else|if\s+!|ifndef\s+CONFIG_|if\s+!\s*IS_ENABLED|if\s+!\s*IS_REACHABLE)
//
// does (the last two alternatives are within the second).
func configElse(s string) bool {
	s = trimRESpace(s)
	s, ok := strings.CutPrefix(s, "#")
	if !ok {
		return false
	}
	s = trimRESpace(s)
	if strings.HasPrefix(s, "else") {
		return true
	}
	if rest, ok := strings.CutPrefix(s, "ifndef"); ok {
		t := trimRESpace(rest)
		return len(t) < len(rest) && strings.HasPrefix(t, "CONFIG_")
	}
	if rest, ok := strings.CutPrefix(s, "if"); ok {
		t := trimRESpace(rest)
		return len(t) < len(rest) && strings.HasPrefix(t, "!")
	}
	return false
}
