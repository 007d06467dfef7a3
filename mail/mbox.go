package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// MboxFormat selects how "From " lines inside message bodies were quoted.
type MboxFormat int

const (
	// MboxRD (the default, lore's format) removes one ">" from every line
	// matching ^>+From .
	MboxRD MboxFormat = iota
	// MboxO leaves bodies untouched: mboxo quoting cannot be undone
	// unambiguously.
	MboxO
)

// DefaultMaxMessageBytes is the default per-message size limit.
const DefaultMaxMessageBytes = 64 << 20

// MboxOptions configures an [MboxReader]. The zero value is valid.
type MboxOptions struct {
	// Format is the quoting convention; default MboxRD.
	Format MboxFormat
	// MaxMessageBytes bounds one message; larger ones are delivered with
	// Raw.Err = ErrTooLarge and no bytes. Default DefaultMaxMessageBytes.
	MaxMessageBytes int
}

// MboxReader splits an mbox stream into messages. Memory use is bounded by
// the largest message (and MaxMessageBytes), not by the stream.
//
// A line starting with "From " separates messages when it is the first line
// of the stream, follows a blank line, or looks like a classic From_ line
// ("From sender Www Mmm dd hh:mm:ss yyyy"). A stream that does not start
// with a separator holds one bare RFC 5322 message first.
//
// The reader keeps a window over the stream that holds the message being
// read; each message is copied out of it once, into a slice of its exact
// size, with the mboxrd quoting undone on the way.
type MboxReader struct {
	r    io.Reader
	name string
	opts MboxOptions

	// buf[:end] holds the stream from byte base on; pos is the next
	// unread byte. scanned is how far the current line has been searched
	// for its end.
	buf           []byte
	pos, end      int
	scanned       int
	base          int64
	eof           bool
	rerr          error
	emptyReads    int
	line          int          // lines consumed so far
	read          atomic.Int64 // bytes consumed so far (read by other goroutines)
	prevBlank     bool         // previous line was empty
	started, done bool
	nextStart     int // line number where the next message starts

	// The message being read is buf[msgStart:msgEnd] minus the bytes at
	// the offsets in unquote (the ">" of ">From " lines); msgLen is its
	// length without them.
	msgStart, msgEnd int
	msgLen           int
	unquote          []int
	tooLarge         bool
	// Of a message over the limit: its first bytes (up to OversizeHead,
	// quoting undone) and its size so far, which name it (TooLarge).
	head []byte
	size int64
	// lastLen is the length of the last line added to the message.
	lastLen int
	// Of the current line, when it is longer than the window: its first
	// bytes, and how many bytes were dropped after its first 64.
	cutHead []byte
	dropped int64
	// compressed: the stream is decompressed, so BytesRead is not
	// comparable with the file's size.
	compressed bool
}

const (
	mboxWindow  = 256 << 10 // initial window, and the least read at once
	mboxMinRead = 64 << 10
)

