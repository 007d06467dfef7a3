package mail

// refMboxReader is the line-by-line mbox reader ferrule used before the
// windowed one (copied here unchanged but for its name): the reference
// the differential tests compare MboxReader with.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"ferrule/mail/mailtest"
)

// refMboxReader splits an mbox stream into messages. Memory use is bounded by
// the largest message (and MaxMessageBytes), not by the stream.
//
// A line starting with "From " separates messages when it is the first line
// of the stream, follows a blank line, or looks like a classic From_ line
// ("From sender Www Mmm dd hh:mm:ss yyyy"). A stream that does not start
// with a separator holds one bare RFC 5322 message first.
type refMboxReader struct {
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
	// Of every message: its first OversizeHead bytes, its size and its
	// last line's length; of the current line when it was cut: its first
	// bytes and how many were dropped.
	head    []byte
	size    int64
	lastLen int
	cutHead []byte
	dropped int64
}

// newRefMboxReader returns a reader over r; name is used in positions and
// errors.
func newRefMboxReader(r io.Reader, name string, opts *MboxOptions) *refMboxReader {
	m := &refMboxReader{r: bufio.NewReaderSize(r, 256<<10), name: name}
	if opts != nil {
		m.opts = *opts
	}
	if m.opts.MaxMessageBytes <= 0 {
		m.opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	return m
}

// Position implements [Source].
func (m *refMboxReader) Position() string { return positionf(m.name, m.line) }

// BytesRead returns how many bytes of the (decompressed) stream have been
// consumed. It is safe to call from another goroutine.
func (m *refMboxReader) BytesRead() int64 { return m.read.Load() }

// readLine returns the next line including its "\n" (the last line may
// lack it). The slice is valid until the next call.
func (m *refMboxReader) readLine() ([]byte, error) {
	m.cutHead, m.dropped = nil, 0
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
		if len(m.partial) > max(m.opts.MaxMessageBytes, OversizeHead) {
			// Keep only a prefix: the message is too large anyway.
			m.tooLarge = true
			if m.dropped == 0 {
				m.cutHead = bytes.Clone(m.partial[:OversizeHead])
			}
			m.dropped += int64(len(m.partial) - 64)
			m.partial = m.partial[:64]
		}
	}
}

