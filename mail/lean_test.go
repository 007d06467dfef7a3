package mail

import (
	"context"
	"errors"
	"io"
	netmail "net/mail"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"ferrule/mail/mailtest"
)

// sameAsFull decodes b with the lean path and with go-message's full
// reader and reports any difference in what Parse returns from what each
// path returned when go-message decoded every body (refReadLean, refRead).
func sameAsFull(t *testing.T, b []byte) {
	t.Helper()
	for _, path := range []struct {
		name string
		read func(m *Message) error
		ref  func([]byte) (*Message, error)
	}{
		{"lean", func(m *Message) error { return m.read(b, true, ParseOptions{}) }, refReadLean},
		{"full", func(m *Message) error { return m.readFull(b, true, ParseOptions{}) }, refRead},
	} {
		ref, errR := path.ref(b)
		got := &Message{}
		err := path.read(got)
		if (err == nil) != (errR == nil) {
			t.Fatalf("%s error %v, go-message error %v", path.name, err, errR)
		}
		if err == nil {
			sameMessage(t, path.name, got, ref)
		}
	}
	// The lean header scan reads what go-message's reader reads; only
	// the offsets in base64 decoding errors may differ (see refReadLean).
	lean, errL := refReadLean(b)
	full, errF := refRead(b)
	if (errL == nil) != (errF == nil) {
		t.Fatalf("lean error %v, full error %v", errL, errF)
	}
	if errL == nil {
		lean.Warnings, full.Warnings = withoutBase64Offsets(lean.Warnings), withoutBase64Offsets(full.Warnings)
		sameMessage(t, "lean/full", lean, full)
	}
}

// withoutBase64Offsets drops the warnings of corrupt base64, whose byte
// offsets the two paths count differently; the others must agree.
func withoutBase64Offsets(ws []string) []string {
	var out []string
	for _, w := range ws {
		if !strings.HasPrefix(w, "body: illegal base64 data at input byte") {
			out = append(out, w)
		}
	}
	return out
}

// sameMessage reports the fields of got that differ from want (Header
// aside: the lean path keeps fewer fields).
func sameMessage(t *testing.T, name string, got, want *Message) {
	t.Helper()
	if !got.Date.Equal(want.Date) || got.Date.Format(time.RFC3339Nano+" MST") != want.Date.Format(time.RFC3339Nano+" MST") {
		t.Errorf("%s Date %v, go-message %v", name, got.Date, want.Date)
	}
	g, w := *got, *want
	g.Header, g.Date, w.Date = w.Header, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
		for i := 0; i < gv.NumField(); i++ {
			if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
				t.Errorf("%s %s: %#v\ngo-message %#v", name, gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
			}
		}
	}
}

// sameHeader checks that ParseHeader fails where Parse fails and
// otherwise returns the same header fields (Text and the body's warnings
// aside).
func sameHeader(t *testing.T, b []byte) {
	t.Helper()
	raw := &Raw{Position: "p", Bytes: b}
	full, errF := Parse(raw)
	head, errH := ParseHeader(raw)
	if (errF == nil) != (errH == nil) {
		t.Fatalf("ParseHeader error %v, Parse error %v", errH, errF)
	}
	if errF != nil {
		if errF.Error() != errH.Error() {
			t.Errorf("ParseHeader error %q, Parse error %q", errH, errF)
		}
		return
	}
	if head.Text != "" {
		t.Errorf("ParseHeader read the body: %q", head.Text)
	}
	full.Text, full.Warnings, head.Warnings = "", nil, nil
	if !reflect.DeepEqual(full, head) {
		t.Errorf("ParseHeader\n%#v\nParse\n%#v", head, full)
	}
}

