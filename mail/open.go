package mail

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

var eof = io.EOF

func isEOF(err error) bool { return errors.Is(err, io.EOF) }

// OpenOptions configures [Open].
type OpenOptions struct {
	Mbox MboxOptions
	// Stdin is read for the path "-"; default os.Stdin.
	Stdin io.Reader
}

// Open returns a source for each path: "-" is standard input, a directory
// must be a Maildir, anything else is an mbox file (gzip-compressed ones are
// detected by their magic number). The caller must Close the result.
func Open(paths []string, opts *OpenOptions) (*MultiSource, error) {
	return OpenContext(context.Background(), paths, opts)
}

// OpenContext is Open for a caller that can be interrupted. Telling gzip
// from a plain mbox reads an input's first bytes, and standard input or a
// named pipe may be a terminal or a pipe nobody writes to (opening a
// named pipe even waits for a writer): those waits end with ctx, and
// OpenContext returns ctx's error. An input given by path that is not a
// regular file is closed when ctx ends: for a named pipe or a terminal
// (on Linux, where Go's poller takes them) that ends a read waiting on
// one that stalls later, and the source's Next, given a ctx that has
// ended too, returns its error. Other devices, and standard input, are
// read in blocking mode, which a close does not end: reading one after
// it stalls is the reader's to bound (review.Feed gives up on a stuck
// source).
//
// What was waiting is left behind, for a process that is about to exit:
// a read of standard input may still be pending (the caller must not read
// opts.Stdin again), and an open of a named pipe keeps a thread blocked
// until a writer comes, whose writes then fail (the reader is closed at
// once). A process that lives on pays a thread per interrupted open.
func OpenContext(ctx context.Context, paths []string, opts *OpenOptions) (*MultiSource, error) {
	var o OpenOptions
	if opts != nil {
		o = *opts
	}
	var sources []Source
	var closers []func() error
	var size int64
	sized := true
	fail := func(err error) (*MultiSource, error) {
		for _, c := range closers {
			_ = c()
		}
		return nil, err
	}
	for _, p := range paths {
		if p == "-" {
			in := o.Stdin
			if in == nil {
				in = os.Stdin
			}
			s, c, err := mboxFromStream(ctx, in, "stdin", &o.Mbox, standardInput)
			if err != nil {
				return fail(err)
			}
			sized = false
			sources = append(sources, s)
			closers = append(closers, c)
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return fail(fmt.Errorf("open input: %w", err))
		}
		if fi.IsDir() {
			md, err := NewMaildirReader(p)
			if err != nil {
				return fail(err)
			}
			sized = false
			sources = append(sources, md)
			continue
		}
		kind := regularFile
		if !fi.Mode().IsRegular() {
			kind, sized = pipe, false // no size to measure progress by
		}
		f, err := openFile(ctx, p, kind != regularFile)
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fail(err) // it says what was waited for
		} else if err != nil {
			return fail(fmt.Errorf("open input: %w", err))
		}
		closeFile := f.Close
		if kind == pipe {
			// A pipe can stall after sending some bytes: closing it when
			// ctx ends ends a read waiting there.
			stop := context.AfterFunc(ctx, func() { f.Close() })
			closeFile = func() error {
				if !stop() {
					return nil // closed when ctx ended
				}
				return f.Close()
			}
		}
		s, c, err := mboxFromStream(ctx, f, p, &o.Mbox, kind)
		if err != nil {
			_ = closeFile()
			return fail(err)
		}
		closers = append(closers, func() error { cerr := c(); ferr := closeFile(); return errors.Join(cerr, ferr) })
		sources = append(sources, s)
		if mr, ok := s.(*MboxReader); ok && mr.compressed {
			sized = false
		}
		size += fi.Size()
	}
	ms := NewMultiSource(sources, closers)
	if sized {
		ms.size = size
	}
	return ms, nil
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	xzMagic   = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
)

// streamKind is where an mbox stream comes from.
type streamKind int

const (
	regularFile   streamKind = iota
	pipe                     // a named pipe or another file that may stall
	standardInput            // "-"
)

