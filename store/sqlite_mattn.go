package store

// The sqlite driver is imported here and nowhere else (STYLE.md §3.2).
import (
	"database/sql"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// driverName is go-sqlite3 with the settings its DSN cannot carry, run
// on every new connection.
const driverName = "sqlite3_ferrule"

// walCheckpointPages is how many pages the WAL may hold before the
// commit that passes it copies them into the database (sqlite's default
// is 1000, 64 MB of the store's pages). Storing an archive through a
// review checkpoints as it goes, beside the review; what is left at its
// end is copied while nothing else runs: with 1000 pages, the commit of
// linux-pwm's saved review took 0.17-0.19 s, with 256 pages 0.10-0.11 s.
const walCheckpointPages = 256

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walCheckpointPages), nil)
		return err
	}})
}

// dsn holds every connection setting in one place: WAL so the daemon and
// the CLI can share the file, a busy timeout instead of "database is
// locked", foreign keys, immediate write transactions (no deadlocks
// upgrading a read lock), synchronous=NORMAL (a checkpoint is fsynced, a
// commit is not) unless o.NoSync turns fsync off, and a page cache of up
// to 16 MiB (sqlite's default, 2 MiB, is 31 of the store's 64 KiB pages:
// a Writer's batch spilled into the WAL before its commit, and pages it
// changed again were written again). The WAL's checkpoints are set by
// the driver (walCheckpointPages).
func dsn(path string, o Options) string {
	sync := "NORMAL"
	if o.NoSync {
		sync = "OFF"
	}
	return "file:" + path + "?_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=" + sync + "&_txlock=immediate&_cache_size=-16384"
}
