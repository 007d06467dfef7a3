package mail

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Transfer encodings a bodyCodec decodes itself.
const (
	encIdentity = iota // 7bit, 8bit, binary or none
	encQP
	encBase64
)

// bodyCodec is how go-message's message.New would decode a single-part
// body, for the bodies it decodes without an error: the transfer encoding
// and the charset conversion to UTF-8 (nil when the text is taken as
// UTF-8).
type bodyCodec struct {
	enc int
	cm  *charmap.Charmap
}

// charmaps are the single-byte charsets of list mail that bodies are
// converted from directly, each the encoding go-message's charset package
// chooses for its name (TestCharmapsMatchGoMessage checks every byte).
var charmaps = map[string]*charmap.Charmap{
	"iso-8859-1":   charmap.ISO8859_1,
	"iso-8859-15":  charmap.ISO8859_15,
	"windows-1252": charmap.Windows1252,
	"windows-1251": charmap.Windows1251,
}

// codecFor returns the codec of a single-part body whose Content-Type
// go-message reads as mediaType and params (as message.New reads them,
// errors ignored) and whose Content-Transfer-Encoding is cte. ok is false
// for multipart bodies and for encodings and charsets the codecs do not
// cover; those are left to go-message.
func codecFor(mediaType string, params map[string]string, cte string) (c bodyCodec, ok bool) {
	if strings.HasPrefix(mediaType, "multipart/") {
		return c, false
	}
	// Lower-cased as go-message does (strings.EqualFold would also match
	// Unicode look-alikes go-message rejects).
	switch strings.ToLower(cte) {
	case "quoted-printable":
		c.enc = encQP
	case "base64":
		c.enc = encBase64
	case "", "7bit", "8bit", "binary":
	default:
		return c, false
	}
	// RFC 2046 §4.1.2: the charset applies to text/* only.
	if cs, has := params["charset"]; has && strings.HasPrefix(mediaType, "text/") {
		switch cs = strings.ToLower(cs); cs {
		case "utf-8", "us-ascii":
		default:
			if c.cm = charmaps[cs]; c.cm == nil {
				return c, false
			}
		}
	}
	return c, true
}

// decodeBytes decodes body with c as io.ReadAll of go-message's decoding
// reader, limited to DefaultMaxMessageBytes, would: the bytes and the
// error that ended them. owned reports whether out is a fresh buffer rather than body
// itself. ok is false for a base64 body this path does not take (one
// that is not canonical), whose decoding is left to go-message.
func (c bodyCodec) decodeBytes(body []byte) (out []byte, owned, ok bool, err error) {
	switch c.enc {
	case encQP:
		out, err = decodeQP(make([]byte, 0, len(body)+1), &sliceLines{body})
		owned = true
	case encBase64:
		if out, ok = decodeBase64(body); !ok {
			return nil, false, false, nil
		}
		owned = true
	default:
		out = body
	}
	out, conv, err := c.convert(out, err)
	return out, owned || conv, true, err
}

// convert turns decoded bytes (and the error that ended their decoding)
// into what the limited reader over the charset conversion yields: a
// charset-converted copy when c has a charmap, cut at
// DefaultMaxMessageBytes, where the limit also hides the error.
func (c bodyCodec) convert(b []byte, err error) (_ []byte, converted bool, _ error) {
	if c.cm != nil {
		b, converted = appendCharmap(nil, b, c.cm), true
	}
	if len(b) >= DefaultMaxMessageBytes {
		b, err = b[:DefaultMaxMessageBytes], nil
	}
	return b, converted, err
}

// appendCharmap appends b, converted from the single-byte charset cm to
// UTF-8 as cm's decoder converts it, to dst.
func appendCharmap(dst, b []byte, cm *charmap.Charmap) []byte {
	n := len(b) + 1
	for _, c := range b {
		if c >= utf8.RuneSelf {
			n += utf8.UTFMax - 1
		}
	}
	dst = slices.Grow(dst, n)
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] < utf8.RuneSelf {
			i++
		}
		dst = append(dst, b[:i]...)
		if i == len(b) {
			break
		}
		dst = utf8.AppendRune(dst, cm.DecodeByte(b[i]))
		b = b[i+1:]
	}
	return dst
}

// decodeBase64 decodes a base64 body whose data, once the white space
// go-message's reader skips (CR, LF, space, tab) is gone, is canonical
// padded base64 that base64.StdEncoding decodes without error: for such
// data the stream decoder gives the same bytes however its reads fall.
// ok is false for anything else.
func decodeBase64(body []byte) ([]byte, bool) {
	src := body
	if bytes.ContainsAny(body, " \t\r\n") {
		src = make([]byte, 0, len(body))
		for _, c := range body {
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				src = append(src, c)
			}
		}
	}
	if len(src)%4 != 0 {
		return nil, false
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(src)), base64.StdEncoding.DecodedLen(len(src))+1)
	n, err := base64.StdEncoding.Decode(out, src)
	if err != nil {
		return nil, false
	}
	return out[:n], true
}

// ownText is partText for text in a buffer the caller hands over: the
// result may share its memory, and b must not be used afterwards. Valid
// UTF-8 without NUL bytes (nearly all text) is converted in place.
func ownText(b []byte, params map[string]string, m *Message) string {
	return bytesView(appendOwnText(b, 0, params, m))
}

// appendOwnText replaces dst[start:] by what partText makes of it, in
// place when it is valid UTF-8 without NUL bytes, and returns the
// extended dst.
func appendOwnText(dst []byte, start int, params map[string]string, m *Message) []byte {
	b := dst[start:]
	if bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
		return append(dst[:start], partText(string(b), params, m)...)
	}
	warnFlowed(params, m)
	if i := bytes.Index(b, []byte("\r\n")); i >= 0 {
		w := i
		for r := i; r < len(b); r++ {
			if b[r] == '\r' && r+1 < len(b) && b[r+1] == '\n' {
				continue
			}
			b[w] = b[r]
			w++
		}
		b = b[:w]
	}
	dst = dst[:start+len(b)]
	if len(b) > 0 && b[len(b)-1] != '\n' {
		dst = append(dst, '\n')
	}
	return dst
}