// NewMboxReader returns a reader over r; name is used in positions and
// errors.
func NewMboxReader(r io.Reader, name string, opts *MboxOptions) *MboxReader {
	m := &MboxReader{r: r, name: name}
	if opts != nil {
		m.opts = *opts
	}
	if m.opts.MaxMessageBytes <= 0 {
		m.opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	return m
}

// Position implements [Source].
func (m *MboxReader) Position() string { return positionf(m.name, m.line) }

// BytesRead returns how many bytes of the (decompressed) stream have been
// consumed, as of the last message returned. It is safe to call from
// another goroutine.
func (m *MboxReader) BytesRead() int64 { return m.read.Load() }

// fill reads more of the stream into the window, first dropping what no
// longer needs to be kept: everything before the current line, or before
// the message being read.
func (m *MboxReader) fill() {
	keep := m.pos
	if m.started && !m.tooLarge && m.msgStart < keep {
		keep = m.msgStart
	}
	if len(m.buf)-m.end < mboxMinRead {
		live := m.end - keep
		if keep >= len(m.buf)/2 && len(m.buf)-live >= mboxMinRead {
			m.shift(keep, m.buf)
		} else {
			size := max(2*len(m.buf), mboxWindow)
			for size-live < mboxMinRead {
				size *= 2
			}
			m.shift(keep, make([]byte, size))
		}
	}
	n, err := m.r.Read(m.buf[m.end:])
	m.end += n
	switch {
	case err == nil && n == 0:
		if m.emptyReads++; m.emptyReads >= 100 {
			m.rerr, m.eof = io.ErrNoProgress, true
		}
	case err == nil:
		m.emptyReads = 0
	case errors.Is(err, io.EOF):
		m.eof = true
	default:
		m.rerr, m.eof = err, true
	}
}

// shift moves buf[keep:end] to the start of dst (which may be buf).
func (m *MboxReader) shift(keep int, dst []byte) {
	n := copy(dst, m.buf[keep:m.end])
	m.buf, m.end = dst, n
	m.base += int64(keep)
	m.pos -= keep
	m.scanned -= keep
	m.msgStart -= keep
	m.msgEnd -= keep
	for i := range m.unquote {
		m.unquote[i] -= keep
	}
}

// readLine returns the next line including its "\n" (the last line may
// lack it) and its offset in the window. The slice is valid until the
// next call.
func (m *MboxReader) readLine() ([]byte, int, error) {
	limit := m.opts.MaxMessageBytes
	if limit < mboxWindow {
		limit = mboxWindow
	}
	m.cutHead, m.dropped = m.cutHead[:0], 0
	for {
		start := m.pos
		if m.scanned < start {
			m.scanned = start
		}
		if i := bytes.IndexByte(m.buf[m.scanned:m.end], '\n'); i >= 0 {
			m.pos = m.scanned + i + 1
			m.line++
			return m.buf[start:m.pos], start, nil
		}
		m.scanned = m.end
		if m.eof {
			if m.rerr != nil {
				return nil, 0, m.rerr
			}
			if start < m.end {
				m.pos = m.end
				m.line++
				return m.buf[start:m.end], start, nil
			}
			return nil, 0, io.EOF
		}
		if m.end-start > limit {
			// A line longer than any message may be: the message is
			// too large, and only the line's head is kept.
			if m.dropped == 0 { // the line's first cut
				if !m.tooLarge {
					m.overflow(nil)
					m.size = int64(m.msgLen)
				}
				m.cutHead = append(m.cutHead, m.buf[start:start+OversizeHead]...)
			}
			m.tooLarge = true
			m.dropped += int64(m.end - (start + 64))
			m.end, m.scanned = start+64, start+64
		}
		m.fill()
	}
}

// Next implements [Source].
func (m *MboxReader) Next(ctx context.Context) (*Raw, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for !m.done {
		line, at, err := m.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) {
				m.done = true
				break
			}
			return nil, fmt.Errorf("%s: %w", m.Position(), err)
		}
		blank := isBlankLine(line)
		if !m.started {
			if blank {
				continue
			}
			m.started = true
			m.prevBlank = false
			if bytes.HasPrefix(line, []byte("From ")) {
				m.nextStart = m.line + 1
				m.msgStart, m.msgEnd = m.pos, m.pos
				continue
			}
			m.nextStart = m.line
			m.msgStart, m.msgEnd = at, at
		}
		if bytes.HasPrefix(line, []byte("From ")) && (m.prevBlank || isFromLine(line)) {
			raw := m.take()
			m.nextStart = m.line + 1
			m.prevBlank = false
			m.msgStart, m.msgEnd = m.pos, m.pos
			if raw != nil {
				return raw, nil
			}
			continue
		}
		m.prevBlank = blank
		m.appendLine(line, at)
	}
	if raw := m.take(); raw != nil {
		return raw, nil
	}
	return nil, eof
}

