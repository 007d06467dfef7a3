package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode charsets beyond UTF-8 and ASCII
	gomail "github.com/emersion/go-message/mail"
)

// Address is a decoded mailbox: display name (may be empty) and address.
type Address struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// DisplayName is how a greeting names a: the name, else the address.
func (a Address) DisplayName() string {
	if a.Name != "" {
		return a.Name
	}
	return a.Email
}

// String formats a as "Name <email>" (or the bare address).
func (a Address) String() string {
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

// Message is a decoded message: the header fields review needs and the text
// a reviewer reads. Raw keeps the original bytes.
type Message struct {
	Position string
	Raw      []byte

	// MessageID is the Message-ID without angle brackets. When the header
	// is missing or empty, it is synthesised from a hash of Raw and
	// SyntheticID is set.
	MessageID   string
	SyntheticID bool
	// InReplyTo and References hold message IDs without angle brackets,
	// in header order (References: oldest first).
	InReplyTo  []string
	References []string

	From         Address
	ReplyTo      []Address
	OriginalFrom Address   // X-Original-From, set by B4 Relay and Google Groups
	To, Cc       []Address // nil under ParseOptions.SkipRecipients
	Subject      string    // RFC 2047 decoded, unfolded
	Date         time.Time
	ListID       string

	// Header holds the message's top-level header fields that Parse
	// reads (Message-ID, References, From, To, Subject, Date, Content-*,
	// …), undecoded; for a header only go-message could make sense of, it
	// holds every field.
	Header message.Header
	// Text is the decoded text: every text/plain part and every patch
	// attachment (text/x-patch, text/x-diff, …), in order, as UTF-8. For
	// single-part text sent as it is, Text shares memory with Raw, which
	// must therefore not be modified.
	Text string
	// Warnings lists problems that did not prevent decoding.
	Warnings []string
}

// Parse decodes raw. Position is copied into the result and prefixed to
// errors. Parse returns an error only when not even the header could be
// read; smaller problems end up in Message.Warnings.
func Parse(raw *Raw) (msg *Message, err error) { return decodeRaw(raw, true, ParseOptions{}) }

// ParseOptions tune Parse for callers that need less than the whole
// message.
type ParseOptions struct {
	// SkipRecipients leaves Message.To and Message.Cc nil, saving the
	// decoding of long recipient lists; Message.Recipients decodes them
	// later from Message.Header. The warnings stay those of Parse.
	SkipRecipients bool
}

// ParseWith is Parse tuned by o.
func ParseWith(raw *Raw, o ParseOptions) (*Message, error) { return decodeRaw(raw, true, o) }

// ParseHeader decodes only the header of raw: the same fields as Parse
// (Message-ID, threading, addresses, Subject, Date, Header), with the same
// synthetic Message-ID when it is missing and the same errors for a header
// that cannot be read, but Text stays empty and the body is never read:
// memory and time do not grow with the body. It fails where Parse fails
// except in one case: a body whose decoding panics (a bug in a decoder,
// which Parse reports as an error) is not seen.
func ParseHeader(raw *Raw) (*Message, error) { return decodeRaw(raw, false, ParseOptions{}) }

func decodeRaw(raw *Raw, withBody bool, o ParseOptions) (msg *Message, err error) {
	defer func() {
		// go-message and the charset decoders are third-party code fed
		// hostile input: a panic there must not take down a whole run.
		if r := recover(); r != nil {
			msg, err = nil, fmt.Errorf("%s: decode: internal error: %v", raw.Position, r)
		}
	}()
	if raw.Err != nil {
		return nil, raw.Err
	}
	b := stripFromLine(raw.Bytes)
	m := &Message{Position: raw.Position, Raw: raw.Bytes}
	if err := m.read(b, withBody, o); err != nil {
		return nil, fmt.Errorf("%s: %w", raw.Position, err)
	}
	if m.MessageID == "" {
		sum := sha256.Sum256(raw.Bytes)
		m.MessageID = "synthetic-" + hex.EncodeToString(sum[:12]) + "@ferrule.invalid"
		m.SyntheticID = true
	}
	return m, nil
}

func stripFromLine(b []byte) []byte {
	if bytes.HasPrefix(b, []byte("From ")) {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return b[i+1:]
		}
		return nil
	}
	return b
}

