package store

// migrations bring a database from user_version i to i+1. A fresh
// database gets schema.sql and jumps to len(migrations). Append only;
// never edit an entry that has shipped.
var migrations = []string{
	// 0 → 1: the first schema had only messages and cursors.
	`
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
`,
	// 1 → 2: decoded columns for listing without re-parsing; review
	// results; sent digests.
	`
ALTER TABLE messages ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN date TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN error TEXT NOT NULL DEFAULT '';
CREATE TABLE series (
	id            TEXT PRIMARY KEY,
	title         TEXT NOT NULL,
	version       INTEGER NOT NULL,
	superseded_by TEXT,
	tier          TEXT NOT NULL,
	score         REAL NOT NULL,
	report        TEXT NOT NULL,
	reviewed_at   TEXT NOT NULL
);
CREATE TABLE sent_digests (
	recipient    TEXT NOT NULL,
	content_hash TEXT NOT NULL,
	sent_at      TEXT NOT NULL,
	PRIMARY KEY (recipient, content_hash)
);
`,
	// 2 → 3: the whole last review, so that views read it instead of
	// reviewing again: the series' order in the report, the messages of
	// each series, and the message counts and unparsed messages.
	`
ALTER TABLE series ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
CREATE TABLE series_messages (
	series_id  TEXT NOT NULL,
	message_id TEXT NOT NULL,
	PRIMARY KEY (series_id, message_id)
);
CREATE INDEX series_messages_by_message ON series_messages (message_id);
CREATE INDEX series_by_rank ON series (rank);
CREATE TABLE reviews (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	messages    TEXT NOT NULL,
	unparsed    TEXT NOT NULL,
	reviewed_at TEXT NOT NULL
);
`,
}
