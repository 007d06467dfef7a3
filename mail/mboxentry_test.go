package mail_test

import (
	"bytes"
	"testing"
	"time"

	"ferrule/mail"
)

// An entry has its separator and quotes "From " lines in bodies (mboxrd);
// entries written one after the other make an mbox.
func TestWriteMboxEntry(t *testing.T) {
	var b bytes.Buffer
	date := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		if err := mail.WriteMboxEntry(&b, []byte("Subject: s\r\n\r\nFrom here on\r\n>From there\r\n"), "f@example.org", date); err != nil {
			t.Fatal(err)
		}
	}
	one := "From f@example.org Sun Nov  1 12:00:00 2026\nSubject: s\n\n>From here on\n>>From there\n\n"
	if b.String() != one+one {
		t.Errorf("mbox =\n%q", b.String())
	}
	b.Reset()
	if err := mail.WriteMboxEntry(&b, []byte("Subject: s\n\nx"), "", date); err != nil || b.String() != "From MAILER-DAEMON Sun Nov  1 12:00:00 2026\nSubject: s\n\nx\n\n" {
		t.Errorf("no sender, no final newline: %q, %v", b.String(), err)
	}
}
