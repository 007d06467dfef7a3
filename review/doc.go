// Package review turns decoded mail into patch series a reviewer can act
// on. It parses subject tags ([ParseSubject]), extracts per-message facts
// ([Inspect]: kind, author, trailers, parsed diff), assembles messages into
// series with missing, extra and duplicate parts ([Assembler], also fed
// incrementally with [Feed]), links revisions and marks older ones
// superseded, attributes review trailers with b4's rules, derives where
// each series stands ([State]: new, reviewed, changes-requested, applied,
// rejected, superseded, stale) from what the replies say, and computes the
// interdiff between revisions ([Interdiff]).
//
// Analysis plugs in as data: a [Checker] (and [SeriesChecker],
// [ResultChecker]) returns [Finding]s for each patch and series, given
// through [IngestOptions.Checkers] — the Rust rules live in
// review/rustcheck, described by the rule catalogue ([Rules]) — and a
// kernel [Tree] turns diffs into whole-file images ([AnalyzeTree]).
// [Route] names who must look from MAINTAINERS. [Rank] scores a series and
// places it in a [Tier] from its findings, blast radius and review state
// ([Weights]); [BuildReport] makes the JSON report, the queue of open
// series first, filtered ([Filter]) and ordered by attention, and
// [Report.WriteJSON] writes it one series at a time; [Digests] sorts the
// reports into one digest per recipient who asked for it.
//
// A list-wide review keeps per message only what assembly and the report
// need: hunks and recipients are dropped after inspection, and a command
// that prints one series reads them back for its messages only
// ([RestoreHunks], [RestoreRecipients]).
//
// The package is deterministic and does no I/O of its own: input arrives
// through a [mail.Source] (see [Ingest]) and output is plain data or goes
// to an io.Writer. It must
// not import the store, templates or network packages (STYLE.md §2).
// [IngestOptions.Visit] lets a caller see each decoded message (reply
// drafts keep the text they quote with it).
//
// Types are not safe for concurrent use unless stated; [Ingest] runs its
// own workers.
package review