// read decodes the header and text of b (the message without its From_
// line). The lean path reads only the header fields Parse uses, takes
// single-part 7bit/8bit text without copying it and decodes the bodies
// codecFor covers itself; a header go-message would reject or repair goes
// to readFull, other single-part bodies to go-message from the body on,
// with the same results. Multipart bodies are split by collect on either
// path. Without withBody only the header is read.
func (m *Message) read(b []byte, withBody bool, o ParseOptions) error {
	h, body, lean := scanHeader(b)
	if !lean {
		return m.readFull(b, withBody, o)
	}
	if !withBody {
		m.Header = h
		m.decodeHeader(h, o)
		return nil
	}
	mt, mp, ctErr := h.ContentType()
	c, fast := codecFor(mt, mp, h.Get("Content-Transfer-Encoding"))
	var ent *message.Entity
	if !fast && !strings.HasPrefix(mt, "multipart/") {
		var err error
		if ent, err = message.New(h, bytes.NewReader(body)); err != nil {
			// Only unknown charsets and encodings: the entity is still
			// readable.
			m.warnf("%v", err)
		}
	}
	m.Header = h
	m.decodeHeader(h, o)
	switch {
	case ent != nil:
		m.Text = m.collect(h, mt, mp, ctErr, ent.Body, 0)
	case !fast: // multipart, which message.New leaves as it is
		m.Text = m.collect(h, mt, mp, ctErr, bytes.NewReader(body), 0)
	default:
		m.Text = m.singleText(h, mt, mp, ctErr, c, body)
	}
	return nil
}

// singleText decodes the text of a single-part message whose body codecFor
// covers, as collect would decode what message.New makes of it: in one
// pass, and without copying text that is sent as it is.
func (m *Message) singleText(h message.Header, mediaType string, params map[string]string, ctErr error, c bodyCodec, body []byte) string {
	if !readable(h, mediaType, ctErr) {
		return ""
	}
	out, owned, ok, err := c.decodeBytes(body)
	if !ok {
		e, _ := message.New(h, bytes.NewReader(body)) // c covers it: no error
		return m.readText(e.Body, params)
	}
	if err != nil {
		m.warnf("body: %v", err)
	}
	if !owned {
		return partText(bytesView(out), params, m)
	}
	return ownText(out, params, m)
}

// readFull decodes b's header with go-message's reader, every header
// field included, and its body (only withBody) through collect, as the
// lean path does its multipart bodies.
func (m *Message) readFull(b []byte, withBody bool, o ParseOptions) error {
	if !withBody {
		// A repaired header would otherwise be copied with the body.
		b = headerBlock(b)
	}
	ent, err := readEntity(b, m)
	if err != nil {
		return err
	}
	m.Header = ent.Header
	m.decodeHeader(ent.Header, o)
	if withBody {
		m.Text = collectText(ent, m, 0)
	}
	return nil
}

// headerBlock returns b up to and including the blank line that ends its
// header (all of b when there is none).
func headerBlock(b []byte) []byte {
	switch end := headerEnd(b); {
	case end < 0: // the blank line comes first
		return b[:bytes.IndexByte(b, '\n')+1]
	case end == len(b):
		return b
	case b[end+1] == '\n':
		return b[:end+2]
	default: // "\r\n"
		return b[:end+3]
	}
}

// headerEnd returns the index of the newline that ends b's last header
// line, found as go-message finds the blank line after it ("\n\n" or
// "\n\r\n"); -1 when b starts with the blank line, len(b) when there is
// none.
func headerEnd(b []byte) int {
	if bytes.HasPrefix(b, []byte("\n")) || bytes.HasPrefix(b, []byte("\r\n")) {
		return -1
	}
	end := bytes.Index(b, []byte("\n\n"))
	if i := bytes.Index(b, []byte("\n\r\n")); i >= 0 && (end < 0 || i < end) {
		end = i
	}
	if end < 0 {
		return len(b)
	}
	return end
}

