package mail

import (
	"strings"

	gomail "github.com/emersion/go-message/mail"
)

// skipAddresses gives the warnings m.addresses would give for key without
// keeping its list. Only the lenient fallback warns, when the field's
// encoded words fail to decode, so the list is decoded only then.
func (m *Message) skipAddresses(h gomail.Header, key string) {
	if v := h.Get(key); wordsDecode(v) {
		return
	}
	if _, err := h.Text(key); err != nil {
		m.addresses(h, key)
	}
}

// wordsDecode reports that decoding the RFC 2047 encoded words of v (as
// mime.WordDecoder.DecodeHeader does) cannot fail: every "=?" starts no
// word or one in a charset the decoder converts itself. False means it
// may fail.
func wordsDecode(v string) bool {
	for {
		i := strings.Index(v, "=?")
		if i < 0 {
			return true
		}
		v = v[i+2:]
		j := strings.IndexByte(v, '?')
		if j < 0 {
			return true
		}
		if cs := v[:j]; !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") && !strings.EqualFold(cs, "iso-8859-1") {
			return false
		}
	}
}

// Recipients decodes To and Cc from m.Header as Parse does, for a message
// parsed with ParseOptions.SkipRecipients.
func (m *Message) Recipients() (to, cc []Address) {
	var scratch Message // Parse gave the warnings already
	h := gomail.Header{Header: m.Header}
	return scratch.addresses(h, "To"), scratch.addresses(h, "Cc")
}
