package rustcheck

import "strings"

// lexState carries a Rust lexer's state across lines.
type lexState struct {
	blockDepth int // open /* */ comments (they nest in Rust)
	inString   bool
	rawHashes  int // -1: ordinary string; n ≥ 0: raw string closed by `"` + n `#`
}

// blankLine splits one line into code, with comments and string and char
// literals replaced by spaces, and comment text. It is the Go-side
// counterpart of what the tree-sitter captures give, used for every
// window (tree-sitter runs only where items are needed).
func (st *lexState) blankLine(line string) (code, comment string) {
	b := []byte(line)
	var cmt strings.Builder
	i := 0
	for i < len(b) {
		switch {
		case st.blockDepth > 0:
			if b[i] == '*' && i+1 < len(b) && b[i+1] == '/' {
				st.blockDepth--
				cmt.WriteString("*/")
				b[i], b[i+1] = ' ', ' '
				i += 2
				continue
			}
			if b[i] == '/' && i+1 < len(b) && b[i+1] == '*' {
				st.blockDepth++
				cmt.WriteString("/*")
				b[i], b[i+1] = ' ', ' '
				i += 2
				continue
			}
			cmt.WriteByte(b[i])
			b[i] = ' '
			i++
		case st.inString:
			if st.rawHashes < 0 && b[i] == '\\' {
				b[i] = ' '
				if i+1 < len(b) {
					b[i+1] = ' '
				}
				i += 2
				continue
			}
			if b[i] == '"' && closesRaw(b, i, st.rawHashes) {
				n := max(st.rawHashes, 0)
				for j := i; j <= i+n && j < len(b); j++ {
					b[j] = ' '
				}
				i += n + 1
				st.inString = false
				continue
			}
			b[i] = ' '
			i++
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			cmt.WriteString(line[i:])
			for j := i; j < len(b); j++ {
				b[j] = ' '
			}
			i = len(b)
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			st.blockDepth = 1
			cmt.WriteString("/*")
			b[i], b[i+1] = ' ', ' '
			i += 2
		case b[i] == '"':
			st.inString, st.rawHashes = true, -1
			b[i] = ' '
			i++
		case (b[i] == 'r' || b[i] == 'b') && !identBefore(b, i):
			// r"…", r#"…"#, b"…", br"…", br#"…"#
			j := i + 1
			if b[i] == 'b' && j < len(b) && b[j] == 'r' {
				j++
			}
			raw := j > i+1 || b[i] == 'r'
			h := 0
			for raw && j < len(b) && b[j] == '#' {
				h++
				j++
			}
			if j < len(b) && b[j] == '"' {
				st.inString, st.rawHashes = true, -1
				if raw {
					st.rawHashes = h
				}
				for k := i; k <= j; k++ {
					b[k] = ' '
				}
				i = j + 1
				continue
			}
			i++
		case b[i] == '\'':
			// A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
			if end := charLiteralEnd(b, i); end > i {
				for k := i; k <= end; k++ {
					b[k] = ' '
				}
				i = end + 1
				continue
			}
			i++
		default:
			i++
		}
	}
	return string(b), strings.TrimSpace(cmt.String())
}

func closesRaw(b []byte, i, hashes int) bool {
	if hashes <= 0 {
		return true
	}
	for k := 1; k <= hashes; k++ {
		if i+k >= len(b) || b[i+k] != '#' {
			return false
		}
	}
	return true
}

func identBefore(b []byte, i int) bool {
	if i == 0 {
		return false
	}
	c := b[i-1]
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// charLiteralEnd returns the index of the closing quote of a char literal
// starting at i, or -1 for a lifetime or label.
func charLiteralEnd(b []byte, i int) int {
	if i+2 < len(b) && b[i+1] == '\\' {
		for k := i + 2; k < len(b) && k < i+12; k++ {
			if b[k] == '\'' {
				return k
			}
		}
		return -1
	}
	// One (possibly multi-byte UTF-8) character then a quote.
	k := i + 1
	if k < len(b) && b[k] >= 0x80 {
		for k+1 < len(b) && b[k+1]&0xC0 == 0x80 {
			k++
		}
	}
	if k+1 < len(b) && b[k+1] == '\'' && b[k] != '\'' {
		return k + 1
	}
	return -1
}
