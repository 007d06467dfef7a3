package mail

import (
	"bytes"
	"strings"

	"github.com/emersion/go-message"
)

// leanKeys are the top-level header fields Parse reads, in canonical form.
// Every other field (Received, DKIM-Signature, ARC-*, … more than half of
// a list archive's bytes) is skipped without being copied.
var leanKeys = [...]string{
	"Message-Id", "In-Reply-To", "References", "Subject", "Date",
	"From", "Reply-To", "To", "Cc", "X-Original-From", "List-Id",
	"Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
}

// maxLeanHeader bounds the header the lean scan accepts; go-message's
// reader fails at 1 MiB (counting its read-ahead), so larger headers take
// the full path and keep its behaviour.
const maxLeanHeader = 1<<20 - 64<<10

// leanField is one kept field: which key, and where its value lies in the
// message (after the colon, up to the end of its last continuation line).
type leanField struct {
	key        int
	start, end int
}

// scanHeader reads the top-level header of b the way go-message's
// textproto.ReadHeader does, but keeps only the leanKeys fields and
// allocates nothing for the others. It returns the kept fields as a
// message.Header and the body. ok is false for any header the scan does
// not handle exactly as go-message does (a first line that is a
// continuation, a line that is not a field, an empty or invalid key, a
// very large header): the caller then reads the message in full.
func scanHeader(b []byte) (h message.Header, body []byte, ok bool) {
	if len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		return h, nil, false
	}
	var buf [16]leanField
	fields := buf[:0]
	cur := -1 // index in fields of the field being continued, or -1
	pos := 0
	for {
		if pos >= len(b) { // header without a body
			body = nil
			break
		}
		// end is where the line ends without its CR LF or LF; vend
		// without its LF only (trimAroundNewlines drops one CR per
		// line, as go-message does).
		end, next := len(b), len(b)
		vend := end
		if i := bytes.IndexByte(b[pos:], '\n'); i >= 0 {
			end, next = pos+i, pos+i+1
			vend = end
			if end > pos && b[end-1] == '\r' {
				end--
			}
		} else if b[len(b)-1] == '\r' {
			// bufio.ReadLine keeps a final CR without LF; not worth
			// mirroring.
			return h, nil, false
		}
		if next > maxLeanHeader {
			return h, nil, false
		}
		line := b[pos:end]
		if len(line) == 0 { // the blank line ending the header
			body = b[next:]
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if cur >= 0 {
				fields[cur].end = vend
			}
			pos = next
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return h, nil, false
		}
		key := trimSpaceTab(line[:colon])
		if len(key) == 0 {
			return h, nil, false
		}
		for _, c := range key {
			if c < 33 || c > 126 {
				return h, nil, false
			}
		}
		cur = -1
		if k := leanKey(key); k >= 0 {
			fields = append(fields, leanField{key: k, start: pos + colon + 1, end: vend})
			cur = len(fields) - 1
		}
		pos = next
	}
	// message.Header keeps fields in reverse order: add the last first so
	// that Get returns the first occurrence, as after ReadHeader.
	for i := len(fields) - 1; i >= 0; i-- {
		f := fields[i]
		h.Add(leanKeys[f.key], trimAroundNewlines(b[f.start:f.end]))
	}
	return h, body, true
}

// leanKey returns the index of key in leanKeys (case-insensitive), or -1.
func leanKey(key []byte) int {
	if len(key) < 2 || len(key) > len("Content-Transfer-Encoding") {
		return -1
	}
	c := key[0] | 0x20 // lower-case ASCII letter
	for i, k := range leanKeys {
		if len(k) == len(key) && k[0]|0x20 == c && equalFoldASCII(key, k) {
			return i
		}
	}
	return -1
}

func equalFoldASCII(b []byte, s string) bool {
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func trimSpaceTab(s []byte) []byte {
	i, n := 0, len(s)
	for i < n && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for n > i && (s[n-1] == ' ' || s[n-1] == '\t') {
		n--
	}
	return s[i:n]
}

// trimAroundNewlines unfolds a raw field value as go-message does: each
// line loses a trailing CR and surrounding spaces and tabs, empty lines are
// dropped, and the rest are joined with single spaces.
func trimAroundNewlines(v []byte) string {
	if bytes.IndexByte(v, '\n') < 0 {
		if len(v) > 0 && v[len(v)-1] == '\r' {
			v = v[:len(v)-1]
		}
		return string(trimSpaceTab(v))
	}
	var sb strings.Builder
	sb.Grow(len(v))
	for len(v) > 0 {
		l := v
		if i := bytes.IndexByte(v, '\n'); i >= 0 {
			l, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		l = trimSpaceTab(l)
		if len(l) == 0 {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.Write(l)
	}
	return sb.String()
}