func mboxFromStream(ctx context.Context, r io.Reader, name string, opts *MboxOptions, kind streamKind) (Source, func() error, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := peek(ctx, br, len(xzMagic), kind != regularFile)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: waiting for input: %w", name, err)
	}
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		mr := NewMboxReader(zr, name, opts)
		mr.compressed = true
		return mr, zr.Close, nil
	case bytes.HasPrefix(head, xzMagic) && kind == standardInput:
		return nil, nil, errors.New("stdin: xz-compressed input is not read directly; decompress it first: xz -dc FILE.xz | ferrule review -")
	case bytes.HasPrefix(head, xzMagic):
		return nil, nil, fmt.Errorf("%s: xz-compressed input is not read directly; stream it: xz -dc %s | ferrule review -", name, name)
	}
	return NewMboxReader(br, name, opts), func() error { return nil }, nil
}

// openFile opens path. One that may stall (opening a named pipe waits
// for a writer) is opened by unlessDone, and closed if it opens late.
func openFile(ctx context.Context, path string, mayStall bool) (*os.File, error) {
	if !mayStall {
		return os.Open(path)
	}
	type opened struct {
		f   *os.File
		err error
	}
	o, err := unlessDone(ctx, func() opened {
		f, err := os.Open(path)
		return opened{f, err}
	}, func(late opened) {
		if late.f != nil {
			late.f.Close()
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%s: waiting for a writer: %w", path, err)
	}
	return o.f, o.err
}

// peek returns br's first n bytes, fewer at the end of the input (a read
// error is left for the reader that follows). When the input may stall
// (standard input, a pipe), the read is done by unlessDone.
func peek(ctx context.Context, br *bufio.Reader, n int, mayStall bool) ([]byte, error) {
	read := func() []byte {
		head, _ := br.Peek(n)
		return head
	}
	if !mayStall {
		return read(), nil
	}
	return unlessDone(ctx, read, nil)
}

// unlessDone returns what f returns, or ctx's error when ctx ends first:
// f, which may block past any interrupt, runs on a goroutine of its own
// that is then left behind, and gives what it returns late to drop (when
// not nil).
func unlessDone[T any](ctx context.Context, f func() T, drop func(T)) (T, error) {
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v, nil
	case <-ctx.Done():
		if drop != nil {
			go func() { drop(<-done) }()
		}
		var zero T
		return zero, ctx.Err()
	}
}

// MaildirReader reads the messages of a Maildir (new/ then cur/, each
// sorted by file name, which starts with the delivery time).
type MaildirReader struct {
	files []string
	i     int
}

// NewMaildirReader lists dir's messages. It fails when dir has neither cur/
// nor new/.
func NewMaildirReader(dir string) (*MaildirReader, error) {
	var files []string
	found := false
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read maildir %s: %w", dir, err)
		}
		found = true
		var names []string
		for _, e := range ents {
			if e.Type().IsRegular() && e.Name()[0] != '.' {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			files = append(files, filepath.Join(dir, sub, n))
		}
	}
	if !found {
		return nil, fmt.Errorf("%s: a directory input must be a Maildir (with cur/ or new/)", dir)
	}
	return &MaildirReader{files: files}, nil
}

// Next implements [Source].
func (m *MaildirReader) Next(ctx context.Context) (*Raw, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if m.i >= len(m.files) {
		return nil, eof
	}
	p := m.files[m.i]
	m.i++
	fi, err := os.Stat(p)
	if err != nil {
		return &Raw{Position: p, Err: fmt.Errorf("%s: %w", p, err)}, nil
	}
	if fi.Size() > DefaultMaxMessageBytes {
		head, err := readHead(p)
		if err != nil {
			return &Raw{Position: p, Err: fmt.Errorf("%s: %w", p, err)}, nil
		}
		return &Raw{Position: p, Err: TooLarge(fi.Size(), head)}, nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return &Raw{Position: p, Err: fmt.Errorf("%s: %w", p, err)}, nil
	}
	return &Raw{Position: p, Bytes: b}, nil
}

// Position implements [Source].
func (m *MaildirReader) Position() string {
	if m.i == 0 || m.i > len(m.files) {
		return ""
	}
	return m.files[m.i-1]
}

// readHead reads the first OversizeHead bytes of the file at p.
func readHead(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, OversizeHead)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return head[:n], nil
}
