package imappoll

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"sync"
)

var (
	loginRe   = regexp.MustCompile(`(?i)^(\S+ LOGIN)( |\r?\n$)`)
	authRe    = regexp.MustCompile(`(?i)^(\S+) (AUTHENTICATE \S+)`)
	literalRe = regexp.MustCompile(`\{(\d+)\+?\}\r?\n$`)
)

// maxTraceLine is the longest server line held back waiting for its end;
// a longer one is written in pieces (server data is never redacted).
const maxTraceLine = 64 << 10

// Redactor writes a protocol trace with credentials removed. It keeps one
// line buffer per direction, so a server line that arrives in pieces is
// never glued to a client command: the client's LOGIN arguments
// (including literals, whatever bytes they hold), its AUTHENTICATE
// initial response and every SASL response until the server completes
// the command become "[redacted]". Whole lines are written to the
// underlying writer, one at a time.
type Redactor struct {
	mu sync.Mutex
	w  io.Writer
	// authTag is the tag of an AUTHENTICATE in progress: client lines
	// are SASL responses until the server answers it.
	authTag []byte
	client  clientSide
	server  serverSide
}

type clientSide struct {
	r       *Redactor
	buf     []byte
	skip    int64 // literal bytes still to hide
	inLogin bool  // the current command is a LOGIN continued after a literal
}

type serverSide struct {
	r   *Redactor
	buf []byte
}

// NewRedactor wraps w.
func NewRedactor(w io.Writer) *Redactor {
	r := &Redactor{w: w}
	r.client.r, r.server.r = r, r
	return r
}

// Client is the writer for what the client sends.
func (r *Redactor) Client() io.Writer { return &r.client }

// Server is the writer for what the server sends.
func (r *Redactor) Server() io.Writer { return &r.server }

// Write implements io.Writer for the client side.
func (c *clientSide) Write(p []byte) (int, error) {
	c.r.mu.Lock()
	defer c.r.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		if c.skip > 0 {
			k := int(min(c.skip, int64(len(p))))
			c.skip -= int64(k)
			p = p[k:]
			continue
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.buf = append(c.buf, p...)
			return n, nil
		}
		c.buf = append(c.buf, p[:i+1]...)
		p = p[i+1:]
		out := c.line(c.buf)
		c.buf = c.buf[:0]
		if out != nil {
			if _, err := c.r.w.Write(out); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// line returns what to write for one complete client line (nil for
// nothing) and notes the literals that follow it.
func (c *clientSide) line(line []byte) []byte {
	literal := func() int64 {
		m := literalRe.FindSubmatch(line)
		if m == nil {
			return 0
		}
		n, err := strconv.ParseInt(string(m[1]), 10, 64)
		if err != nil {
			return 0
		}
		return n
	}
	switch {
	case c.inLogin:
		// The rest of a LOGIN after a literal: hidden, up to its end.
		c.skip = literal()
		c.inLogin = c.skip > 0
		return nil
	case c.r.authTag != nil:
		return []byte("[redacted]\r\n")
	}
	if m := loginRe.FindSubmatch(line); m != nil {
		c.skip = literal()
		c.inLogin = c.skip > 0
		return append(bytes.Clone(m[1]), " [redacted]\r\n"...)
	}
	if m := authRe.FindSubmatch(line); m != nil {
		c.r.authTag = bytes.Clone(m[1])
		return append(append(append(bytes.Clone(m[1]), ' '), m[2]...), " [redacted]\r\n"...)
	}
	return bytes.Clone(line)
}

// Write implements io.Writer for the server side.
func (s *serverSide) Write(p []byte) (int, error) {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.buf = append(s.buf, p...)
			if len(s.buf) > maxTraceLine {
				if _, err := s.r.w.Write(s.buf); err != nil {
					return 0, err
				}
				s.buf = s.buf[:0]
			}
			return n, nil
		}
		s.buf = append(s.buf, p[:i+1]...)
		p = p[i+1:]
		if t := s.r.authTag; t != nil && bytes.HasPrefix(s.buf, t) && len(s.buf) > len(t) && s.buf[len(t)] == ' ' {
			s.r.authTag = nil // the server completed the AUTHENTICATE
		}
		if _, err := s.r.w.Write(s.buf); err != nil {
			return 0, err
		}
		s.buf = s.buf[:0]
	}
	return n, nil
}
