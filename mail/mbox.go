package mail

import (
	"bufio"
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
type MboxReader struct {
	r    *bufio.Reader
	name string
	opts MboxOptions

	line      int          // lines consumed so far
	read      atomic.Int64 // bytes consumed so far (read by other goroutines)
	prevBlank bool         // previous line was empty
	started   bool
	done      bool
	nextStart int // line number where the next message starts
	msg       bytes.Buffer
	tooLarge  bool
	partial   []byte
	// compressed: the stream is decompressed, so BytesRead is not
	// comparable with the file's size.
	compressed bool
}

// NewMboxReader returns a reader over r; name is used in positions and
// errors.
func NewMboxReader(r io.Reader, name string, opts *MboxOptions) *MboxReader {
	m := &MboxReader{r: bufio.NewReaderSize(r, 256<<10), name: name}
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
// consumed. It is safe to call from another goroutine.
func (m *MboxReader) BytesRead() int64 { return m.read.Load() }

// readLine returns the next line including its "\n" (the last line may
// lack it). The slice is valid until the next call.
func (m *MboxReader) readLine() ([]byte, error) {
	line, err := m.r.ReadSlice('\n')
	if err == nil || (errors.Is(err, io.EOF) && len(line) > 0) {
		m.line++
		m.read.Add(int64(len(line)))
		return line, nil
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	// A very long line: collect it whole (bounded by the message limit
	// through the caller, which stops storing past it).
	m.partial = append(m.partial[:0], line...)
	for {
		more, err := m.r.ReadSlice('\n')
		m.partial = append(m.partial, more...)
		if err == nil || errors.Is(err, io.EOF) {
			m.line++
			m.read.Add(int64(len(m.partial)))
			return m.partial, nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		if len(m.partial) > m.opts.MaxMessageBytes {
			// Keep only a prefix: the message is too large anyway.
			m.tooLarge = true
			m.partial = m.partial[:64]
		}
	}
}

// Next implements [Source].
func (m *MboxReader) Next(ctx context.Context) (*Raw, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for !m.done {
		line, err := m.readLine()
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
				continue
			}
			m.nextStart = m.line
		}
		if bytes.HasPrefix(line, []byte("From ")) && (m.prevBlank || isFromLine(line)) {
			raw := m.take()
			m.nextStart = m.line + 1
			m.prevBlank = false
			if raw != nil {
				return raw, nil
			}
			continue
		}
		m.prevBlank = blank
		m.appendLine(line)
	}
	if raw := m.take(); raw != nil {
		return raw, nil
	}
	return nil, eof
}

func (m *MboxReader) appendLine(line []byte) {
	if m.tooLarge {
		return
	}
	if m.opts.Format == MboxRD && len(line) > 5 && line[0] == '>' {
		i := 0
		for i < len(line) && line[i] == '>' {
			i++
		}
		if bytes.HasPrefix(line[i:], []byte("From ")) {
			line = line[1:]
		}
	}
	if m.msg.Len()+len(line) > m.opts.MaxMessageBytes {
		m.tooLarge = true
		m.msg.Reset()
		return
	}
	m.msg.Write(line)
}

// take returns the accumulated message, or nil when it holds only white
// space, and resets the state for the next one.
func (m *MboxReader) take() *Raw {
	defer func() {
		m.msg.Reset()
		m.tooLarge = false
	}()
	pos := positionf(m.name, m.nextStart)
	if m.tooLarge {
		return &Raw{Position: pos, Err: fmt.Errorf("%s: %w (limit %d bytes)", pos, ErrTooLarge, m.opts.MaxMessageBytes)}
	}
	b := m.msg.Bytes()
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	// The mbox writer adds one blank line after each message.
	switch {
	case bytes.HasSuffix(b, []byte("\r\n\r\n")):
		b = b[:len(b)-2]
	case bytes.HasSuffix(b, []byte("\n\n")):
		b = b[:len(b)-1]
	}
	return &Raw{Position: pos, Bytes: bytes.Clone(b)}
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
