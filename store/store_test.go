package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"ferrule/mail"
)

// schemaV1 is the schema of version 1, frozen. DO NOT EDIT: it is what
// old databases look like, and the upgrade test starts from it.
const schemaV1 = `
CREATE TABLE messages (
	id          INTEGER PRIMARY KEY,
	message_id  TEXT NOT NULL UNIQUE,
	source      TEXT NOT NULL,
	raw         BLOB NOT NULL,
	ingested_at TEXT NOT NULL
);
CREATE TABLE mailbox_cursors (
	mailbox     TEXT PRIMARY KEY,
	uidvalidity INTEGER NOT NULL,
	last_uid    INTEGER NOT NULL,
	updated_at  TEXT NOT NULL
);
PRAGMA user_version = 1;
`

func open(t *testing.T, path string) *DB {
	t.Helper()
	d, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func userVersion(t *testing.T, d *DB) int {
	var v int
	if err := d.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// columns describes the schema: table -> sorted "name type notnull default pk".
func columns(t *testing.T, d *DB) map[string][]string {
	t.Helper()
	rows, err := d.db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, tb := range tables {
		r, err := d.db.Query("SELECT name, type, \"notnull\", coalesce(dflt_value, ''), pk FROM pragma_table_info(?)", tb)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var name, typ, dflt string
			var notnull, pk int
			r.Scan(&name, &typ, &notnull, &dflt, &pk)
			out[tb] = append(out[tb], strings.Join([]string{name, typ, string(rune('0' + notnull)), dflt, string(rune('0' + pk))}, " "))
		}
		r.Close()
		sort.Strings(out[tb])
	}
	return out
}

func TestFreshAndMigratedSchemasAgree(t *testing.T) {
	dir := t.TempDir()
	fresh := open(t, filepath.Join(dir, "fresh.db"))
	if v := userVersion(t, fresh); v != Version() {
		t.Errorf("fresh database at version %d, want %d", v, Version())
	}
	// A database created by the first ferrule: version 1, then upgraded.
	oldPath := filepath.Join(dir, "old.db")
	raw := openDB(dsn(oldPath, Options{}, false))
	if _, err := raw.Exec(schemaV1); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO messages (message_id, source, raw, ingested_at) VALUES ('a@b', 'x:1', 'Subject: s', '2026-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	upgraded := open(t, oldPath)
	if v := userVersion(t, upgraded); v != Version() {
		t.Errorf("upgraded database at version %d, want %d", v, Version())
	}
	if n, _ := upgraded.CountMessages(t.Context()); n != 1 {
		t.Errorf("upgrade lost messages: %d", n)
	}
	fc, uc := columns(t, fresh), columns(t, upgraded)
	for tb := range fc {
		if strings.Join(fc[tb], "\n") != strings.Join(uc[tb], "\n") {
			t.Errorf("table %s: schema.sql\n%s\nmigrations\n%s", tb, strings.Join(fc[tb], "\n"), strings.Join(uc[tb], "\n"))
		}
	}
	if len(fc) != len(uc) {
		t.Errorf("tables: schema.sql %d, migrations %d", len(fc), len(uc))
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	d := open(t, path)
	if _, err := d.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := Open(t.Context(), path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open(newer) = %v", err)
	}
}

func TestIngestIsIdempotent(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "s.db"))
	mbox := "From x Mon Jan  1 00:00:00 2024\nMessage-ID: <1@x>\nSubject: one\n\nb\n\n" +
		"From x Mon Jan  1 00:00:00 2024\nMessage-ID: <2@x>\nSubject: two\n\nb\n\n" +
		"From x Mon Jan  1 00:00:00 2024\nMessage-ID: <1@x>\nSubject: one again\n\nb\n\n" +
		"From x Mon Jan  1 00:00:00 2024\nSubject: no id\n\nb\n"
	ingest := func() (int, int) {
		read, added, err := d.Ingest(t.Context(), mail.NewMboxReader(strings.NewReader(mbox), "m", nil))
		if err != nil {
			t.Fatal(err)
		}
		return read, added
	}
	if read, added := ingest(); read != 4 || added != 3 {
		t.Errorf("first ingest read %d added %d, want 4 and 3", read, added)
	}
	if read, added := ingest(); read != 4 || added != 0 {
		t.Errorf("second ingest read %d added %d, want 4 and 0", read, added)
	}
	// Messages come back in arrival order with their positions.
	src := d.Messages()
	var got []string
	for {
		r, err := src.Next(context.Background())
		if err != nil {
			break
		}
		got = append(got, r.Position)
	}
	if strings.Join(got, " ") != "m:2 m:8 m:20" {
		t.Errorf("positions = %v", got)
	}
}

func TestCursorAdvancesWithMessages(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "c.db"))
	if _, ok, err := d.Cursor(t.Context(), "INBOX"); ok || err != nil {
		t.Fatalf("new mailbox has a cursor: %v %v", ok, err)
	}
	msgs := []Message{{MessageID: "1@x", Source: "imap:INBOX/7/1", Raw: []byte("Subject: a\n\nb\n")}}
	if n, err := d.AddFromMailbox(t.Context(), "INBOX", Cursor{7, 1}, msgs); n != 1 || err != nil {
		t.Fatalf("AddFromMailbox = %d, %v", n, err)
	}
	if n, err := d.AddFromMailbox(t.Context(), "INBOX", Cursor{7, 2}, msgs); n != 0 || err != nil {
		t.Fatalf("again = %d, %v", n, err)
	}
	c, ok, err := d.Cursor(t.Context(), "INBOX")
	if !ok || err != nil || c != (Cursor{7, 2}) {
		t.Errorf("cursor = %+v %v %v", c, ok, err)
	}
	// A failed batch moves nothing.
	if _, err := d.AddFromMailbox(t.Context(), "INBOX", Cursor{7, 9}, []Message{{MessageID: ""}}); err == nil {
		t.Error("empty Message-ID accepted")
	}
	if c, _, _ := d.Cursor(t.Context(), "INBOX"); c.LastUID != 2 {
		t.Errorf("cursor moved by a failed batch: %+v", c)
	}
}

