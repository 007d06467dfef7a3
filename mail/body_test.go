package mail

import (
	"bytes"
	"errors"
	"io"
	"mime/quotedprintable"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/emersion/go-message"
)

// refCollectText is how Parse read text before it decoded bodies itself:
// go-message's multipart reader and decoding readers all the way down. The
// tests hold the direct decoding to it.
func refCollectText(e *message.Entity, m *Message, depth int) string {
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
			if t := refCollectText(p, m, depth+1); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "")
	}
	t, params, err := e.Header.ContentType()
	if err != nil || t == "" {
		t = "text/plain"
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

// refRead decodes b entirely with go-message, as Parse's full path did
// before Parse decoded bodies itself.
func refRead(b []byte) (*Message, error) {
	m := &Message{}
	ent, err := readEntity(b, m)
	if err != nil {
		return nil, err
	}
	m.Header = ent.Header
	m.decodeHeader(ent.Header, ParseOptions{})
	m.Text = refCollectText(ent, m, 0)
	return m, nil
}

// refReadLean decodes b as Parse's lean path did before Parse decoded
// bodies itself: the body of a header the lean scan takes went to
// go-message from a bytes.Reader (whose reads, unlike those of the full
// reader's bufio.Reader, do not stop at its buffer: a base64 decoding
// error can be reported at another offset).
func refReadLean(b []byte) (*Message, error) {
	h, body, lean := scanHeader(b)
	if !lean {
		return refRead(b)
	}
	m := &Message{}
	ent, err := message.New(h, bytes.NewReader(body))
	if err != nil {
		m.warnf("%v", err)
	}
	m.Header = h
	m.decodeHeader(h, ParseOptions{})
	m.Text = refCollectText(ent, m, 0)
	return m, nil
}

// readQPRef is what go-message's body reader gives for quoted-printable r.
func readQPRef(r io.Reader) ([]byte, error) {
	return io.ReadAll(quotedprintable.NewReader(r))
}

var qpSeeds = []string{
	"", "plain\n", "caf=C3=A9\r\n", "soft=\nbreak\n", "soft=\r\nbreak", "soft= \t\nbreak",
	"trailing   \t\nspace \r\n", "lower=c3=a9\n", "bad=XYhex\n", "bad=\rcr\n", "eq at end=",
	"=", "a=", "=4", "a=4", "x=\n=", "tab\tin\n", "ctl\x01byte\n", "del\x7f\n", "high\xff\n",
	"= \n", "a=  x\n", "line\r\rmore\r\n", "=0A=0d\n", "=\r\n", "a=\r", "a\r", "x=3d=3D==41\n",
	strings.Repeat("a", 4095) + "\nnext\n", strings.Repeat("b", 4096) + "\nnext\n",
	strings.Repeat("c", 4096), strings.Repeat("d", 4097), strings.Repeat("e", 4095) + "=",
	strings.Repeat("f", 4094) + "=\n" + "tail", strings.Repeat("g", 5000) + "=",
	strings.Repeat("h ", 2048) + "\nx",
}

// TestDecodeQP holds decodeQP, over a slice and over readers that split
// their data oddly, to mime/quotedprintable's Reader: the same bytes and
// the same error.
func TestDecodeQP(t *testing.T) {
	for _, s := range qpSeeds {
		sameQP(t, []byte(s))
	}
}

func FuzzDecodeQP(f *testing.F) {
	for _, s := range qpSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(sameQP)
}

func sameQP(t *testing.T, in []byte) {
	t.Helper()
	check := func(name string, got []byte, gerr error, want []byte, werr error) {
		t.Helper()
		if !bytes.Equal(got, want) || errString(gerr) != errString(werr) {
			t.Errorf("%s %q:\ngot  %q, %v\nwant %q, %v", name, in, got, gerr, want, werr)
		}
	}
	want, werr := readQPRef(bytes.NewReader(in))
	got, gerr := decodeQP(nil, &sliceLines{in})
	check("slice", got, gerr, want, werr)
	for name, wrap := range map[string]func(io.Reader) io.Reader{
		"one byte": iotest.OneByteReader, "half": iotest.HalfReader, "data+EOF": iotest.DataErrReader,
		"timeout": iotest.TimeoutReader,
	} {
		want, werr := readQPRef(wrap(bytes.NewReader(in)))
		got, gerr := decodeQPFrom([]byte("prefix"), wrap(bytes.NewReader(in)))
		if !bytes.HasPrefix(got, []byte("prefix")) {
			t.Fatalf("%s %q: what dst held is lost: %q", name, in, got)
		}
		got = got[len("prefix"):]
		check(name, got, gerr, want, werr)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestCharmapsMatchGoMessage checks that every charset decoded directly
// decodes every byte as go-message's charset reader does.
func TestCharmapsMatchGoMessage(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for name, cm := range charmaps {
		for _, label := range []string{name, strings.ToUpper(name)} {
			r, err := message.CharsetReader(label, bytes.NewReader(all))
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			want, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			if got := appendCharmap([]byte("x"), all, cm); !bytes.Equal(got[1:], want) || got[0] != 'x' {
				t.Errorf("%s:\ngot  %q\nwant %q", label, got, want)
			}
		}
	}
}

// FuzzBase64 checks that the base64 bodies decodeBase64 takes decode as
// go-message's stream decoder decodes them, however it is read.
func FuzzBase64(f *testing.F) {
	for _, s := range []string{"", "ZGlm", "ZGlm\nZg==", "ZG lm\r\n\tZmY=", "QQ==QQ==", "QR==", "ZGl", "Z===", "ZGlm====", "!!!!"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, ok := decodeBase64(in)
		if !ok {
			return
		}
		h := message.Header{}
		h.Set("Content-Transfer-Encoding", "base64")
		for _, wrap := range []func(io.Reader) io.Reader{
			func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.HalfReader,
		} {
			e, err := message.New(h, bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			want, err := io.ReadAll(wrap(e.Body))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%q: got %q, stream decoder %q, %v", in, got, want, err)
			}
		}
	})
}

// FuzzOwnText checks ownText, and appendOwnText after other text, against
// partText.
func FuzzOwnText(f *testing.F) {
	for _, s := range []string{"", "a", "a\r\n", "\r\r\n\r", "x\x00y", "caf\xe9\r\n", "\n"} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, in []byte, flowed bool) {
		params := map[string]string{}
		if flowed {
			params["format"], params["delsp"] = "flowed", "Yes"
		}
		var mo, ma, mp Message
		want := partText(string(in), params, &mp)
		if got := ownText(bytes.Clone(in), params, &mo); got != want || len(mo.Warnings) != len(mp.Warnings) {
			t.Fatalf("%q: ownText %q %v, partText %q %v", in, got, mo.Warnings, want, mp.Warnings)
		}
		got := appendOwnText(append([]byte("pre\r"), in...), 4, params, &ma)
		if string(got) != "pre\r"+want || len(ma.Warnings) != len(mp.Warnings) {
			t.Fatalf("%q: appendOwnText %q %v, partText %q %v", in, got, ma.Warnings, want, mp.Warnings)
		}
	})
}

