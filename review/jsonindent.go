package review

import "bytes"

// appendIndented appends src, the compact JSON json.Marshal produced, to
// dst indented as json.Indent(dst, src, prefix, indent) would: a newline,
// prefix and one indent a level after '{', '[' and ',', a space after
// ':', empty objects and arrays kept as {} and []. json.Indent checks
// every byte with its full scanner; Marshal's output needs none of that,
// only strings (copied whole, escapes included) told from punctuation.
func appendIndented(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			dst = append(dst, c)
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, src[i+1])
				i++
				continue
			}
			depth++
			newline()
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			depth--
			newline()
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd returns the index just past the JSON string starting at
// src[start] (a '"'), or len(src) if it is not closed.
func stringEnd(src []byte, start int) int {
	for i := start + 1; i < len(src); {
		j := bytes.IndexAny(src[i:], `"\`)
		if j < 0 {
			return len(src)
		}
		i += j
		if src[i] == '"' {
			return i + 1
		}
		i += 2 // a backslash and the byte it escapes
	}
	return len(src)
}
