package imappoll_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
)

// TestStartMemServer: on a server that answers UID SEARCH SINCE (go-imap's
// in-process one), start at a date takes the messages received since that
// day, and start now only those appended after the first sync.
func TestStartMemServer(t *testing.T) {
	s := newServer(t)
	msgs := fixtures(t, 8)
	for i, m := range msgs[:6] {
		date := time.Date(2020, 1, 1+i, 12, 0, 0, 0, time.UTC)
		if _, err := s.user.Append("INBOX", mailtest.Literal{Reader: bytes.NewReader(m)}, &imap.AppendOptions{Time: date}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		start imappoll.Start
		first int // new messages at the first sync
	}{
		{"all", imappoll.Start{}, 6},
		{"since", imappoll.Start{Since: time.Date(2020, 1, 4, 0, 0, 0, 0, time.UTC)}, 3},
		{"since after the newest", imappoll.Start{Since: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}, 0},
		{"now", imappoll.Start{Now: true}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openStore(t)
			o := options(s.addr)
			o.Start = tc.start
			p := imappoll.New(db, o)
			if n, err := p.SyncOnce(t.Context()); err != nil || n != tc.first {
				t.Fatalf("first sync: %d new, %v; want %d", n, err, tc.first)
			}
			if n, err := p.SyncOnce(t.Context()); err != nil || n != 0 {
				t.Fatalf("second sync: %d new, %v; want 0", n, err)
			}
		})
	}
	t.Run("mail after the first sync", func(t *testing.T) {
		db := openStore(t)
		o := options(s.addr)
		o.Start.Now = true
		p := imappoll.New(db, o)
		if n, err := p.SyncOnce(t.Context()); err != nil || n != 0 {
			t.Fatalf("first sync: %d, %v", n, err)
		}
		s.append(t, msgs[6:8])
		if n, err := p.SyncOnce(t.Context()); err != nil || n != 2 {
			t.Fatalf("second sync: %d new, %v; want 2", n, err)
		}
	})
}