// appendLine adds the line at offset at to the message: it is already in
// the window, so only its length and mboxrd quoting are noted.
func (m *MboxReader) appendLine(line []byte, at int) {
	n := len(line)
	quoted := false
	if m.opts.Format == MboxRD && len(line) > 5 && line[0] == '>' {
		i := 0
		for i < len(line) && line[i] == '>' {
			i++
		}
		if bytes.HasPrefix(line[i:], []byte("From ")) {
			quoted = true
			n--
		}
	}
	m.lastLen = n
	content := line // as far as it is still in the window
	if m.dropped > 0 {
		content = m.cutHead
	}
	if quoted {
		content = content[1:]
	}
	switch {
	case m.tooLarge:
		m.addHead(content)
		m.size += int64(n) + m.dropped
		return
	case m.msgLen+n > m.opts.MaxMessageBytes:
		m.overflow(content)
		m.tooLarge = true
		m.unquote = m.unquote[:0]
		m.size = int64(m.msgLen + n)
		return
	}
	if quoted {
		m.unquote = append(m.unquote, at)
	}
	m.msgLen += n
	m.msgEnd = at + len(line)
}

// overflow keeps the head of the message that has just gone over the
// limit: what the window holds of it, then extra (the rest of its current
// line, not yet appended).
func (m *MboxReader) overflow(extra []byte) {
	m.head = m.head[:0]
	if m.started {
		from := m.msgStart
		for _, q := range m.unquote {
			m.addHead(m.buf[from:q])
			from = q + 1
		}
		m.addHead(m.buf[from:m.msgEnd])
	}
	m.addHead(extra)
}

func (m *MboxReader) addHead(b []byte) {
	m.head = append(m.head, b[:min(len(b), OversizeHead-len(m.head))]...)
}

// take returns the accumulated message, or nil when it holds only white
// space, and resets the state for the next one.
func (m *MboxReader) take() *Raw {
	m.read.Store(m.base + int64(m.pos))
	defer func() {
		m.msgStart, m.msgEnd, m.msgLen = m.pos, m.pos, 0
		m.unquote = m.unquote[:0]
		m.tooLarge = false
		m.head, m.size, m.dropped, m.lastLen = m.head[:0], 0, 0, 0
	}()
	pos := positionf(m.name, m.nextStart)
	if m.tooLarge {
		size := m.size
		if m.prevBlank { // the blank line the mbox writer added
			size -= int64(m.lastLen)
		}
		return &Raw{Position: pos, Err: TooLarge(size, m.head[:min(int64(len(m.head)), size)])}
	}
	src := m.buf[m.msgStart:m.msgEnd]
	if len(bytes.TrimSpace(src)) == 0 {
		return nil
	}
	var b []byte
	if len(m.unquote) == 0 {
		b = bytes.Clone(src)
	} else {
		b = make([]byte, 0, m.msgLen)
		from := m.msgStart
		for _, q := range m.unquote {
			b = append(b, m.buf[from:q]...)
			from = q + 1
		}
		b = append(b, m.buf[from:m.msgEnd]...)
	}
	// The mbox writer adds one blank line after each message.
	switch {
	case bytes.HasSuffix(b, []byte("\r\n\r\n")):
		b = b[:len(b)-2]
	case bytes.HasSuffix(b, []byte("\n\n")):
		b = b[:len(b)-1]
	}
	return &Raw{Position: pos, Bytes: b}
}

func isBlankLine(line []byte) bool {
	return len(line) == 0 || (len(line) == 1 && line[0] == '\n') ||
		(len(line) == 2 && line[0] == '\r' && line[1] == '\n')
}

// isFromLine reports whether line looks like a classic From_ line with an
// asctime date: "From addr Www Mmm dd hh:mm:ss yyyy".
func isFromLine(line []byte) bool {
	f := bytes.Fields(line)
	if len(f) < 7 || len(f[2]) != 3 || len(f[3]) != 3 {
		return false
	}
	return bytes.Count(f[5], []byte(":")) >= 1 && len(f[len(f)-1]) == 4
}
