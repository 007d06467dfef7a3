package imappoll

import (
	"bytes"
	"io"
	"regexp"
	"sync"
)

var (
	loginRe = regexp.MustCompile(`(?i)^(\S+ LOGIN) `)
	authRe  = regexp.MustCompile(`(?i)^(\S+ AUTHENTICATE \S+)`)
	b64Re   = regexp.MustCompile(`^[A-Za-z0-9+/=]*\r?$`)
)

// Redactor is a protocol-trace writer that replaces LOGIN arguments,
// AUTHENTICATE initial responses and SASL continuation lines with
// "[redacted]". It works line by line; a partial line is held until its
// end.
type Redactor struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	pending int // following lines to redact (literals, SASL responses)
}

// NewRedactor wraps w.
func NewRedactor(w io.Writer) *Redactor { return &Redactor{w: w} }

// Write implements io.Writer.
func (r *Redactor) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, p...)
	for {
		i := bytes.IndexByte(r.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := r.buf[:i+1]
		if _, err := r.w.Write(r.redact(line)); err != nil {
			return 0, err
		}
		r.buf = r.buf[i+1:]
	}
}

func (r *Redactor) redact(line []byte) []byte {
	trimmed := bytes.TrimRight(line, "\r\n")
	switch {
	case r.pending > 0 && !bytes.HasPrefix(line, []byte("+ ")) && !bytes.HasPrefix(line, []byte("* ")):
		r.pending--
		return []byte("[redacted]\r\n")
	case loginRe.Match(trimmed):
		if bytes.HasSuffix(trimmed, []byte("}")) {
			r.pending = 2 // the password (and maybe the user) follow as literals
		}
		return append(loginRe.FindSubmatch(trimmed)[1], " [redacted]\r\n"...)
	case authRe.Match(trimmed):
		r.pending = 1
		return append(authRe.FindSubmatch(trimmed)[1], " [redacted]\r\n"...)
	case r.pending > 0 && b64Re.Match(line):
		r.pending--
		return []byte("[redacted]\r\n")
	}
	return line
}
