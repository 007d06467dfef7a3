package store

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"ferrule/mail"
)

// A message stored by an earlier version under its fallback id (its body
// made Parse fail) is not stored again now that only its header is read;
// in a fresh store the same message gets its Message-ID, and a message
// whose header cannot be read keeps its fallback id and its error.
func TestHeaderOnlyIDs(t *testing.T) {
	good := &mail.Raw{Position: "imap:INBOX/1/1", Bytes: []byte("Message-ID: <m@x>\nSubject: s\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nbody\n")}
	broken := &mail.Raw{Position: "imap:INBOX/1/2", Bytes: []byte(" first line folded\nSubject: s\n\nbody\n")}
	ids := func(d *DB) map[string]string {
		t.Helper()
		rows, err := d.db.Query("SELECT message_id, error FROM messages")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var id, e string
			if err := rows.Scan(&id, &e); err != nil {
				t.Fatal(err)
			}
			out[id] = e
		}
		return out
	}

	fresh := open(t, filepath.Join(t.TempDir(), "fresh.db"))
	if n, err := fresh.SaveBatch(t.Context(), "INBOX", 1, 2, []*mail.Raw{good, broken}); n != 2 || err != nil {
		t.Fatalf("SaveBatch = %d, %v", n, err)
	}
	got := ids(fresh)
	if e, ok := got["m@x"]; !ok || e != "" {
		t.Errorf("decodable message: %v", got)
	}
	if e := got[mail.FallbackID(broken)]; e == "" {
		t.Errorf("undecodable message without its fallback id and error: %v", got)
	}
	var subject, date string
	if err := fresh.db.QueryRow("SELECT subject, date FROM messages WHERE message_id = 'm@x'").Scan(&subject, &date); err != nil || subject != "s" || date != "2024-01-01T00:00:00Z" {
		t.Errorf("subject %q date %q (%v)", subject, date, err)
	}

	old := open(t, filepath.Join(t.TempDir(), "old.db"))
	earlier := Message{MessageID: mail.FallbackID(good), Source: good.Position, Raw: good.Bytes, Error: "body: internal error"}
	if _, err := old.AddMessages(t.Context(), []Message{earlier}); err != nil {
		t.Fatal(err)
	}
	if n, err := old.SaveBatch(t.Context(), "INBOX", 2, 1, []*mail.Raw{good}); n != 0 || err != nil {
		t.Errorf("resync stored a message held under its fallback id: %d, %v (%v)", n, err, ids(old))
	}
}

// A new store has large pages (messages are blobs); an existing one keeps
// its own.
func TestNewStorePageSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	d := open(t, path)
	var size int
	if err := d.db.QueryRow("PRAGMA page_size").Scan(&size); err != nil || size != newPageSize {
		t.Errorf("page_size = %d, %v; want %d", size, err, newPageSize)
	}
	var mode string
	if err := d.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	if n, err := d.CountMessages(t.Context()); n != 0 || err != nil {
		t.Errorf("CountMessages = %d, %v", n, err)
	}
}

// Row inserts run without a context of their own (perRow), yet a batch
// whose context ends while it is being stored is stopped and rolled back
// whole.
func TestDeadlineStopsInserts(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "d.db"))
	body := bytes.Repeat([]byte("x"), 1024)
	msgs := make([]Message, 50000) // about 0.5 s of inserts
	for i := range msgs {
		msgs[i] = Message{MessageID: fmt.Sprintf("m%d@x", i), Source: "test", Raw: body}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	n, err := d.AddMessages(ctx, msgs)
	if err == nil {
		t.Fatalf("AddMessages past its deadline = %d, nil after %v", n, time.Since(start))
	}
	if stored, cerr := d.CountMessages(t.Context()); stored != 0 || cerr != nil {
		t.Errorf("%d messages stored after %v (%v)", stored, err, cerr)
	}
}
