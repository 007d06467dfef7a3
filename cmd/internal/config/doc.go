// Package config reads ferrule's configuration file into typed values.
//
// [Load] decodes a YAML file strictly (an unknown key or a value of the
// wrong type is an error, with its line), validates every value, and
// reports all problems at once, each with its key path
// ("mailboxes[1].imap.tls: ..."). What it returns is typed: durations are
// [time.Duration], a TLS mode is a [TLSMode], and every server (IMAP
// mailboxes, SMTP, the drafts folder) is one [Server] with an address, a
// TLS mode, a username and a [Secret].
//
// A [Secret] is built once per load and shared by everything that uses the
// server. It runs password_cmd (through sh -c, with a timeout; a child that
// keeps the pipe open does not block it) or reads password_file when first
// asked, and caches only a success: a failure is returned and the next call
// tries again. A file that names a password source must not be readable by
// group or others, nor may a password_file.
//
// The package reads files and runs password_cmd; it opens no store and no
// network connection.
package config