// readEntity reads the MIME structure. A header go-message rejects is
// repaired once by dropping the lines that are not header fields.
func readEntity(b []byte, m *Message) (*message.Entity, error) {
	ent, err := message.Read(bytes.NewReader(b))
	if err == nil || (ent != nil && (message.IsUnknownCharset(err) || message.IsUnknownEncoding(err))) {
		if err != nil {
			m.warnf("%v", err)
		}
		return ent, nil
	}
	fixed, dropped := repairHeader(b)
	if dropped == 0 {
		return nil, fmt.Errorf("read header: %w", err)
	}
	ent, err2 := message.Read(bytes.NewReader(fixed))
	if err2 != nil && (ent == nil || !(message.IsUnknownCharset(err2) || message.IsUnknownEncoding(err2))) {
		return nil, fmt.Errorf("read header: %w", err)
	}
	m.warnf("dropped %d malformed header line(s): %v", dropped, err)
	return ent, nil
}

// repairHeader drops header lines that are neither "Key: value" fields nor
// continuation lines.
func repairHeader(b []byte) ([]byte, int) {
	end := headerEnd(b) // where headerBlock and go-message end the header
	var out bytes.Buffer
	dropped := 0
	for _, line := range bytes.SplitAfter(b[:min(end+1, len(b))], []byte("\n")) {
		t := bytes.TrimRight(line, "\r\n")
		if len(t) == 0 {
			continue
		}
		if t[0] == ' ' || t[0] == '\t' || validFieldLine(t) {
			out.Write(line)
			continue
		}
		dropped++
	}
	out.WriteString("\n")
	if end+1 < len(b) {
		out.Write(b[end+1:])
	}
	return out.Bytes(), dropped
}

func validFieldLine(t []byte) bool {
	i := bytes.IndexByte(t, ':')
	if i <= 0 {
		return false
	}
	for _, c := range t[:i] {
		if c <= ' ' || c >= 127 {
			return false
		}
	}
	return true
}

func (m *Message) warnf(format string, args ...any) {
	if len(m.Warnings) < 32 {
		m.Warnings = append(m.Warnings, fmt.Sprintf(format, args...))
	}
}

func (m *Message) decodeHeader(h message.Header, o ParseOptions) {
	mh := gomail.Header{Header: h}
	m.MessageID = firstMsgID(h.Get("Message-Id"))
	m.InReplyTo = msgIDs(h.Values("In-Reply-To"))
	m.References = msgIDs(h.Values("References"))
	m.Subject = m.text(h, "Subject")
	m.From = m.firstAddress(mh, "From")
	m.ReplyTo = m.addresses(mh, "Reply-To")
	if o.SkipRecipients {
		m.skipAddresses(mh, "To")
		m.skipAddresses(mh, "Cc")
	} else {
		m.To = m.addresses(mh, "To")
		m.Cc = m.addresses(mh, "Cc")
	}
	if h.Has("X-Original-From") {
		m.OriginalFrom = m.firstAddress(mh, "X-Original-From")
	}
	m.ListID = firstMsgID(h.Get("List-Id"))
	if d := h.Get("Date"); d != "" {
		t, err := parseDate(d)
		if err != nil {
			m.warnf("date: %v", err)
		} else {
			m.Date = t
		}
	}
}

// text decodes an unstructured header field, falling back to the raw value
// (made valid UTF-8) when an encoded word cannot be decoded.
func (m *Message) text(h message.Header, key string) string {
	v, err := h.Text(key)
	if err != nil {
		m.warnf("%s: %v", strings.ToLower(key), err)
		v = h.Get(key)
	}
	return unfold(toUTF8(v))
}

func (m *Message) addresses(h gomail.Header, key string) []Address {
	if !h.Has(key) {
		return nil
	}
	if v := h.Get(key); v != "" {
		if out, ok := fastAddressList(v); ok {
			for i := range out {
				out[i].Name = toUTF8(out[i].Name)
			}
			return out
		}
	}
	list, err := h.AddressList(key)
	if err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: toUTF8(a.Name), Email: a.Address})
		}
		return out
	}
	// Lenient fallback: split on commas outside quotes and angle brackets.
	var out []Address
	for _, part := range splitAddressList(m.text(h.Header, key)) {
		if a, ok := parseAddressLoose(part); ok {
			out = append(out, a)
		}
	}
	return out
}

func (m *Message) firstAddress(h gomail.Header, key string) Address {
	if list := m.addresses(h, key); len(list) > 0 {
		return list[0]
	}
	return Address{}
}

