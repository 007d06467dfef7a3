package mail

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync"
)

// qpBufSize is the size of the bufio.Reader that
// mime/quotedprintable.NewReader puts around its input: a line longer than
// that ends its decoding with bufio.ErrBufferFull.
const qpBufSize = 4096

// lineReader yields the lines of a quoted-printable body as
// bufio.Reader.ReadSlice('\n') does with a buffer of qpBufSize bytes.
type lineReader interface {
	ReadSlice(delim byte) ([]byte, error)
}

// sliceLines reads the lines of b as a bufio.Reader of qpBufSize bytes
// reads them from a bytes.Reader (which never returns data and io.EOF
// together): a line with no newline within qpBufSize bytes comes back
// cut, with bufio.ErrBufferFull, and the last line with io.EOF.
type sliceLines struct{ b []byte }

func (s *sliceLines) ReadSlice(delim byte) ([]byte, error) {
	n := min(len(s.b), qpBufSize)
	if i := bytes.IndexByte(s.b[:n], delim); i >= 0 {
		line := s.b[:i+1]
		s.b = s.b[i+1:]
		return line, nil
	}
	line := s.b[:n]
	s.b = s.b[n:]
	if n == qpBufSize {
		return line, bufio.ErrBufferFull
	}
	return line, io.EOF
}

// qpReaders recycles the buffers decodeQPFrom reads parts through.
var qpReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, qpBufSize) }}

// decodeQPFrom appends the quoted-printable body r to dst as decodeQP
// does, reading it through a bufio.Reader of the size
// quotedprintable.NewReader uses, so that r sees the same reads.
func decodeQPFrom(dst []byte, r io.Reader) ([]byte, error) {
	br := qpReaders.Get().(*bufio.Reader)
	br.Reset(r)
	out, err := decodeQP(dst, br)
	br.Reset(nil)
	qpReaders.Put(br)
	return out, err
}

// decodeQP appends to dst what io.ReadAll reads from a
// mime/quotedprintable.Reader whose buffered input yields the lines of lr,
// and returns the error ReadAll would return (nil at the end of the
// input). It follows that reader's leniencies exactly: "=\n" as well as
// "=\r\n" is a soft line break, trailing white space is dropped, a line's
// CR LF or LF is kept, lower-case hex is accepted, an "=" not followed by
// two hex digits is a literal "=" unless a line break follows, bytes of
// 0x80 and above pass, and a final "=" at the end of the input is
// ignored when something precedes it on its line.
func decodeQP(dst []byte, lr lineReader) ([]byte, error) {
	for {
		whole, rerr := lr.ReadSlice('\n')
		line := bytes.TrimRight(whole, "\n\r \t")
		eol := ""
		if bytes.HasSuffix(line, []byte("=")) {
			rest := bytes.TrimLeft(whole[len(line):], " \t")
			line = line[:len(line)-1]
			if !bytes.HasPrefix(rest, []byte("\n")) && !bytes.HasPrefix(rest, []byte("\r\n")) &&
				!(len(rest) == 0 && len(line) > 0 && rerr == io.EOF) {
				rerr = fmt.Errorf("quotedprintable: invalid bytes after =: %q", rest)
			}
		} else if bytes.HasSuffix(whole, []byte("\r\n")) {
			eol = "\r\n"
		} else if bytes.HasSuffix(whole, []byte("\n")) {
			eol = "\n"
		}
		var err error
		if dst, err = qpLine(dst, line, eol); err != nil {
			return dst, err
		}
		if rerr != nil {
			if rerr == io.EOF {
				return dst, nil
			}
			return dst, rerr
		}
	}
}

// qpLine decodes one line (its break, when kept, in eol) as
// quotedprintable.Reader.Read does, stopping at the first error.
func qpLine(dst, line []byte, eol string) ([]byte, error) {
	n := len(line) + len(eol)
	at := func(j int) byte {
		if j < len(line) {
			return line[j]
		}
		return eol[j-len(line)]
	}
	for i := 0; i < n; {
		// Copy a run of bytes that pass unchanged in one go.
		j := i
		for j < len(line) && qpPlain(line[j]) {
			j++
		}
		if j > i {
			dst = append(dst, line[i:j]...)
			i = j
			continue
		}
		b := at(i)
		switch {
		case b == '=':
			var err error
			if b, err = qpHexByte(i+1, n, at); err != nil {
				if n-i >= 2 && at(i+1) != '\r' && at(i+1) != '\n' {
					b = '=' // taken literally
					break
				}
				return dst, err
			}
			i += 2
		case qpPlain(b):
		default:
			return dst, fmt.Errorf("quotedprintable: invalid unescaped byte 0x%02x in body", b)
		}
		dst = append(dst, b)
		i++
	}
	return dst, nil
}

// qpPlain reports whether quotedprintable.Reader passes c through as it is.
func qpPlain(c byte) bool {
	return c != '=' && (c >= ' ' && c <= '~' || c == '\t' || c == '\r' || c == '\n' || c >= 0x80)
}

// qpHexByte reads the two hex digits at j (of n), with the errors of
// quotedprintable's readHexByte.
func qpHexByte(j, n int, at func(int) byte) (byte, error) {
	if n-j < 2 {
		return 0, io.ErrUnexpectedEOF
	}
	hi, err := qpHex(at(j))
	if err != nil {
		return 0, err
	}
	lo, err := qpHex(at(j + 1))
	if err != nil {
		return 0, err
	}
	return hi<<4 | lo, nil
}

func qpHex(b byte) (byte, error) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', nil
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, nil
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10, nil
	}
	return 0, fmt.Errorf("quotedprintable: invalid hex byte 0x%02x", b)
}
