package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

// Outgoing is a message ferrule writes: a reply draft or a digest. Its
// headers are set here, in Go, never by a template: threading and
// recipients come from the message answered.
type Outgoing struct {
	From       Address
	To, Cc     []Address
	Subject    string
	Date       time.Time
	MessageID  string // without <>; Compose makes one when empty
	InReplyTo  string
	References []string
	// Extra are further headers (a template's own, like X-Mailer);
	// threading, address and MIME headers among them are ignored.
	Extra [][2]string
	Text  string
	// HTML, when set, makes the message multipart/alternative with Text
	// first, as RFC 2046 §5.1.4 orders the parts.
	HTML string
}

// reserved headers are composed from the Outgoing fields only.
var reserved = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Subject": true, "Date": true, "Message-Id": true,
	"In-Reply-To": true, "References": true, "Mime-Version": true, "Content-Type": true,
	"Content-Transfer-Encoding": true, "Sender": true, "Reply-To": true,
}

// NewMessageID returns a unique Message-ID (without <>) in domain.
func NewMessageID(domain string, now time.Time) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	if domain == "" {
		domain = "ferrule.invalid"
	}
	return fmt.Sprintf("%s.%s@%s", now.UTC().Format("20060102150405"), hex.EncodeToString(b[:]), domain)
}

// Domain returns the part of an address after the @.
func (a Address) Domain() string {
	if i := strings.LastIndexByte(a.Email, '@'); i >= 0 {
		return a.Email[i+1:]
	}
	return ""
}

// Compose renders o as an RFC 5322 message with CRLF line endings.
// Non-ASCII header text is RFC 2047 encoded; body parts are UTF-8, sent
// as 8bit unless a line is too long for SMTP (998 octets), then as
// quoted-printable.
func Compose(o *Outgoing) ([]byte, error) {
	if o.MessageID == "" {
		o.MessageID = NewMessageID(o.From.Domain(), o.Date)
	}
	if o.Date.IsZero() {
		o.Date = time.Now()
	}
	var buf bytes.Buffer
	if o.HTML == "" {
		h := o.header("text/plain", map[string]string{"charset": "utf-8"}, transferEncoding(o.Text))
		w, err := message.CreateWriter(&buf, h.Header)
		if err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
		if err := writeClose(w, o.Text); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	h := o.header("multipart/alternative", nil, "")
	w, err := message.CreateWriter(&buf, h.Header)
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	for _, part := range []struct{ typ, body string }{{"text/plain", o.Text}, {"text/html", o.HTML}} {
		var ph message.Header
		ph.SetContentType(part.typ, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", transferEncoding(part.body))
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
		if err := writeClose(pw, part.body); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	return buf.Bytes(), nil
}

// header builds the message header. go-message prepends each field, so
// fields are added last to first; they read Date, From, To, Cc, Subject,
// Message-ID, In-Reply-To, References, the template's own, MIME-Version,
// Content-Type.
func (o *Outgoing) header(contentType string, params map[string]string, cte string) gomail.Header {
	var h gomail.Header
	if cte != "" {
		h.Set("Content-Transfer-Encoding", cte)
	}
	h.SetContentType(contentType, params)
	h.Set("MIME-Version", "1.0")
	for i := len(o.Extra) - 1; i >= 0; i-- {
		kv := o.Extra[i]
		if !reserved[textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(kv[0]))] {
			h.Add(strings.TrimSpace(kv[0]), mime.QEncoding.Encode("utf-8", kv[1]))
		}
	}
	if len(o.References) > 0 {
		refs := make([]string, len(o.References))
		for i, r := range o.References {
			refs[i] = oneLine(r)
		}
		h.SetMsgIDList("References", refs)
	}
	if o.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{oneLine(o.InReplyTo)})
	}
	h.SetMessageID(oneLine(o.MessageID))
	h.SetSubject(o.Subject)
	if len(o.Cc) > 0 {
		h.SetAddressList("Cc", addressList(o.Cc))
	}
	if len(o.To) > 0 {
		h.SetAddressList("To", addressList(o.To))
	}
	if o.From.Email != "" {
		h.SetAddressList("From", addressList([]Address{o.From}))
	}
	h.SetDate(o.Date)
	return h
}

// oneLine drops line breaks and other controls from a message ID taken
// from a hostile message, so it cannot start a header of its own.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func writeClose(w interface {
	Write([]byte) (int, error)
	Close() error
}, text string) error {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if _, err := w.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n"))); err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	return nil
}

// transferEncoding is 8bit (7bit for ASCII) unless a line exceeds SMTP's
// 998-octet limit.
func transferEncoding(text string) string {
	ascii := true
	for _, line := range strings.Split(text, "\n") {
		if len(line) > 998 {
			return "quoted-printable"
		}
		for i := 0; i < len(line) && ascii; i++ {
			if line[i] >= 0x80 {
				ascii = false
			}
		}
	}
	if ascii {
		return "7bit"
	}
	return "8bit"
}

func addressList(as []Address) []*gomail.Address {
	out := make([]*gomail.Address, 0, len(as))
	for _, a := range as {
		out = append(out, &gomail.Address{Name: a.Name, Address: a.Email})
	}
	return out
}