// bodyCases wrap a body in the message structures Parse decodes itself:
// single parts and parts of multiparts (closed or cut short), in the
// transfer encodings and charsets codecFor covers and some it does not.
var bodyCases = []func(body string) string{
	func(b string) string {
		return "Content-Transfer-Encoding: quoted-printable\n\n" + b
	},
	func(b string) string {
		return "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n" + b
	},
	func(b string) string {
		return "Content-Type: text/plain; charset=windows-1252\n\n" + b
	},
	func(b string) string {
		return "Content-Transfer-Encoding: base64\n\n" + b
	},
	func(b string) string {
		return "Content-Type: multipart/signed; boundary=B\n\n--B\nContent-Transfer-Encoding: quoted-printable\n\n" + b + "\n--B\nContent-Type: application/pgp-signature\n\nsig\n--B--\n"
	},
	func(b string) string {
		return "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; charset=ISO-8859-15\nContent-Transfer-Encoding: quoted-printable\n\n" + b
	},
	func(b string) string {
		return "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/x-patch; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + b + "\r\n--B\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + b + "\r\n--B--\r\n"
	},
	func(b string) string {
		return "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; charset=windows-1251\nContent-Transfer-Encoding: 8bit\n\n" + b + "\n--B\nContent-Transfer-Encoding: base64\n\n" + b + "\n--B--"
	},
}

// FuzzBodies holds the bodies Parse decodes itself to go-message's
// readers inside whole messages, where multipart parts are read through
// go-message's part reader.
func FuzzBodies(f *testing.F) {
	for _, s := range qpSeeds {
		f.Add(s, uint8(0))
	}
	for i := range bodyCases {
		f.Add("caf=E9 =C3=A9=\nsoft\r\n=\n--B\n", uint8(i))
		f.Add(strings.Repeat("x", 4090)+"=\n"+strings.Repeat("y", 4100), uint8(i))
	}
	f.Fuzz(func(t *testing.T, body string, kind uint8) {
		sameAsFull(t, []byte("Subject: s\n"+bodyCases[int(kind)%len(bodyCases)](body)))
	})
}

// TestBodies runs FuzzBodies' seeds in every structure.
func TestBodies(t *testing.T) {
	for _, s := range qpSeeds {
		for _, wrap := range bodyCases {
			sameAsFull(t, []byte("Subject: s\n"+wrap(s)))
		}
	}
}
