package mail

import (
	"errors"
	"io"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/emersion/go-message"
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

// collectText walks e depth-first and concatenates its readable parts.
func collectText(e *message.Entity, m *Message, depth int) string {
	if depth > maxDepth {
		m.warnf("multipart nesting deeper than %d ignored", maxDepth)
		return ""
	}
	if mr := e.MultipartReader(); mr != nil {
		var parts []string
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if p == nil || !(message.IsUnknownCharset(err) || message.IsUnknownEncoding(err)) {
					m.warnf("multipart: %v", err)
					break
				}
				m.warnf("%v", err)
			}
			if t := collectText(p, m, depth+1); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "")
	}
	t, params, err := e.Header.ContentType()
	if err != nil || t == "" {
		t = "text/plain" // RFC 2045 default, also for unparseable types
	}
	if !textTypes[t] && !isPatchAttachment(e.Header, t) {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(e.Body, DefaultMaxMessageBytes))
	if err != nil {
		m.warnf("body: %v", err)
	}
	return partText(string(b), params, m)
}

// partText turns the decoded body of a text part into lines of UTF-8. It
// returns s itself when s needs no change.
func partText(s string, params map[string]string, m *Message) string {
	s = toUTF8(s)
	if params["format"] == "flowed" && strings.EqualFold(params["delsp"], "yes") {
		m.warnf("format=flowed delsp=yes left as sent")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	// The line break before a MIME boundary belongs to the boundary
	// (RFC 2046 §5.1.1); give every part its last newline back so parts
	// concatenate into whole lines.
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
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
