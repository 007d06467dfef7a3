package imappoll_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
	"ferrule/store"
)

// piOptions follows folder on a public-inbox server, logged in
// anonymously.
func piOptions(pi *mailtest.PublicInbox, folder string) *imappoll.Options {
	o := options(pi.Addr)
	o.Username, o.Password, o.Anonymous = "", nil, true
	o.Folder, o.PollInterval, o.BatchSize = folder, 2*time.Second, 50
	return o
}

func cursor(t *testing.T, db *store.DB) (uint32, uint32) {
	t.Helper()
	uv, last, ok, err := db.LoadCursor(t.Context(), "test")
	if err != nil || !ok {
		t.Fatalf("no cursor: %v", err)
	}
	return uv, last
}

// TestPublicInboxGroup follows a real public-inbox group, logged in
// anonymously, across a slice boundary: slice .0 fills after 200 real
// archive messages (--skip-artnum=49800), the next 100 go to .1, which public-
// inbox creates only when asked; the poller moves on without a restart,
// loss or duplicate, and then gets new mail on .1 over IDLE.
func TestPublicInboxGroup(t *testing.T) {
	pi := mailtest.StartPublicInbox(t, 49800)
	msgs := mailtest.ArchiveMessages(t, 320)
	pi.Import(t, msgs[:200])
	db := openStore(t)
	o := piOptions(pi, pi.Group)
	p := imappoll.New(db, o)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	took := waitCount(t, db, 200, 60*time.Second)
	t.Logf("slice .0 (200 messages) stored after %v", took.Round(time.Millisecond))
	if _, last := cursor(t, db); last != 50000 {
		t.Fatalf("cursor after slice .0: %d, want 50000", last)
	}
	start := time.Now()
	pi.Import(t, msgs[200:300]) // UIDs 50001-50100: slice .1, not yet listed
	imported := time.Since(start)
	took = waitCount(t, db, 300, 60*time.Second)
	t.Logf("slice .1: 100 messages imported in %v, all stored %v later", imported.Round(time.Millisecond), took.Round(time.Millisecond))
	time.Sleep(200 * time.Millisecond) // let it IDLE on .1
	start = time.Now()
	pi.Import(t, msgs[300:320])
	imported = time.Since(start)
	took = waitCount(t, db, 320, 30*time.Second)
	t.Logf("new mail on slice .1 (IDLE): 20 messages imported in %v, all stored %v later", imported.Round(time.Millisecond), took.Round(time.Millisecond))
	if _, last := cursor(t, db); last != 50120 {
		t.Errorf("cursor %d, want 50120", last)
	}
	var ids []string
	for _, m := range msgs {
		ids = append(ids, strings.Trim(headerID(m), "<>"))
	}
	src, err := db.MessagesByID(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for {
		if _, err := src.Next(t.Context()); err != nil {
			break
		}
		got++
	}
	if got != len(ids) {
		t.Errorf("%d of the %d imported Message-IDs stored", got, len(ids))
	}
	if st := p.Stats(); st.Errors != 0 || st.Ingested != 320 {
		t.Errorf("stats %+v: want 320 ingested in one session", st)
	}
	if ok, why := p.Health().OK(); !ok {
		t.Errorf("unhealthy: %s", why)
	}

	// A slice named as the folder is followed as its group, from it.
	for _, tc := range []struct {
		folder string
		want   int
	}{{pi.Group + ".0", 320}, {pi.Group + ".1", 120}} {
		p := imappoll.New(openStore(t), piOptions(pi, tc.folder))
		if n, err := p.SyncOnce(t.Context()); err != nil || n != tc.want {
			t.Errorf("folder %s: %d new, %v; want %d", tc.folder, n, err, tc.want)
		}
	}
}

func headerID(m []byte) string {
	head, _, _ := strings.Cut(string(m), "\n\n")
	for _, l := range strings.Split(head, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "message-id") {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// TestPublicInboxFolderErrors: a placeholder whose children are not
// slices, and a folder that does not exist, stop the poller at once with
// an error that says what to follow.
func TestPublicInboxFolderErrors(t *testing.T) {
	pi := mailtest.StartPublicInbox(t, 0)
	pi.Import(t, mailtest.ArchiveMessages(t, 2))
	for _, tc := range []struct{ folder, want string }{
		{"org.example", "org.example is an empty placeholder (UIDVALIDITY 0); follow one of its children instead: org.example.test"},
		{"INBOX", "select INBOX"},
	} {
		t.Run(tc.folder, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			p := imappoll.New(openStore(t), piOptions(pi, tc.folder))
			err := p.Run(ctx)
			if !errors.Is(err, imappoll.ErrFolder) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run: %v, want ErrFolder with %q", err, tc.want)
			}
			if ok, why := p.Health().OK(); ok || !strings.Contains(why, tc.want) {
				t.Errorf("health: %v %q", ok, why)
			}
		})
	}
}

// TestPublicInboxAppendDraft: a draft to a read-only public-inbox fails
// with an error that says why and what to change.
func TestPublicInboxAppendDraft(t *testing.T) {
	pi := mailtest.StartPublicInbox(t, 0)
	_, err := imappoll.AppendDraft(t.Context(), piOptions(pi, "Drafts"), dated(1, "Mon, 01 Dec 2025 10:00:00 +0000"), time.Now())
	if err == nil || !strings.Contains(err.Error(), "read-only server") || !strings.Contains(err.Error(), "drafts.imap") {
		t.Errorf("append to public-inbox: %v", err)
	}
	t.Logf("append to public-inbox: %v", err)
}

// dated is a small message with a Date header and no Received header.
func dated(i int, date string) []byte {
	return fmt.Appendf(nil, "From: a@example.org\nTo: list@example.invalid\nSubject: m%d\nDate: %s\nMessage-ID: <m%d@example.org>\n\nbody %d\n", i, date, i, i)
}

// TestPublicInboxStart: start "now" stores only the mail that arrives
// after the first sync, a date only what was received since that day,
// and a cursor, once placed, is never moved by Start again.
func TestPublicInboxStart(t *testing.T) {
	pi := mailtest.StartPublicInbox(t, 0)
	var msgs [][]byte
	for i := range 6 {
		date := "Wed, 01 Jan 2020 10:00:00 +0000"
		if i >= 4 {
			date = "Sat, 01 Jun 2024 10:00:00 +0000"
		}
		msgs = append(msgs, dated(i, date))
	}
	pi.Import(t, msgs)

	t.Run("now", func(t *testing.T) {
		db := openStore(t)
		o := piOptions(pi, pi.Group)
		o.Start.Now = true
		p := imappoll.New(db, o)
		if n, err := p.SyncOnce(t.Context()); err != nil || n != 0 {
			t.Fatalf("first sync: %d new, %v; want 0", n, err)
		}
		if _, last := cursor(t, db); last != 6 {
			t.Fatalf("cursor %d, want 6", last)
		}
		pi.Import(t, [][]byte{dated(100, "Mon, 01 Dec 2025 10:00:00 +0000"), dated(101, "Mon, 01 Dec 2025 10:00:00 +0000")})
		if n, err := p.SyncOnce(t.Context()); err != nil || n != 2 {
			t.Fatalf("second sync: %d new, %v; want 2", n, err)
		}
	})
	t.Run("since", func(t *testing.T) {
		db := openStore(t)
		o := piOptions(pi, pi.Group)
		o.Start.Since = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
		p := imappoll.New(db, o)
		if n, err := p.SyncOnce(t.Context()); err != nil || n != 4 {
			t.Fatalf("first sync: %d new, %v; want 4 (2 of 2024, 2 of 2025)", n, err)
		}
		if n, err := p.SyncOnce(t.Context()); err != nil || n != 0 {
			t.Fatalf("second sync: %d new, %v; want 0", n, err)
		}
	})
}
