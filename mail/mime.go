package mail

import (
	"errors"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding/charmap"
)

// maxDepth bounds multipart nesting; deeper parts are ignored with a
// warning.
const maxDepth = 16

// textTypes are the part types whose text a reviewer reads. text/html is
// not among them: patch mail always has a text/plain copy, and HTML-only
// mail carries no reviewable diff.
var textTypes = map[string]bool{
	"text/plain":          true,
	"text/x-patch":        true,
	"text/x-diff":         true,
	"text/x-log":          true,
	"application/x-patch": true,
	"application/x-diff":  true,
}

// collectText walks e, an entity as go-message's message.New made it,
// depth-first and concatenates its readable parts.
func collectText(e *message.Entity, m *Message, depth int) string {
	mt, mp, ctErr := e.Header.ContentType()
	return m.collect(e.Header, mt, mp, ctErr, e.Body, depth)
}

// collect is collectText for an entity given by its header h, its
// Content-Type as message.New read it (mediaType, params and the parse
// error it ignored) and its body: transfer- and charset-decoded for a
// single part, as it is for a multipart. The parts of a multipart are read
// with go-message's textproto reader and decoded by part, which takes
// quoted-printable text without go-message's decoding readers.
func (m *Message) collect(h message.Header, mediaType string, params map[string]string, ctErr error, body io.Reader, depth int) string {
	if depth > maxDepth {
		m.warnf("multipart nesting deeper than %d ignored", maxDepth)
		return ""
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := textproto.NewMultipartReader(body, params["boundary"])
		var text []byte
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				m.warnf("multipart: %v", err)
				break
			}
			text = m.appendPart(text, message.Header{Header: p.Header}, p, depth+1)
		}
		return bytesView(text)
	}
	if !readable(h, mediaType, ctErr) {
		return ""
	}
	return m.readText(body, params)
}

// appendPart appends to dst the text of one part of a multipart, whose
// undecoded body is raw, as collect would decode the entity message.New
// makes of it (warning about an unknown charset or encoding as the
// multipart reader of go-message reports it). Quoted-printable text in a
// charset codecFor covers is decoded straight into dst.
func (m *Message) appendPart(dst []byte, h message.Header, raw io.Reader, depth int) []byte {
	mt, mp, ctErr := h.ContentType()
	c, ok := codecFor(mt, mp, h.Get("Content-Transfer-Encoding"))
	if !ok {
		e, err := message.New(h, raw)
		if err != nil {
			// Only unknown charsets and encodings: the entity is
			// still readable.
			m.warnf("%v", err)
		}
		return append(dst, m.collect(h, mt, mp, ctErr, e.Body, depth)...)
	}
	// message.New would not fail.
	if depth > maxDepth {
		m.warnf("multipart nesting deeper than %d ignored", maxDepth)
		return dst
	}
	if !readable(h, mt, ctErr) {
		return dst
	}
	if c.enc != encQP {
		e, _ := message.New(h, raw)
		return append(dst, m.readText(e.Body, mp)...)
	}
	start := len(dst)
	var err error
	if c.cm == nil {
		dst, err = decodeQPFrom(dst, raw)
	} else {
		sp := qpScratch.Get().(*[]byte)
		var b []byte
		b, err = decodeQPFrom((*sp)[:0], raw)
		dst = appendCharmap(dst, b, c.cm)
		if cap(b) <= maxScratch {
			*sp = b[:0]
			qpScratch.Put(sp)
		}
	}
	if len(dst)-start >= DefaultMaxMessageBytes {
		dst, err = dst[:start+DefaultMaxMessageBytes], nil
	}
	if err != nil {
		m.warnf("body: %v", err)
	}
	return appendOwnText(dst, start, mp, m)
}

// qpScratch recycles the buffers quoted-printable parts are decoded into
// before their charset is converted; buffers over maxScratch are left to
// the garbage collector.
var qpScratch = sync.Pool{New: func() any { return new([]byte) }}

const maxScratch = 1 << 20

// readable reports whether a single part with header h and Content-Type
// mediaType (parse error ctErr) holds text a reviewer reads; a missing or
// unparseable type counts as text/plain, RFC 2045's default.
func readable(h message.Header, mediaType string, ctErr error) bool {
	t := mediaType
	if ctErr != nil || t == "" {
		t = "text/plain"
	}
	return textTypes[t] || isPatchAttachment(h, t)
}

// readText reads the decoded body of a text part, at most
// DefaultMaxMessageBytes of it, and turns it into lines of UTF-8.
func (m *Message) readText(body io.Reader, params map[string]string) string {
	b, err := io.ReadAll(io.LimitReader(body, DefaultMaxMessageBytes))
	if err != nil {
		m.warnf("body: %v", err)
	}
	return ownText(b, params, m)
}

// partText turns the decoded body of a text part into lines of UTF-8. It
// returns s itself when s needs no change.
func partText(s string, params map[string]string, m *Message) string {
	s = toUTF8(s)
	warnFlowed(params, m)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	// The line break before a MIME boundary belongs to the boundary
	// (RFC 2046 §5.1.1); give every part its last newline back so parts
	// concatenate into whole lines.
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// warnFlowed notes text sent as format=flowed with delsp=yes, whose
// line breaks are kept as they are.
func warnFlowed(params map[string]string, m *Message) {
	if params["format"] == "flowed" && strings.EqualFold(params["delsp"], "yes") {
		m.warnf("format=flowed delsp=yes left as sent")
	}
}

// isPatchAttachment accepts octet-stream attachments named *.patch or
// *.diff, as some mailers send them.
func isPatchAttachment(h message.Header, t string) bool {
	if t != "application/octet-stream" {
		return false
	}
	_, params, _ := h.ContentDisposition()
	name := params["filename"]
	if name == "" {
		_, ctp, _ := h.ContentType()
		name = ctp["name"]
	}
	return strings.HasSuffix(name, ".patch") || strings.HasSuffix(name, ".diff")
}

// toUTF8 returns s unchanged when it is valid UTF-8 and otherwise decodes
// it as Windows-1252, the usual charset of unlabelled 8-bit mail (a superset
// of ISO-8859-1 for printable text). NUL bytes are dropped.
func toUTF8(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if utf8.ValidString(s) {
		return s
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}

// bytesView returns b as a string without copying. The caller guarantees
// that b is never modified afterwards (Raw bytes are not).
func bytesView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