// TestLeanMatchesFull checks the lean path against go-message's reader on
// hand-made edge cases and on every message of the shared fixtures.
func TestLeanMatchesFull(t *testing.T) {
	for _, s := range leanSeeds {
		sameAsFull(t, []byte(s))
		sameHeader(t, []byte(s))
	}
	root := mailtest.SharedDir(t)
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".mbox" {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r := NewMboxReader(f, path, nil)
		for {
			raw, err := r.Next(context.Background())
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if raw.Err != nil {
				continue
			}
			n++
			t.Run(raw.Position, func(t *testing.T) {
				sameAsFull(t, stripFromLine(raw.Bytes))
				sameHeader(t, raw.Bytes)
				sameSkipped(t, raw.Bytes)
			})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d fixture messages compared", n)
	}
}

var leanSeeds = []string{
	"Subject: =?utf-8?q?caf=C3=A9?=\nMessage-ID: <a@b>\nContent-Type: text/plain; charset=koi8-r\n\nbody\n",
	"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/x-patch\nContent-Transfer-Encoding: base64\n\nZGlm\n--B--\n",
	"From: \"x\" <\nReferences: <<<>>\nDate: 99 Foo 99999\n\n",
	"Content-Type: multipart/alternative; boundary=\"\"\n\n--\n",
	" folded first\nSubject: x\n\nbody",
	"Subject: x\nnot a field\n\nbody",
	"Subject: x\r\nTo: a@b,\r\n  c@d\r\n\r\nbody\r\nmore\r\n",
	"Subject: x\r\r\nTo: a@b\n\nbody",
	"SUBJECT :  spaced key \nmessage-id:<m@x>\nmessage-id: <second@x>\n\nb",
	"Subject: only header",
	"Subject: cr at end\r",
	": empty key\nSubject: x\n\n",
	"Subj\x01ect: bad key\n\n",
	"Subject: x\nContent-Transfer-Encoding: QUOTED-PRINTABLE\n\ncaf=C3=A9=\n tail\n",
	"Subject: x\nContent-Type: text/plain; charset=US-ASCII\nContent-Transfer-Encoding: 8BIT\n\nbody",
	"Subject: x\nContent-Type: text/plain; charset=u\u017f-ascii\n\nbody\n",
	"Subject: x\nContent-Type: text/plain; format=flowed; delsp=yes\n\nbody \nmore\n",
	"Subject: x\nContent-Type: application/octet-stream; name=fix.patch\n\ndiff\n",
	"Subject: x\nContent-Type: text/html\n\n<p>x</p>\n",
	"Subject: x\nContent-Type: text/plain; charset=\n\nbody\n",
	"Subject: x\n\nnul\x00byte and \xff latin\r\n",
	"Date: Mon, 2 Jan 2006 15:04:05 -0700 (MST)\nSubject: d\n\n",
	"Date: Mon, 02 Jan 2006 15:04:05 +0000\n\n",
	"Date: 2 Jan 2006 15:04:05 -0700\n\n",
	"Date: Mon, 2 Jan 2006 15:04:05 GMT\n\n",
	"Date: Mon, 2 Jan 2006 15:04:05 -0700 (a (nested) comment)\n\n",
	"Date: Mon, 2 Jan 1900 15:04:05 -0700\n\n",
	"X-Original-From: Real <real@x>\nFrom: Real via List <list@x>\nReply-To: r@x\nCc: c@x\nList-Id: <pwm.vger>\n\n",
	"Subject: x\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9 =\nsoft\r\nbad=ZZ\n=",
	"Subject: x\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 8bit\n\ncaf\xe9\x80\r\n",
	"Subject: x\nContent-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: Quoted-Printable\n\n=80=81=9D\n=\n",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nZGlmZiAt\r\nLWdpdA==\r\n",
	"Subject: x\nContent-Transfer-Encoding: base64\n\nQQ==QQ==\n",
	"Subject: x\nContent-Transfer-Encoding: base64\n\nZG lm\tZg=\n",
	"Subject: x\nContent-Type: text/plain; charset\nContent-Transfer-Encoding: quoted-printable\n\na=3Db\n",
	"Subject: x\nContent-Type: text/x-patch; charset=iso-8859-15\nContent-Transfer-Encoding: quoted-printable\n\n=A4\x00\n",
	"Subject: x\nContent-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("q", 4100) + "\n",
	"Subject: s\nContent-Type: multipart/signed; boundary=B; protocol=x\n\n--B\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nVersion=20=E9=\n2\n--B\nContent-Type: application/pgp-signature\n\nsig\n--B--\n",
	"Subject: s\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Transfer-Encoding: quoted-printable\n\nunterminated=4\n--B\nContent-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: quoted-printable\n\n=C1\n--B\nContent-Transfer-Encoding: x-uue\n\nbegin\n--B\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("w", 4096) + "\n--B\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nno end=",
	"Subject: s\nContent-Type: multipart/mixed; boundary\n\n--\nx\n",
	"Subject: s\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: multipart/alternative; boundary=C\n\n--C\nContent-Transfer-Encoding: base64\n\nZGlm\n--C--\n--B\nContent-Type: text/plain; format=flowed; delsp=yes\n\nflowed \n--B--\n",
}

// FuzzLean checks that the lean header and body path decodes every input
// exactly as go-message's full reader does.
func FuzzLean(f *testing.F) {
	for _, s := range leanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		defer func() {
			// Panics in third-party decoders are Parse's business
			// (it recovers); both paths must then agree anyway.
			if r := recover(); r != nil {
				full := &Message{}
				func() {
					defer func() { _ = recover() }()
					_ = full.readFull(in, true, ParseOptions{})
					t.Fatalf("lean path panicked (%v), full path did not", r)
				}()
			}
		}()
		sameAsFull(t, in)
		sameHeader(t, in)
		sameSkipped(t, in)
	})
}

