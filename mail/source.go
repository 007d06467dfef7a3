package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// Raw is one undecoded message as a source found it.
type Raw struct {
	// Position says where the message starts: "path:line" for mbox files,
	// the file path for Maildir messages, "imap:MAILBOX/UIDVALIDITY/UID"
	// for IMAP.
	Position string
	// Bytes is the RFC 5322 message, mbox quoting already undone.
	Bytes []byte
	// Err is set when the source could not deliver the message whole (for
	// example it exceeded the size limit). The message is then reported as
	// unparsed by the caller, never skipped silently.
	Err error
}

// Source yields raw messages one at a time. Next returns io.EOF after the
// last message. Errors other than io.EOF are fatal for the source and name
// the position where reading stopped.
type Source interface {
	Next(ctx context.Context) (*Raw, error)
	// Position names the place in the input the source has reached.
	Position() string
}

// ErrTooLarge is set in [Raw.Err] for a message larger than the reader's
// limit.
var ErrTooLarge = errors.New("message too large")

// OversizeHead is how many of the first bytes of a message over a size
// limit name it (see [TooLarge]).
const OversizeHead = 64 << 10

// TooLarge is the error of a message delivered without its bytes because
// it is larger than a limit (errors.Is ErrTooLarge). Its text names the
// message by its content alone, its size and a digest of its first bytes
// (head, of which at most OversizeHead are used), never by where it was
// found or by the limit, so that [FallbackID] gives the message the same
// id whenever an mbox or Maildir holding it is read again. (The IMAP
// poller names an oversize message its own way, from the server's size
// and Message-ID.)
func TooLarge(size int64, head []byte) error {
	head = head[:min(len(head), OversizeHead)]
	sum := sha256.Sum256(head)
	return fmt.Errorf("%w: %d bytes, first %d bytes sha256:%s", ErrTooLarge, size, len(head), hex.EncodeToString(sum[:12]))
}

// MultiSource reads several sources one after the other.
type MultiSource struct {
	sources []Source
	closers []func() error
	cur     int
	size    int64
}

// NewMultiSource returns a source reading each of sources in turn. The
// closers, if any, are called by Close.
func NewMultiSource(sources []Source, closers []func() error) *MultiSource {
	return &MultiSource{sources: sources, closers: closers}
}

// Next implements [Source].
func (m *MultiSource) Next(ctx context.Context) (*Raw, error) {
	for m.cur < len(m.sources) {
		r, err := m.sources[m.cur].Next(ctx)
		if err == nil {
			return r, nil
		}
		if !isEOF(err) {
			// A pipe closed under its read when ctx ended (OpenContext):
			// the error is ctx's, when the ctx given here has ended too.
			if cerr := ctx.Err(); cerr != nil {
				return nil, cerr
			}
			return nil, err
		}
		m.cur++
	}
	return nil, eof
}

// Position implements [Source].
func (m *MultiSource) Position() string {
	if m.cur < len(m.sources) {
		return m.sources[m.cur].Position()
	}
	if len(m.sources) > 0 {
		return m.sources[len(m.sources)-1].Position()
	}
	return ""
}

// BytesRead sums what the underlying mbox readers have consumed (Maildir
// messages are not counted). Safe to call from another goroutine.
func (m *MultiSource) BytesRead() int64 {
	var n int64
	for _, s := range m.sources {
		if r, ok := s.(interface{ BytesRead() int64 }); ok {
			n += r.BytesRead()
		}
	}
	return n
}

// Size is the total size of the inputs when every one is a plain
// (uncompressed) file, else 0: what a progress bar can aim at.
func (m *MultiSource) Size() int64 { return m.size }

// Close closes every underlying file.
func (m *MultiSource) Close() error {
	var errs []error
	for _, c := range m.closers {
		if err := c(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func positionf(name string, line int) string {
	return fmt.Sprintf("%s:%d", name, line)
}

// FallbackID is the identity of a message that could not be decoded: a
// hash of its bytes alone, so that the same message read again from
// another place (a second mailbox, an IMAP folder renumbered by a
// UIDVALIDITY reset, another mbox) is recognised and stored once, while
// two different broken messages stay two. A message delivered without
// its bytes (over a size limit) is named by the hash of the error its
// source gave, which must tell such messages apart.
func FallbackID(r *Raw) string {
	h := sha256.New()
	if len(r.Bytes) > 0 {
		h.Write(r.Bytes)
	} else {
		// The readers' errors (TooLarge) and the IMAP poller's name the
		// size and a digest of the first bytes, which do not change
		// with the position or the UID.
		h.Write([]byte("no bytes\x00"))
		if r.Err != nil {
			h.Write([]byte(r.Err.Error()))
		}
	}
	return "unparsed-" + hex.EncodeToString(h.Sum(nil)[:12]) + "@ferrule.invalid"
}