// TestSharedWAL: a second connection (the CLI next to the daemon) reads
// while the first writes.
func TestSharedWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	a, b := open(t, path), open(t, path)
	var mode string
	if err := a.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	for i := 0; i < 20; i++ {
		if _, err := a.AddMessages(t.Context(), []Message{{MessageID: string(rune('a'+i)) + "@x", Source: "s", Raw: []byte("x")}}); err != nil {
			t.Fatal(err)
		}
		if n, err := b.CountMessages(t.Context()); err != nil || n != i+1 {
			t.Fatalf("reader sees %d, %v; want %d", n, err, i+1)
		}
	}
}

// NoSync turns fsync off for this process's connections only: another
// opening the same store keeps synchronous=NORMAL.
func TestNoSync(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	synchronous := func(d *DB) int {
		t.Helper()
		var n int
		if err := d.db.QueryRow("PRAGMA synchronous").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	unsynced, err := OpenWith(t.Context(), path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer unsynced.Close()
	other := open(t, path)
	if off, normal := synchronous(unsynced), synchronous(other); off != 0 || normal != 1 {
		t.Errorf("synchronous = %d with NoSync, %d without; want 0 and 1", off, normal)
	}
}

// Every connection of a store has the settings storing an archive was
// measured with: the page cache and the WAL's checkpoint interval (set
// by the connector, which the DSN cannot carry).
func TestConnectionSettings(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "s.db"))
	defer d.Close()
	d.db.SetMaxIdleConns(0) // each query below on a new connection
	for _, c := range []struct {
		pragma string
		want   int
	}{{"wal_autocheckpoint", walCheckpointPages}, {"cache_size", -16384}} {
		for range 2 {
			var n int
			if err := d.db.QueryRow("PRAGMA " + c.pragma).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != c.want {
				t.Errorf("PRAGMA %s = %d, want %d", c.pragma, n, c.want)
			}
		}
	}
}

// Processes creating the same store at once all open it, and it has the
// new store's page size and WAL mode whoever came first: one that finds
// the file another is still creating must not set it up with defaults.
func TestConcurrentCreate(t *testing.T) {
	for round := range 20 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("c%d.db", round))
		var wg sync.WaitGroup
		dbs := make([]*DB, 6)
		errs := make([]error, len(dbs))
		for i := range dbs {
			wg.Go(func() { dbs[i], errs[i] = Open(t.Context(), path) })
		}
		wg.Wait()
		for i, d := range dbs {
			if errs[i] != nil {
				t.Fatalf("round %d: open %d: %v", round, i, errs[i])
			}
			defer d.Close()
		}
		var size int
		var mode string
		if err := dbs[0].db.QueryRow("PRAGMA page_size").Scan(&size); err != nil || size != newPageSize {
			t.Fatalf("round %d: page_size = %d, %v; want %d", round, size, err, newPageSize)
		}
		if err := dbs[0].db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("round %d: journal_mode = %q, %v", round, mode, err)
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		for _, e := range entries {
			if name := e.Name(); strings.Contains(name, ".new-") {
				t.Fatalf("round %d: %s left behind", round, name)
			}
		}
	}
}

// A store path that is a dangling symbolic link gets the store, set up
// as a new one, where it points.
func TestCreateThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target, path := filepath.Join(dir, "real.db"), filepath.Join(dir, "link.db")
	if err := os.Symlink(target, path); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	d := open(t, path)
	var size int
	if err := d.db.QueryRow("PRAGMA page_size").Scan(&size); err != nil || size != newPageSize {
		t.Errorf("page_size = %d, %v; want %d", size, err, newPageSize)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link: %v", path, err)
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("no store where the link points: %v", err)
	}
}
