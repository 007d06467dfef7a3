package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// journalMode is the journal mode d's connections write with.
func journalMode(t *testing.T, d *DB) string {
	t.Helper()
	var mode string
	if err := d.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return mode
}

func someMessages(from, n int) []Message {
	var msgs []Message
	for i := from; i < from+n; i++ {
		msgs = append(msgs, Message{MessageID: fmt.Sprintf("%d@x", i), Source: "s", Raw: []byte("Subject: x\n\nbody\n")})
	}
	return msgs
}

// An import into an empty store writes through a rollback journal, with
// every commit waiting for the disk, and leaves the store in WAL mode;
// an import into a store that holds messages keeps the WAL.
func TestImportJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	d, err := OpenWith(t.Context(), path, Options{Import: true})
	if err != nil {
		t.Fatal(err)
	}
	var sync int
	if err := d.db.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if mode := journalMode(t, d); mode != "delete" || sync != 2 {
		t.Errorf("import into an empty store: journal_mode %s, synchronous %d; want delete, 2 (full)", mode, sync)
	}
	w := d.NewWriter(t.Context())
	for _, m := range someMessages(0, 10) {
		if err := w.Add(m); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := w.Close(); n != 10 || err != nil {
		t.Fatalf("writer stored %d, %v", n, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	// Close returned it to WAL: bytes 18 and 19 of the file (its read
	// and write versions) are 2 for WAL, 1 for a rollback journal.
	if header, err := os.ReadFile(path); err != nil || len(header) < 20 || header[18] != 2 || header[19] != 2 {
		t.Errorf("after Close: not in WAL mode (%v)", err)
	}

	again, err := OpenWith(t.Context(), path, Options{Import: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if mode := journalMode(t, again); mode != "wal" {
		t.Errorf("after the import, and importing into a store with messages: journal_mode %s, want wal", mode)
	}
	if n, err := again.CountMessages(t.Context()); n != 10 || err != nil {
		t.Errorf("store holds %d messages, %v; want 10", n, err)
	}
}

// An import that never closes its store (a killed process) leaves it to
// the next process, which opens it in WAL mode with every committed
// message; the importer's connections follow.
func TestImportNotClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	importer, err := OpenWith(t.Context(), path, Options{Import: true})
	if err != nil {
		t.Fatal(err)
	}
	defer importer.Close()
	if _, err := importer.AddMessages(t.Context(), someMessages(0, 5)); err != nil {
		t.Fatal(err)
	}
	next := open(t, path)
	importer.db.SetMaxIdleConns(0) // the importer's statements below on new connections
	if mode := journalMode(t, next); mode != "wal" {
		t.Errorf("next process: journal_mode %s, want wal", mode)
	}
	if _, err := importer.AddMessages(t.Context(), someMessages(5, 5)); err != nil {
		t.Fatal(err)
	}
	if n, err := next.CountMessages(t.Context()); n != 10 || err != nil {
		t.Errorf("next process sees %d messages, %v; want 10", n, err)
	}
	if err := importer.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if mode := journalMode(t, next); mode != "wal" {
		t.Errorf("after the importer closed: journal_mode %s, want wal", mode)
	}
}

// A process that has the empty store open already (a daemon started on
// it) holds it in WAL mode: the import then writes through the WAL, as
// without Options.Import, instead of failing to switch.
func TestImportWhileOpenElsewhere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	daemon := open(t, path)
	if n, err := daemon.CountMessages(t.Context()); n != 0 || err != nil {
		t.Fatalf("daemon: %d messages, %v", n, err)
	}
	d, err := OpenWith(t.Context(), path, Options{Import: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.db.SetMaxIdleConns(0) // every statement below on a new connection
	if mode := journalMode(t, d); mode != "wal" {
		t.Errorf("import while the store is open elsewhere: journal_mode %s, want wal", mode)
	}
	if _, err := d.AddMessages(t.Context(), someMessages(0, 5)); err != nil {
		t.Fatal(err)
	}
	if n, err := daemon.CountMessages(t.Context()); n != 5 || err != nil {
		t.Errorf("daemon sees %d messages, %v; want 5", n, err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}
