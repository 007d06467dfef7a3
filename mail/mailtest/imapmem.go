package mailtest

import (
	"bytes"
	"io"
	"log"
	"net"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// StartIMAPMem starts go-imap's in-process server on 127.0.0.1 with one
// user ("user", password "pass") and an empty INBOX, and stops it when
// the test ends. It returns the address and the user, to append to.
func StartIMAPMem(tb testing.TB) (string, *imapmemserver.User) {
	tb.Helper()
	u := imapmemserver.NewUser("user", "pass")
	if err := u.Create("INBOX", nil); err != nil {
		tb.Fatal(err)
	}
	srv := IMAPMemServer(u)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), u
}

// IMAPMemServer is go-imap's server over an in-memory store holding u:
// IMAP4rev1 and rev2, LOGIN without TLS, no log (cut connections are the
// point of some tests). The caller serves it and closes it.
func IMAPMemServer(u *imapmemserver.User) *imapserver.Server {
	mem := imapmemserver.New()
	mem.AddUser(u)
	return imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
}

// Literal is a message body for imapmemserver's Append.
type Literal struct{ *bytes.Reader }

// Size implements imap.LiteralReader.
func (l Literal) Size() int64 { return int64(l.Len()) }
