package mail

import (
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
)

// fastAddressList parses the common forms of an address list exactly as
// net/mail's parser does: bare addr-specs and "Display Name <addr-spec>"
// with plain atoms or simple quoted strings, separated by commas. ok is
// false for anything else (encoded words, comments, groups, quoted pairs,
// domain literals, white space inside the brackets, …), which the caller
// hands to the full parser. The strings returned do not share memory with
// s.
func fastAddressList(s string) (list []Address, ok bool) {
	var words []string
	list = make([]Address, 0, strings.Count(s, ",")+1)
	for i := 0; ; {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i == len(s) {
			break
		}
		if j, ok := addrSpec(s, i); ok && (j == len(s) || s[j] == ' ' || s[j] == '\t' || s[j] == ',') {
			list = append(list, Address{Email: strings.Clone(s[i:j])})
			i = j
		} else {
			var j int
			words, j, ok = phrase(s, i, words[:0])
			if !ok || j >= len(s) || s[j] != '<' {
				return nil, false
			}
			k, ok := addrSpec(s, j+1)
			if !ok || k >= len(s) || s[k] != '>' {
				return nil, false
			}
			list = append(list, Address{Name: joinWords(words), Email: strings.Clone(s[j+1 : k])})
			i = k + 1
		}
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i < len(s) && s[i] != ',' {
			return nil, false
		}
	}
	return list, len(list) > 0
}

// fastAddress parses s as net/mail.ParseAddress does when s is one
// address of the common forms fastAddressList takes, without encoded
// words (ParseAddress knows fewer charsets than go-message) or commas
// (where a list and a single address differ). ok is false otherwise.
func fastAddress(s string) (Address, bool) {
	if strings.Contains(s, ",") || strings.Contains(s, "=?") {
		return Address{}, false
	}
	list, ok := fastAddressList(s)
	if !ok || len(list) != 1 {
		return Address{}, false
	}
	return list[0], true
}

// addrSpec matches local@domain at s[i:], both dot-atoms of ASCII atext,
// and returns the end.
func addrSpec(s string, i int) (int, bool) {
	j, ok := dotAtom(s, i)
	if !ok || j >= len(s) || s[j] != '@' {
		return 0, false
	}
	return dotAtom(s, j+1)
}

func dotAtom(s string, i int) (int, bool) {
	start := i
	for i < len(s) && (s[i] == '.' || asciiAtext(s[i])) {
		if s[i] == '.' && (i == start || s[i-1] == '.') {
			return 0, false
		}
		i++
	}
	if i == start || s[i-1] == '.' {
		return 0, false
	}
	return i, true
}

// phrase reads display-name words (atoms, possibly with dots, UTF-8 and
// RFC 2047 encoded words, and quoted strings of printable ASCII) from s[i:]
// and returns where it stopped. Like net/mail, it concatenates adjacent
// encoded words without a space.
func phrase(s string, i int, words []string) ([]string, int, bool) {
	var enc strings.Builder
	flush := func() {
		if enc.Len() > 0 {
			words = append(words, enc.String())
			enc.Reset()
		}
	}
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			flush()
			return words, i, true
		}
		if s[i] == '"' {
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if c := s[j]; c == '\\' || (c < ' ' && c != '\t') || c > '~' {
					return nil, 0, false
				}
				j++
			}
			if j == len(s) || j == i+1 {
				return nil, 0, false
			}
			flush()
			words = append(words, s[i+1:j])
			i = j + 1
			continue
		}
		j := i
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if c != '.' && !asciiAtext(c) {
					break
				}
				j++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError && size == 1 {
				return nil, 0, false
			}
			j += size
		}
		if j == i {
			flush()
			return words, i, true
		}
		word := s[i:j]
		i = j
		if strings.Contains(word, "=?") {
			dec, encoded, ok := decodeWord(word)
			if !ok {
				return nil, 0, false
			}
			if encoded {
				enc.WriteString(dec)
				continue
			}
		}
		flush()
		words = append(words, word)
	}
}

// decodeWord decodes an RFC 2047 encoded word as net/mail's address
// parser does with go-message's charsets. ok is false when the charset is
// unknown: the parser then fails in a way not worth mirroring.
func decodeWord(w string) (dec string, encoded, ok bool) {
	charsetErr := false
	d := mime.WordDecoder{CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		if message.CharsetReader == nil {
			charsetErr = true
			return nil, fmt.Errorf("unhandled charset %q", charset)
		}
		r, err := message.CharsetReader(charset, input)
		if err != nil {
			charsetErr = true
		}
		return r, err
	}}
	dec, err := d.Decode(w)
	switch {
	case err == nil:
		return dec, true, true
	case charsetErr:
		return "", false, false
	}
	return w, false, true
}

func joinWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return strings.Clone(words[0])
	}
	return strings.Join(words, " ")
}

// asciiAtext reports whether c is RFC 5322 atext (printable ASCII but the
// specials; the dot is handled by the callers).
func asciiAtext(c byte) bool {
	if c < '!' || c > '~' {
		return false
	}
	switch c {
	case '(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '"', '.':
		return false
	}
	return true
}
