package store

// The sqlite driver is imported here and nowhere else (STYLE.md §3.2).
import _ "github.com/mattn/go-sqlite3"

const driverName = "sqlite3"

// dsn holds every connection setting in one place: WAL so the daemon and
// the CLI can share the file, a busy timeout instead of "database is
// locked", foreign keys, immediate write transactions (no deadlocks
// upgrading a read lock), and synchronous=NORMAL (a checkpoint is
// fsynced, a commit is not) unless o.NoSync turns fsync off.
func dsn(path string, o Options) string {
	sync := "NORMAL"
	if o.NoSync {
		sync = "OFF"
	}
	return "file:" + path + "?_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=" + sync + "&_txlock=immediate"
}
