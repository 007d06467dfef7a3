package imappoll_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"ferrule/mail"
	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
	"ferrule/store"
)

// undecodable returns messages mail.Parse refuses: a first header line
// starting with a space, and a 3 MB header.
func undecodable(t *testing.T) [][]byte {
	t.Helper()
	space := []byte(" leading space\r\nFrom: a@example.org\r\nSubject: broken\r\nMessage-ID: <space@example.org>\r\n\r\nbody\r\n")
	var big strings.Builder
	big.WriteString("From: a@example.org\r\nSubject: huge header\r\n")
	for big.Len() < 3<<20 {
		big.WriteString("X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")
	}
	big.WriteString("Message-ID: <bigheader@example.org>\r\n\r\nbody\r\n")
	out := [][]byte{space, []byte(big.String())}
	for _, b := range out {
		if _, err := mail.Parse(&mail.Raw{Position: "t", Bytes: b}); err == nil {
			t.Fatalf("the fixture %.20q decodes; the test needs one that does not", b)
		}
	}
	return out
}

// tooLarge is a message over a 4 MB limit.
func tooLarge() []byte {
	return bigMessage(99, 5<<20)
}

// placeholders counts the stored messages that were never delivered whole.
func placeholders(t *testing.T, db *store.DB) int {
	t.Helper()
	src := db.Messages()
	n := 0
	for {
		r, err := src.Next(t.Context())
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Err != nil && strings.Contains(r.Err.Error(), "too large") {
			n++
		}
	}
}

// Undecodable messages and one over the size limit are stored once, and
// neither a UIDVALIDITY reset nor the same folder followed as a second
// mailbox stores them again (their fallback id is a content hash).
func TestUndecodableNotDuplicated(t *testing.T) {
	srv := newServer(t)
	msgs := append(fixtures(t, 5), undecodable(t)...)
	msgs = append(msgs, tooLarge())
	srv.append(t, msgs)
	db := openStore(t)
	o := options(srv.addr)
	o.MaxMessageBytes = 4 << 20
	stop := run(t, db, o)
	waitCount(t, db, len(msgs), 10*time.Second)
	stop()
	if n := placeholders(t, db); n != 1 {
		t.Errorf("%d placeholders, want 1", n)
	}

	// The folder is re-created: new UIDVALIDITY, the same messages.
	if err := srv.user.Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := srv.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	srv.append(t, msgs)
	for _, name := range []string{"test", "second"} {
		o := options(srv.addr)
		o.Name, o.MaxMessageBytes = name, 4<<20
		p := imappoll.New(db, o)
		if n, err := p.SyncOnce(t.Context()); err != nil || n != 0 {
			t.Errorf("mailbox %s after the reset: SyncOnce = %d new, %v; want 0", name, n, err)
		}
	}
	waitCount(t, db, len(msgs), time.Second)
}

// The same against Dovecot, with `doveadm mailbox update --uid-validity`.
func TestDovecotUndecodableNotDuplicated(t *testing.T) {
	d := mailtest.StartDovecot(t)
	msgs := append(mailtest.ArchiveMessages(t, 20), undecodable(t)...)
	msgs = append(msgs, tooLarge())
	d.Fill(t, msgs)
	db := openStore(t)
	o := dovecotOptions(d)
	o.MaxMessageBytes = 4 << 20
	if n, err := imappoll.New(db, o).SyncOnce(t.Context()); err != nil || n != len(msgs) {
		t.Fatalf("first sync = %d, %v; want %d", n, err, len(msgs))
	}
	d.SetUIDValidity(t, d.UIDValidity(t)+1000)
	p := imappoll.New(db, o)
	if n, err := p.SyncOnce(t.Context()); err != nil || n != 0 {
		t.Errorf("after the reset: SyncOnce = %d new, %v; want 0", n, err)
	}
	if uv, last, _, _ := db.LoadCursor(t.Context(), o.Name); uv != d.UIDValidity(t) || last != uint32(len(msgs)) {
		t.Errorf("cursor %d/%d after the reset", uv, last)
	}
	waitCount(t, db, len(msgs), time.Second)
	if n := placeholders(t, db); n != 1 {
		t.Errorf("%d placeholders, want 1", n)
	}
}
