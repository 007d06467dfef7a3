package mail

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ferrule/mail/mailtest"
)

func parse(t *testing.T, s string) *Message {
	t.Helper()
	m, err := Parse(&Raw{Position: "t:1", Bytes: []byte(s)})
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	return m
}

func TestParseHeaders(t *testing.T) {
	m := parse(t, "From: =?UTF-8?q?Rafa=C5=82_Mi=C5=82ecki?= <rafal@example.com>\n"+
		"To: list@example.com, \"Doe, Jane\" <jane@example.com>\n"+
		"Subject: [PATCH v2 1/2] a long subject\n that is folded\n"+
		"Message-ID: <1@example.com> (a comment)\n"+
		"In-Reply-To: <0@example.com>\n"+
		"References: <a@example.com>\n <0@example.com> <0@example.com>\n"+
		"Date: Sun, 11 Sep 2016 23:22:02 +0100\n"+
		"\nbody\n")
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("From", m.From, Address{Name: "Rafał Miłecki", Email: "rafal@example.com"})
	check("To", m.To, []Address{{Email: "list@example.com"}, {Name: "Doe, Jane", Email: "jane@example.com"}})
	check("Subject", m.Subject, "[PATCH v2 1/2] a long subject that is folded")
	check("MessageID", m.MessageID, "1@example.com")
	check("InReplyTo", m.InReplyTo, []string{"0@example.com"})
	check("References", m.References, []string{"a@example.com", "0@example.com"})
	check("Date", m.Date.UTC(), time.Date(2016, 9, 11, 22, 22, 2, 0, time.UTC))
	check("Text", m.Text, "body\n")
}

func TestParseBodies(t *testing.T) {
	check := func(name, msg, want string) {
		t.Helper()
		if got := parse(t, msg).Text; got != want {
			t.Errorf("%s: Text = %q, want %q", name, got, want)
		}
	}
	check("quoted-printable",
		"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"+
			"caf=C3=A9 and a soft=\n break\n", "café and a soft break\n")
	check("base64",
		"Subject: x\nContent-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQK\n", "hello world\n")
	check("iso-8859-1",
		"Subject: x\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\nna\xefve\n", "naïve\n")
	check("koi8-r",
		"Subject: x\nContent-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n", "Привет\n")
	check("unlabelled 8-bit falls back to windows-1252",
		"Subject: x\n\n\x93quoted\x94\n", "\u201cquoted\u201d\n")
	check("CRLF",
		"Subject: x\r\nMessage-ID: <c@d>\r\n\r\nline one\r\nline two\r\n", "line one\nline two\n")
	check("multipart with a patch attachment, HTML skipped",
		"Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=BB\n\n"+
			"--BB\nContent-Type: multipart/alternative; boundary=AA\n\n"+
			"--AA\nContent-Type: text/plain\n\nsee attached\n--AA\nContent-Type: text/html\n\n<div>see attached</div>\n--AA--\n"+
			"--BB\nContent-Type: text/x-patch; name=\"0001-fix.patch\"\nContent-Disposition: attachment\nContent-Transfer-Encoding: base64\n\n"+
			"ZGlmZiAtLWdpdCBhL3ggYi94Cg==\n--BB\nContent-Type: application/pgp-signature\n\nsig\n--BB--\n",
		"see attached\ndiff --git a/x b/x\n")
	check("text/x-diff",
		"Subject: x\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhi\n--B\nContent-Type: text/x-diff\n\n--- a/x\n+++ b/x\n--B--\n",
		"hi\n--- a/x\n+++ b/x\n")
}

func TestParseDamaged(t *testing.T) {
	m := parse(t, "Subject: x\nContent-Type: text/plain; charset=no-such-charset\n\nbody\n")
	if m.Text != "body\n" || len(m.Warnings) == 0 {
		t.Errorf("unknown charset: Text %q, warnings %q; want body and a warning", m.Text, m.Warnings)
	}
	m = parse(t, "Subject: x\nthis is not a header\nMessage-ID: <ok@x>\n\nbody\n")
	if m.MessageID != "ok@x" || len(m.Warnings) == 0 {
		t.Errorf("bad header line: MessageID %q, warnings %q", m.MessageID, m.Warnings)
	}
	m = parse(t, "Subject: x\nDate: Wed, 4 Jun 207777777777777777777714 17:50:46 0\n\nb\n")
	if !m.Date.IsZero() || len(m.Warnings) == 0 {
		t.Errorf("bad date: Date %v, warnings %q", m.Date, m.Warnings)
	}
	// A bad header line and no blank line after the header: no body, no
	// panic (the header's end was taken one byte past the message).
	if b, n := repairHeader([]byte("Subject: x\nnot a header")); string(b) != "Subject: x\n\n" || n != 1 {
		t.Errorf("repairHeader without a blank line = %q, %d", b, n)
	}
}

func TestSyntheticMessageID(t *testing.T) {
	raw := "Subject: no id\n\nbody\n"
	a, b := parse(t, raw), parse(t, raw)
	other := parse(t, raw+"more\n")
	if !a.SyntheticID || a.MessageID != b.MessageID || a.MessageID == other.MessageID {
		t.Errorf("synthetic ids %q %q %q: want stable per content, distinct otherwise", a.MessageID, b.MessageID, other.MessageID)
	}
	if !strings.HasSuffix(a.MessageID, "@ferrule.invalid") {
		t.Errorf("synthetic id %q should use the .invalid domain", a.MessageID)
	}
}

// TestPatchworkMail decodes every single-message fixture of Patchwork and
// checks what its tests assert about them.
func TestPatchworkMail(t *testing.T) {
	dir := mailtest.SharedDir(t, "patchwork", "mail")
	files, _ := filepath.Glob(filepath.Join(dir, "*.mbox"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	got := map[string]*Message{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(&Raw{Position: f, Bytes: b})
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		got[filepath.Base(f)[:4]] = m
	}
	has := func(id, what string) {
		t.Helper()
		if m := got[id]; m == nil || !strings.Contains(m.Text, what) {
			t.Errorf("%s: text lacks %q", id, what)
		}
	}
	has("0007", "Index: ")                      // CVS diff in a text/plain attachment
	has("0010", "diff --git")                   // charset="none", QUOTED-PRINTABLE
	has("0013", "Rafał Miłecki")                // 8-bit UTF-8 body
	has("0019", "diff --git")                   // multipart/alternative patch
	has("0011", "\\ No newline at end of file") // marker kept
	for _, id := range []string{"0019", "0020"} {
		if m := got[id]; m != nil && strings.Contains(m.Text, "<div") {
			t.Errorf("%s: HTML part leaked into the text", id)
		}
	}
	if m := got["0013"]; m != nil && m.From.Name != "Rafał Miłecki" {
		t.Errorf("0013: From name %q", m.From.Name)
	}
	if m := got["0014"]; m != nil && !strings.Contains(m.Subject, "ł") && !strings.ContainsAny(m.From.Name, "ąęłńóśźż") {
		t.Errorf("0014: raw UTF-8 headers lost: subject %q from %q", m.Subject, m.From.Name)
	}
	if m := got["0016"]; m != nil && m.Subject != "" {
		t.Errorf("0016: Subject = %q, want empty", m.Subject)
	}
	for _, id := range []string{"0008", "0009", "0011", "0017", "0021", "0025", "0026", "0027"} {
		if m := got[id]; m != nil && !m.SyntheticID {
			t.Errorf("%s: has no Message-ID header but got %q without SyntheticID", id, m.MessageID)
		}
	}
}