// Next implements [Source].
func (m *refMboxReader) Next(ctx context.Context) (*Raw, error) {
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

func (m *refMboxReader) appendLine(line []byte) {
	content := line
	if m.dropped > 0 {
		content = m.cutHead
	}
	if m.opts.Format == MboxRD && len(line) > 5 && line[0] == '>' {
		i := 0
		for i < len(line) && line[i] == '>' {
			i++
		}
		if bytes.HasPrefix(line[i:], []byte("From ")) {
			line, content = line[1:], content[1:]
		}
	}
	m.head = append(m.head, content[:min(len(content), OversizeHead-len(m.head))]...)
	m.size += int64(len(line)) + m.dropped
	m.lastLen = len(line)
	if m.tooLarge {
		return
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
func (m *refMboxReader) take() *Raw {
	defer func() {
		m.msg.Reset()
		m.tooLarge = false
		m.head, m.size, m.lastLen = nil, 0, 0
	}()
	pos := positionf(m.name, m.nextStart)
	if m.tooLarge {
		size := m.size
		if m.prevBlank { // the blank line the mbox writer added
			size -= int64(m.lastLen)
		}
		return &Raw{Position: pos, Err: TooLarge(size, m.head[:min(int64(len(m.head)), size)])}
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

// drainBoth reads in with MboxReader and with the reference reader, in
// reads of at most chunk bytes, and reports any difference in the
// messages, positions, errors or bytes consumed.
func drainBoth(t *testing.T, in []byte, opts *MboxOptions, chunk int) {
	t.Helper()
	type msg struct {
		pos, bytes, err string
	}
	drain := func(next func() (*Raw, error), bytesRead func() int64) ([]msg, int64, string) {
		var out []msg
		for {
			raw, err := next()
			if err != nil {
				if errors.Is(err, io.EOF) {
					return out, bytesRead(), ""
				}
				return out, bytesRead(), err.Error()
			}
			e := ""
			if raw.Err != nil {
				e = raw.Err.Error()
			}
			out = append(out, msg{raw.Position, string(raw.Bytes), e})
		}
	}
	ctx := context.Background()
	nr := NewMboxReader(iotest.HalfReader(&chunkReader{in, chunk}), "f", opts)
	rr := newRefMboxReader(&chunkReader{in, chunk}, "f", opts)
	got, gotRead, gotErr := drain(func() (*Raw, error) { return nr.Next(ctx) }, nr.BytesRead)
	want, wantRead, wantErr := drain(func() (*Raw, error) { return rr.Next(ctx) }, rr.BytesRead)
	if !reflect.DeepEqual(got, want) || gotErr != wantErr || gotRead != wantRead {
		t.Fatalf("MboxReader differs from the reference on %q:\ngot  %q %d %q\nwant %q %d %q", in, got, gotRead, gotErr, want, wantRead, wantErr)
	}
}

// chunkReader returns at most n bytes per Read.
type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	k := min(len(p), c.n, len(c.b))
	copy(p, c.b[:k])
	c.b = c.b[k:]
	return k, nil
}

var mboxSeeds = []string{
	"From a Mon Jan  1 00:00:00 2024\nS: x\n\n>From b\n\nFrom c Mon Jan  1 00:00:00 2024\nS: y\n",
	"Subject: bare\n\nbody",
	"\n\nFrom \nFrom \r\n\r\nFrom x",
	"From mboxrd@z Thu Jan  1 00:00:00 1970\nS: x\n\n>From here\n>>From there\n>Fromage\n",
	"\r\n\r\nFrom x Mon Jan  1 00:00:00 2024\r\nS: y\r\n\r\nb\r\n\r\nFrom y\r\nS: z\r\n\r\n",
	"From x\n\n\n\nFrom y Mon Jan  1 00:00:00 2024\n\n \n",
	"From a Mon Jan  1 00:00:00 2024\nS: " + strings.Repeat("long ", 2000) + "\n\nFrom b Mon Jan  1 00:00:00 2024\nS: y\n",
}

// TestMboxReaderMatchesReference compares the windowed reader with the
// line-by-line one on the seeds, on every shared fixture and with tiny
// reads and limits.
func TestMboxReaderMatchesReference(t *testing.T) {
	for _, s := range mboxSeeds {
		for _, chunk := range []int{1, 7, 4096, 1 << 20} {
			drainBoth(t, []byte(s), nil, chunk)
			drainBoth(t, []byte(s), &MboxOptions{MaxMessageBytes: 64}, chunk)
			drainBoth(t, []byte(s), &MboxOptions{Format: MboxO, MaxMessageBytes: 1 << 12}, chunk)
		}
	}
	files, _ := filepath.Glob(filepath.Join(mailtest.SharedDir(t), "*", "*.mbox"))
	more, _ := filepath.Glob(filepath.Join(mailtest.SharedDir(t), "*", "*", "*.mbox"))
	files = append(files, more...)
	if len(files) < 20 {
		t.Fatalf("only %d fixture files", len(files))
	}
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		drainBoth(t, in, nil, 1<<16)
		drainBoth(t, in, &MboxOptions{MaxMessageBytes: 2000}, 3000)
	}
}

// FuzzMboxReaderReference checks the windowed reader against the
// line-by-line one. Lines longer than the reference's 256 KiB buffer are
// out of scope: there both readers only promise a too-large message.
func FuzzMboxReaderReference(f *testing.F) {
	for _, s := range mboxSeeds {
		f.Add([]byte(s), uint16(4096), false)
	}
	f.Fuzz(func(t *testing.T, in []byte, chunk uint16, mboxo bool) {
		opts := &MboxOptions{MaxMessageBytes: 1 << 10}
		if mboxo {
			opts.Format = MboxO
		}
		drainBoth(t, in, opts, int(chunk)+1)
	})
}
