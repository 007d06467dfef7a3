package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"ferrule/mail"
)

func outgoing() *mail.Outgoing {
	return &mail.Outgoing{
		From:       mail.Address{Name: "Rév Iewer", Email: "rev@example.net"},
		To:         []mail.Address{{Name: "Ada Example", Email: "ada@example.org"}},
		Cc:         []mail.Address{{Email: "linux-pwm@vger.kernel.org"}, {Name: "Zoë, list", Email: "z@example.com"}},
		Subject:    "Re: [PATCH 2/2] pwm: démo: add Rust driver",
		Date:       time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC),
		MessageID:  "draft-1@example.net",
		InReplyTo:  "p2@example.org",
		References: []string{"p0@example.org", "p2@example.org"},
		Extra:      [][2]string{{"X-Ferrule", "yes"}, {"To", "evil@example.com"}, {"Content-Type", "text/html"}},
		Text:       "Hi Ada,\n\n> +From the start\nFrom here.\nnaïve\n",
	}
}

// Compose's output parses back with both net/mail and go-message, with
// the threading and recipients set in Go and a template's attempt to
// override them ignored.
func TestComposeParsesBack(t *testing.T) {
	msg, err := mail.Compose(outgoing())
	if err != nil {
		t.Fatal(err)
	}
	m, err := netmail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		t.Fatalf("net/mail: %v\n%s", err, msg)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	for name, want := range map[string]string{
		"Message-Id": "<draft-1@example.net>", "In-Reply-To": "<p2@example.org>",
		"References": "<p0@example.org> <p2@example.org>", "X-Ferrule": "yes", "Mime-Version": "1.0",
	} {
		if got := strings.Join(strings.Fields(m.Header.Get(name)), " "); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if subject != "Re: [PATCH 2/2] pwm: démo: add Rust driver" {
		t.Errorf("subject = %q", subject)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "ada@example.org" {
		t.Errorf("To = %v, %v (a template must not change recipients)", to, err)
	}
	cc, err := m.Header.AddressList("Cc")
	if err != nil || len(cc) != 2 || cc[1].Name != "Zoë, list" {
		t.Errorf("Cc = %v, %v", cc, err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || from[0].Name != "Rév Iewer" {
		t.Errorf("From = %v, %v", from, err)
	}
	body, _ := io.ReadAll(m.Body)
	if !strings.Contains(string(body), "naïve\r\n") || !strings.HasPrefix(m.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("body or type wrong: %q %q", m.Header.Get("Content-Type"), body)
	}

	r, err := gomail.CreateReader(bytes.NewReader(msg))
	if err != nil {
		t.Fatalf("go-message: %v", err)
	}
	if s, _ := r.Header.Subject(); s != subject {
		t.Errorf("go-message subject %q", s)
	}
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(p.Body)
	if string(b) != "Hi Ada,\r\n\r\n> +From the start\r\nFrom here.\r\nnaïve\r\n" {
		t.Errorf("go-message body %q", b)
	}
}

// Mail-derived IDs and subjects cannot inject headers.
func TestComposeHeaderInjection(t *testing.T) {
	o := outgoing()
	o.Subject = "x\r\nBcc: victim@example.com"
	o.InReplyTo = "a@b>\r\nBcc: victim@example.com\r\nX: <c"
	o.References = []string{"r@b\nBcc: victim@example.com"}
	msg, err := mail.Compose(o)
	if err != nil {
		t.Fatal(err)
	}
	m, err := netmail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Bcc") != "" || bytes.Contains(msg, []byte("\nBcc:")) {
		t.Errorf("header injected:\n%s", msg)
	}
}

// A digest is multipart/alternative, text before HTML, both UTF-8.
func TestComposeAlternative(t *testing.T) {
	o := outgoing()
	o.HTML = "<p>" + strings.Repeat("x", 1200) + "</p>"
	msg, err := mail.Compose(o)
	if err != nil {
		t.Fatal(err)
	}
	r, err := gomail.CreateReader(bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		h := p.Header.(*gomail.InlineHeader)
		ct, _, _ := h.ContentType()
		types = append(types, ct)
		b, _ := io.ReadAll(p.Body)
		if ct == "text/html" && string(b) != o.HTML+"\r\n" {
			t.Errorf("html part %d bytes, want %d", len(b), len(o.HTML)+2)
		}
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Errorf("parts %v", types)
	}
	for _, line := range strings.Split(string(msg), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line of %d octets", len(line))
		}
	}
}

func TestDraftFiles(t *testing.T) {
	msg, err := mail.Compose(outgoing())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	when := time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)

	eml := filepath.Join(dir, "draft.eml")
	if err := os.WriteFile(eml, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := mail.WriteFile(eml, msg); err != nil {
		t.Fatal(err)
	}
	assertPrivate(t, eml)
	if b, _ := os.ReadFile(eml); !bytes.Equal(b, msg) {
		t.Error(".eml differs from the message")
	}

	mbox := filepath.Join(dir, "drafts.mbox")
	for range 2 {
		if err := mail.AppendMbox(mbox, msg, "rev@example.net", when); err != nil {
			t.Fatal(err)
		}
	}
	assertPrivate(t, mbox)
	src, err := mail.Open([]string{mbox}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	n := 0
	for {
		raw, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, "\n> +From the start\nFrom here.\n") || m.MessageID != "draft-1@example.net" {
			t.Errorf("message %d read back wrong: %q", n, m.Text)
		}
		n++
	}
	if n != 2 {
		t.Errorf("read %d messages back from the mbox, want 2", n)
	}

	md := filepath.Join(dir, "Drafts")
	path, err := mail.DeliverMaildir(md, msg, when)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(path) != filepath.Join(md, "new") {
		t.Errorf("delivered to %s, want new/", path)
	}
	assertPrivate(t, path)
	if left, _ := os.ReadDir(filepath.Join(md, "tmp")); len(left) != 0 {
		t.Errorf("tmp/ not empty: %v", left)
	}
	if fi, _ := os.Stat(md); fi.Mode().Perm() != 0o700 {
		t.Errorf("maildir mode %o", fi.Mode().Perm())
	}
}

func assertPrivate(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %o, want 600", path, fi.Mode().Perm())
	}
}