// ParseAddress parses one "Name <email>", "email (Name)" or bare address
// leniently; it is used for in-body From: lines and trailers.
func ParseAddress(s string) (Address, bool) { return parseAddressLoose(s) }

func parseAddressLoose(s string) (Address, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Address{}, false
	}
	if a, ok := fastAddress(s); ok {
		return a, true
	}
	if a, err := netmail.ParseAddress(s); err == nil {
		return Address{Name: a.Name, Email: a.Address}, true
	}
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		j := strings.IndexByte(s[i:], '>')
		email := s[i+1:]
		if j > 0 {
			email = s[i+1 : i+j]
		}
		name := strings.Trim(strings.TrimSpace(s[:i]), `"'`)
		return Address{Name: name, Email: strings.TrimSpace(email)}, strings.Contains(email, "@")
	}
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		return Address{Name: s[i+1 : len(s)-1], Email: strings.TrimSpace(s[:i])}, true
	}
	f := strings.Fields(s)
	if len(f) == 1 && strings.Contains(f[0], "@") {
		return Address{Email: f[0]}, true
	}
	return Address{Name: s}, false
}

func splitAddressList(s string) []string {
	var parts []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case c == '<' && !quoted:
			depth++
		case c == '>' && !quoted && depth > 0:
			depth--
		case c == ',' && !quoted && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// firstMsgID extracts the first <id> of a header value, or the first
// word when there are no angle brackets.
func firstMsgID(v string) string {
	if ids := msgIDs([]string{v}); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// msgIDs extracts every <id> from the values, tolerating comments,
// folding and missing brackets, and drops duplicates.
func msgIDs(values []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		id = strings.TrimSpace(id)
		if id == "" || seen[id] || len(id) > 998 {
			return
		}
		seen[id] = true
		out = append(out, id)
	}
	for _, v := range values {
		found := false
		for {
			i := strings.IndexByte(v, '<')
			if i < 0 {
				break
			}
			j := strings.IndexByte(v[i:], '>')
			if j < 0 {
				break
			}
			add(v[i+1 : i+j])
			found = true
			v = v[i+j+1:]
		}
		if !found {
			if f := strings.Fields(v); len(f) > 0 && strings.Contains(f[0], "@") {
				add(f[0])
			}
		}
	}
	return out
}

var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006 -0700",
	time.RFC3339,
}

func parseDate(s string) (time.Time, error) {
	s = unfold(s)
	if t, ok := parseCommonDate(s); ok {
		return sane(t)
	}
	if t, err := netmail.ParseDate(s); err == nil {
		return sane(t)
	}
	// Drop a trailing comment such as "(PDT)" and retry common layouts.
	if i := strings.IndexByte(s, '('); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return sane(t)
		}
	}
	return time.Time{}, fmt.Errorf("unparseable %q", truncate(s, 80))
}

// commonDateLayout is how nearly every mailer writes Date:.
const commonDateLayout = "Mon, 2 Jan 2006 15:04:05 -0700"

// parseCommonDate parses s with commonDateLayout when net/mail.ParseDate
// would return the same: it cuts the date after the zone and ignores a
// comment after it, then tries its layouts in an order where this one
// comes first for a date that starts with a day name. Other dates fail
// without allocating and go to ParseDate.
func parseCommonDate(s string) (time.Time, bool) {
	ind := strings.IndexAny(s, "+-")
	if ind < 0 || len(s) < ind+5 || len(s) < 28 || s[3] != ',' {
		return time.Time{}, false
	}
	date, rest := s[:ind+5], strings.TrimLeft(s[ind+5:], " \t")
	if rest != "" {
		// One plain comment, such as "(PDT)", and nothing after it.
		rest = strings.TrimRight(rest, " \t")
		if len(rest) < 2 || rest[0] != '(' || rest[len(rest)-1] != ')' ||
			strings.ContainsAny(rest[1:len(rest)-1], "()\\") {
			return time.Time{}, false
		}
	}
	t, err := time.Parse(commonDateLayout, date)
	return t, err == nil
}

func sane(t time.Time) (time.Time, error) {
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, errors.New("year out of range")
	}
	return t, nil
}

func unfold(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
