-- ferrule's store: the full current schema, applied to a fresh database.
-- Existing databases are brought here by the numbered migrations in
-- migrations.go; keep both in step (a test checks they agree).

-- Every distinct message ever ingested, raw, in arrival order.
CREATE TABLE messages (
	id          INTEGER PRIMARY KEY,           -- arrival order
	message_id  TEXT NOT NULL UNIQUE,          -- without <>, synthetic when missing
	source      TEXT NOT NULL,                 -- "file:line", "imap:MAILBOX/UIDVALIDITY/UID", …
	raw         BLOB NOT NULL,
	subject     TEXT NOT NULL DEFAULT '',
	date        TEXT NOT NULL DEFAULT '',      -- RFC 3339, '' when unknown
	error       TEXT NOT NULL DEFAULT '',      -- why it could not be decoded
	ingested_at TEXT NOT NULL
);

-- Where each IMAP mailbox was read up to.
CREATE TABLE mailbox_cursors (
	mailbox     TEXT PRIMARY KEY,
	uidvalidity INTEGER NOT NULL,
	last_uid    INTEGER NOT NULL,
	updated_at  TEXT NOT NULL
);

-- The results of the last review: series and their revisions, with
-- findings and trailers as JSON (derived data, rebuilt by reviews).
CREATE TABLE series (
	id            TEXT PRIMARY KEY,
	title         TEXT NOT NULL,
	version       INTEGER NOT NULL,
	superseded_by TEXT,
	tier          TEXT NOT NULL,
	score         REAL NOT NULL,
	report        TEXT NOT NULL,               -- the series' JSON report
	reviewed_at   TEXT NOT NULL,
	rank          INTEGER NOT NULL DEFAULT 0   -- position in the review's order
);
CREATE INDEX series_by_rank ON series (rank);

-- The messages of each series of the last review: cover, patches, replies.
CREATE TABLE series_messages (
	series_id  TEXT NOT NULL,
	message_id TEXT NOT NULL,
	PRIMARY KEY (series_id, message_id)
);
CREATE INDEX series_messages_by_message ON series_messages (message_id);

-- The last review's message counts and unparsed messages (JSON); one row,
-- absent until a review has been saved by this version.
CREATE TABLE reviews (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	messages    TEXT NOT NULL,
	unparsed    TEXT NOT NULL,
	reviewed_at TEXT NOT NULL
);

-- Digests already sent, so the same content is never sent twice.
CREATE TABLE sent_digests (
	recipient    TEXT NOT NULL,
	content_hash TEXT NOT NULL,
	sent_at      TEXT NOT NULL,
	PRIMARY KEY (recipient, content_hash)
);
