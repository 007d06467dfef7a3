// Package store is ferrule's sqlite store, the source of truth for
// everything ingested: raw messages deduplicated by Message-ID (so
// ingestion is idempotent and a killed process loses nothing it
// acknowledged), IMAP mailbox cursors, the results of the last review
// (every series' report with revisions, trailers, findings, score, tier
// and reasons, as JSON, in the report's order; the messages of each
// series; the message counts), and digests already sent. Views read the
// saved review ([DB.LastReview], [DB.SeriesHolding], [DB.MessagesByID])
// instead of reviewing the whole store again.
//
// Storing a message reads its header only ([DB.Ingest], [DB.SaveBatch]),
// or takes what a review decoded ([FromDecoded], [Writer], which writes
// batches beside the review): a message is never decoded twice for the
// store.
//
// A fresh database gets the embedded schema.sql; an existing one is
// migrated in one transaction by the numbered migrations, keyed on PRAGMA
// user_version; a database newer than the binary is refused. The database
// runs in WAL mode with a busy timeout so the daemon and the CLI can share
// it, and every query has a timeout; a process filling an empty store
// from an archive writes it through a rollback journal instead
// ([Options.Import]). A checkpoint (an import's commit) waits for the disk
// unless the process opened the store with [Options.NoSync] (a killed
// process loses nothing either way). A DB is safe for concurrent use.
package store

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

//go:embed schema.sql
var schema string

// queryTimeout bounds every statement (STYLE.md §3.2).
const queryTimeout = 30 * time.Second

// perRow is ctx for the statements a transaction runs once per row.
// go-sqlite3 runs a statement whose context can end on a goroutine of its
// own, so that it can interrupt sqlite, and waits for it: a hand-off
// between threads for every insert. Run without it, storing linux-pwm's
// 23,541 messages takes 0.32-0.42 s CPU instead of 0.53-0.63 s (fsync
// aside), and saving its review 0.24-0.29 s instead of 0.31-0.40 s. The
// statements stay bounded by ctx through their transaction, begun with
// it: database/sql rolls the transaction back when ctx ends, and the next
// statement fails; one row's insert waits on nothing but a lock, which
// the busy timeout bounds.
func perRow(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// DB is an open store.
type DB struct {
	db *sql.DB
	// rollback: opened with Options.Import on an empty store, this
	// process writes through a rollback journal; Close returns the store
	// to WAL, once.
	rollback  bool
	backToWAL sync.Once
}

// Version is the schema version this binary writes.
func Version() int { return len(migrations) }

// Open opens (creating if needed) the store at path and brings its schema
// up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{})
}

// Options are how this process writes the store.
type Options struct {
	// NoSync leaves every write to the kernel without waiting for the
	// disk (sqlite's synchronous=OFF, like public-inbox-index
	// --no-fsync): a killed process still loses nothing it committed,
	// but a kernel crash or a power loss can lose or corrupt the store.
	// It is for filling a store from an archive, which can be done
	// again: in BenchmarkReviewDB on linux-pwm, `review --db` takes
	// 1.12-1.25 times a plain review with fsync, 1.03-1.13 without.
	// Other processes on the same store keep their own setting.
	NoSync bool
	// Import is for filling a store from an archive (`review --db`):
	// when the store holds no message yet, this process writes it
	// through a rollback journal instead of the WAL, and Close returns it
	// to WAL. A WAL receives every page a transaction writes and copies
	// it into the database at the next checkpoint; a rollback journal
	// keeps only the old content of pages a transaction changes, and
	// pages added at the end of the database have none: an archive's
	// messages are written once instead of twice (sqlite's documentation
	// of WAL: "for transactions larger than about 100 megabytes,
	// traditional rollback journal modes will likely be faster"). Each
	// commit then waits for the disk (synchronous=FULL) unless NoSync.
	// When another process has the store open already (a daemon started
	// on it), it holds a lock that forbids the switch, and the import
	// goes through the WAL. Another ferrule process opening the store
	// during the import returns it to WAL, waiting (up to the busy
	// timeout) for a moment between two commits, and this one follows. A
	// process reading the store with a DSN of its own (the sqlite3 shell)
	// waits for each commit, and each commit waits for its reads, up to
	// the busy timeout, after which the import fails. When this process
	// is killed, the next one to open the store returns it to WAL.
	Import bool
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, o Options) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := create(path); err != nil {
			return nil, fmt.Errorf("create store %s: %w", path, err)
		}
	}
	db := openDB(dsn(path, o, false))
	d := &DB{db: db}
	if err := d.upgrade(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if !o.Import {
		return d, nil
	}
	empty, err := d.empty(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if !empty {
		return d, nil
	}
	// Each connection of this pool would return the store to WAL as it
	// opens: an import has a pool of its own, whose connections follow
	// the file's journal mode, switched once here.
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	imp := &DB{db: openDB(dsn(path, o, true)), rollback: true}
	if imp.toRollbackJournal(ctx) {
		return imp, nil
	}
	imp.db.Close()
	return &DB{db: openDB(dsn(path, o, false))}, nil
}

// empty reports whether the store holds no message.
func (d *DB) empty(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var found bool
	if err := d.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM messages)").Scan(&found); err != nil {
		return false, fmt.Errorf("count messages: %w", err)
	}
	return !found, nil
}

