package imappoll_test

import (
	"bytes"
	"context"
	"net/mail"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
)

var draft = []byte("From: Rev <rev@example.net>\r\nTo: ada@example.org\r\nSubject: Re: [PATCH] x\r\n" +
	"Message-ID: <draft-1@example.net>\r\nIn-Reply-To: <p1@example.org>\r\n\r\n> +unsafe { f() }\r\n\r\nWhy?\r\n")

// fetchDrafts logs in and returns the flags and bodies in folder.
func fetchDrafts(t *testing.T, addr, user, pass, folder string) ([][]imap.Flag, [][]byte) {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var flags [][]imap.Flag
	var bodies [][]byte
	for _, m := range msgs {
		flags = append(flags, m.Flags)
		for _, b := range m.BodySection {
			bodies = append(bodies, b.Bytes)
		}
	}
	return flags, bodies
}

func checkDraft(t *testing.T, flags [][]imap.Flag, bodies [][]byte) {
	t.Helper()
	if len(bodies) != 1 {
		t.Fatalf("%d messages in Drafts, want 1", len(bodies))
	}
	if !slices.Contains(flags[0], imap.FlagDraft) {
		t.Errorf("flags %v lack \\Draft", flags[0])
	}
	if !bytes.Equal(bodies[0], draft) {
		t.Errorf("fetched back\n%q\nwant\n%q", bodies[0], draft)
	}
	m, err := mail.ReadMessage(bytes.NewReader(bodies[0]))
	if err != nil || m.Header.Get("In-Reply-To") != "<p1@example.org>" {
		t.Errorf("parse back: %v", err)
	}
}

// AppendDraft creates Drafts on TRYCREATE and stores the message with
// \Draft, on go-imap's in-memory server.
func TestAppendDraftMemServer(t *testing.T) {
	srv := newServer(t)
	o := options(srv.addr)
	if _, err := imappoll.AppendDraft(context.Background(), o, draft, time.Now()); err != nil {
		t.Fatal(err)
	}
	flags, bodies := fetchDrafts(t, srv.addr, "user", "pass", "Drafts")
	checkDraft(t, flags, bodies)
}

// The same against a real Dovecot: appended, fetched back.
func TestAppendDraftDovecot(t *testing.T) {
	d := mailtest.StartDovecot(t)
	o := dovecotOptions(d)
	o.Folder = "Drafts"
	if _, err := imappoll.AppendDraft(context.Background(), o, draft, time.Now()); err != nil {
		t.Fatal(err)
	}
	flags, bodies := fetchDrafts(t, d.Addr, d.User, d.Password, "Drafts")
	checkDraft(t, flags, bodies)
}
