package store

// The sqlite driver is imported here and nowhere else (STYLE.md §3.2).
import _ "github.com/mattn/go-sqlite3"

const driverName = "sqlite3"

// dsn holds every connection setting in one place: WAL so the daemon and
// the CLI can share the file, a busy timeout instead of "database is
// locked", foreign keys, immediate write transactions (no deadlocks
// upgrading a read lock), synchronous=NORMAL (a checkpoint is fsynced, a
// commit is not) unless o.NoSync turns fsync off, and a page cache of up
// to 16 MiB (sqlite's default, 2 MiB, is 31 of the store's 64 KiB pages:
// a Writer's batch spilled into the WAL before its commit, and pages it
// changed again were written again).
func dsn(path string, o Options) string {
	sync := "NORMAL"
	if o.NoSync {
		sync = "OFF"
	}
	return "file:" + path + "?_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=" + sync + "&_txlock=immediate&_cache_size=-16384"
}