// FuzzCommonDate checks that the common-layout shortcut agrees with
// net/mail.ParseDate whenever it answers.
func FuzzCommonDate(f *testing.F) {
	for _, s := range []string{
		"Mon, 2 Jan 2006 15:04:05 -0700", "Tue, 21 Mar 2023 09:01:02 +0100 (CET)",
		"Mon, 2 Jan 2006 15:04:05 -0700 (a (b) c)", "Mon, 2 Jan 2006 1:04:05 +0000 x",
		"Wed, 1 Feb 2023 12:00:00 GMT", "Mon, 2 Jan 2006 15:04:05 -07000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = unfold(s)
		got, ok := parseCommonDate(s)
		if !ok {
			return
		}
		want, err := netmail.ParseDate(s)
		if err != nil {
			t.Fatalf("%q: shortcut gave %v, ParseDate failed: %v", s, got, err)
		}
		if !got.Equal(want) || got.Format(time.RFC3339Nano+" MST") != want.Format(time.RFC3339Nano+" MST") {
			t.Fatalf("%q: shortcut %v, ParseDate %v", s, got, want)
		}
	})
}

// FuzzFastAddressList checks the address-list shortcut against
// go-message's parser (net/mail with RFC 2047 decoding).
func FuzzFastAddressList(f *testing.F) {
	for _, s := range []string{
		"a@b.c", "Name <a@b.c>, x@y", `"Doe, Jane" <jane@x.org>`, "J. R. Doe <j@x>", "<a@b>",
		"Uwe Kleine-König <u@p.de>", "=?utf-8?q?x?= <a@b>", "a@b (c)", "g: a@b;", "a..b@c", "a@b <c@d>",
		`Foo"Bar" <a@b>`, ", , a@b ,", `"" <a@b>`, "a@[1.2.3.4]", "< a@b>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fastAddressList(s)
		if !ok {
			return
		}
		list, err := gomail.ParseAddressList(s)
		if err != nil {
			t.Fatalf("%q: shortcut gave %v, full parser failed: %v", s, got, err)
		}
		want := make([]Address, 0, len(list))
		for _, a := range list {
			want = append(want, Address{Name: a.Name, Email: a.Address})
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: shortcut %#v, full parser %#v", s, got, want)
		}
	})
}

// FuzzFastAddress checks the single-address shortcut against
// net/mail.ParseAddress.
func FuzzFastAddress(f *testing.F) {
	for _, s := range []string{
		"a@b.c", "Name <a@b.c>", `"Doe, Jane" <jane@x.org>`, "J. R. Doe <j@x>", "<a@b>", " a@b ",
		"Uwe Kleine-König <u@p.de>", "=?utf-8?q?x?= <a@b>", "a@b (c)", "a@b c@d", `"" <a@b>`, "a@b <c@d>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fastAddress(s)
		if !ok {
			return
		}
		want, err := netmail.ParseAddress(s)
		if err != nil {
			t.Fatalf("%q: shortcut gave %v, ParseAddress failed: %v", s, got, err)
		}
		if got != (Address{Name: want.Name, Email: want.Address}) {
			t.Fatalf("%q: shortcut %#v, ParseAddress %#v", s, got, want)
		}
	})
}
