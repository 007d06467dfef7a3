// Package review turns decoded mail into patch series a reviewer can act
// on: it parses subject tags ([ParseSubject]), extracts per-message facts
// ([Inspect]: kind, author, trailers, parsed diff), assembles messages into
// series with missing, extra and duplicate parts ([Assembler]), links
// revisions and marks older ones superseded, attributes review trailers
// with b4's rules, and derives where each series stands ([State]: new,
// reviewed, changes-requested, applied, rejected, superseded, stale) from
// what the replies say.
//
// The package is deterministic and does no I/O of its own: input arrives
// through a [mail.Source] (see [Ingest]) and output is plain data. It must
// not import the store, templates or network packages (STYLE.md §2); Rust
// analysis plugs in through [IngestOptions.Visit] from the command that
// wires things together.
//
// Types are not safe for concurrent use unless stated; [Ingest] runs its
// own workers.
package review
