package mail

import (
	"errors"
	"testing"
)

// The fallback id depends on the bytes only, not on where they were found;
// a message without bytes is named by its source's error.
func TestFallbackID(t *testing.T) {
	broken := []byte(" starts with a space\r\nSubject: x\r\n\r\nbody\r\n")
	a := FallbackID(&Raw{Position: "imap:inbox/1/7", Bytes: broken})
	b := FallbackID(&Raw{Position: "imap:other/9/3", Bytes: broken})
	c := FallbackID(&Raw{Position: "imap:inbox/1/7", Bytes: append(broken, 'x')})
	big1 := FallbackID(&Raw{Position: "f:1", Err: errors.New("f:1: message too large")})
	big2 := FallbackID(&Raw{Position: "f:9", Err: errors.New("f:9: message too large")})
	if a != b || a == c || big1 == big2 || big1 == a {
		t.Errorf("ids: same bytes %q %q, other bytes %q, no bytes %q %q", a, b, c, big1, big2)
	}
}