// toRollbackJournal switches the store's file from WAL to a rollback
// journal. It reports false when the switch is refused: another process
// having the store open in WAL mode holds a lock that forbids it (sqlite
// does not wait for that lock), and the import then goes through the WAL.
func (d *DB) toRollbackJournal(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var mode string
	err := d.db.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode)
	return err == nil && mode == "delete"
}

// newPageSize is the page size of a new store. Messages are blobs of
// 10 KB on average, which 4 KiB pages split into chains of overflow
// pages: with 64 KiB pages, storing a list archive takes less than half
// the CPU (2.2 s against 0.9 s for linux-pwm's 222 MB).
const newPageSize = 65536

// create makes an empty database at path with newPageSize pages, which
// can only be chosen before the first write and WAL mode. The database is
// set up under a temporary name and linked into place, so that a process
// opening path at the same time never finds an empty file (which it would
// set up with 4 KiB pages); when another process created path first,
// that store is kept. Where the file system has no hard links, it is
// renamed into place instead, and the race stays open there; a dangling
// symbolic link at path is set up in place, through the link.
func create(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".new-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	}()
	if err := setUp(tmp); err != nil {
		return err
	}
	err = os.Link(tmp, path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			return setUp(path) // a dangling symbolic link
		}
		return nil // another process created it
	default:
		if _, serr := os.Lstat(path); errors.Is(serr, fs.ErrNotExist) {
			return os.Rename(tmp, path)
		}
		return nil
	}
}

// setUp gives the database at path newPageSize pages and WAL mode.
func setUp(path string) error {
	db := openDB("file:" + path)
	_, err := db.Exec(fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", newPageSize))
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close closes the database. A store opened for an import is first
// returned to WAL; when that fails (another process is reading it, beyond
// the busy timeout), the store stays in rollback mode until the next
// process opens it, and the error says so.
func (d *DB) Close() error {
	var err error
	if d.rollback {
		d.backToWAL.Do(func() { err = d.toWAL() })
	}
	return errors.Join(err, d.db.Close())
}

// toWAL switches the store's file back to WAL after an import.
func (d *DB) toWAL() error {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	var mode string
	err := d.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
	if err == nil && mode != "wal" {
		err = fmt.Errorf("journal mode is still %s", mode)
	}
	if err != nil {
		return fmt.Errorf("close store: return to WAL: %w", err)
	}
	return nil
}

func (d *DB) upgrade(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	switch {
	case version == len(migrations):
		return nil
	case version > len(migrations):
		return fmt.Errorf("schema version %d is newer than this ferrule knows (%d)", version, len(migrations))
	case version == 0:
		var tables int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(&tables); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if tables == 0 {
			if _, err := tx.ExecContext(ctx, schema); err != nil {
				return fmt.Errorf("create schema: %w", err)
			}
			version = len(migrations)
			break
		}
		fallthrough
	default:
		for i := version; i < len(migrations); i++ {
			if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
		}
		version = len(migrations)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return tx.Commit()
}

// Message is a message to store.
type Message struct {
	MessageID string
	Source    string
	Raw       []byte
	Subject   string
	Date      time.Time
	Error     string // set when it could not be decoded
	// Fallback, when set, is the id the message would have had had it
	// not been decoded (mail.FallbackID): if a message is stored under
	// it, this one is that message and is not stored again.
	Fallback string
}

// AddMessages stores the messages whose Message-ID is new, in one
// transaction, and returns how many were new.
func (d *DB) AddMessages(ctx context.Context, msgs []Message) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("add messages: %w", err)
	}
	defer tx.Rollback()
	added, err := addMessages(ctx, tx, msgs)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("add messages: %w", err)
	}
	return added, nil
}

func addMessages(ctx context.Context, tx *sql.Tx, msgs []Message) (int, error) {
	row := perRow(ctx)
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO messages (message_id, source, raw, subject, date, error, ingested_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("add messages: %w", err)
	}
	defer stmt.Close()
	var unlessFallback *sql.Stmt // prepared when first needed
	defer func() {
		if unlessFallback != nil {
			unlessFallback.Close()
		}
	}()
	now := time.Now().UTC().Format(time.RFC3339)
	added := 0
	for _, m := range msgs {
		if m.MessageID == "" {
			return 0, errors.New("add messages: empty Message-ID")
		}
		date := ""
		if !m.Date.IsZero() {
			date = m.Date.UTC().Format(time.RFC3339)
		}
		var res sql.Result
		if m.Fallback != "" && m.Fallback != m.MessageID {
			if unlessFallback == nil {
				unlessFallback, err = tx.PrepareContext(ctx, `INSERT INTO messages (message_id, source, raw, subject, date, error, ingested_at)
					SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM messages WHERE message_id = ?)
					ON CONFLICT (message_id) DO NOTHING`)
				if err != nil {
					return 0, fmt.Errorf("add messages: %w", err)
				}
			}
			res, err = unlessFallback.ExecContext(row, m.MessageID, m.Source, m.Raw, m.Subject, date, m.Error, now, m.Fallback)
		} else {
			res, err = stmt.ExecContext(row, m.MessageID, m.Source, m.Raw, m.Subject, date, m.Error, now)
		}
		if err != nil {
			return 0, fmt.Errorf("add message <%s>: %w", m.MessageID, err)
		}
		n, _ := res.RowsAffected()
		added += int(n)
	}
	return added, nil
}

// CountMessages returns how many messages the store holds.
func (d *DB) CountMessages(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var n int
	err := d.db.QueryRowContext(ctx, "SELECT count(*) FROM messages").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count messages: %w", err)
	}
	return n, nil
}
