package store

// The sqlite driver is imported here and nowhere else (STYLE.md §3.2).
import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// sqliteDriver opens the store's connections (through a connector, not
// registered under a name).
var sqliteDriver = &sqlite3.SQLiteDriver{}

// openDB returns a pool of connections to the database dsn names, each
// set up by connector.
func openDB(dsn string) *sql.DB { return sql.OpenDB(connector{dsn}) }

// dsn and connector hold every connection setting in one place. The DSN
// has a busy timeout instead of "database is locked", foreign keys,
// immediate write transactions (no deadlocks upgrading a read lock), a
// page cache of up to 16 MiB (sqlite's default, 2 MiB, is 31 of the
// store's 64 KiB pages: a Writer's batch spilled into the WAL before its
// commit, and pages it changed again were written again) and, unless
// o.NoSync turns fsync off:
//   - normally, WAL mode, so that the daemon and the CLI can share the
//     file, with synchronous=NORMAL (a checkpoint is fsynced, a commit is
//     not);
//   - with rollback set (an import, Options.Import), no journal mode:
//     the connection follows the file's, which OpenWith has switched to a
//     rollback journal, and synchronous=FULL, so that a power loss cannot
//     corrupt the store (the last commit may still be rolled back: only
//     EXTRA syncs the directory after deleting the journal).
func dsn(path string, o Options, rollback bool) string {
	journal, sync := "&_journal_mode=WAL", "NORMAL"
	if rollback {
		journal, sync = "", "FULL"
	}
	if o.NoSync {
		sync = "OFF"
	}
	return "file:" + path + "?_busy_timeout=5000" + journal + "&_foreign_keys=on&_synchronous=" + sync + "&_txlock=immediate&_cache_size=-16384"
}

// walCheckpointPages is how many pages the WAL may hold before the
// commit that passes it copies them into the database (sqlite's default
// is 1000, 64 MB of the store's pages). Storing an archive through a
// review then checkpoints as it goes, beside the review, and less is left
// to copy at its end, when nothing else runs: with 1000 pages, the commit
// of linux-pwm's saved review took 0.17-0.19 s, with 256 pages 0.10-0.11 s
// (timed around the commit, three runs each).
const walCheckpointPages = 256

// connector opens a connection and sets what the DSN cannot carry.
type connector struct{ dsn string }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := sqliteDriver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	exec, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("sqlite connection cannot execute statements")
	}
	if _, err := exec.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walCheckpointPages), nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("set wal_autocheckpoint: %w", err)
	}
	return conn, nil
}

func (c connector) Driver() driver.Driver { return sqliteDriver }
