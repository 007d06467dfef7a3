// Package inputs is ferrule's one input policy: where each command's mail
// comes from, and which commands write the store.
//
// An input is a path: an mbox file (mboxrd or mboxo, gzip-compressed or
// not), a Maildir directory, a single RFC 5322 message, or "-" for
// standard input ([Files]). The store is the sqlite database the daemon
// fills: --db, else store.path (digest, watch), else
// $XDG_DATA_HOME/ferrule/ferrule.db.
//
// The commands:
//
//   - review PATH…: reads the files; the store is not touched.
//   - review [--db DB] PATH…: one run is a [ReviewJob].
//   - review --db DB [PATH…]: reviews everything the store holds (created
//     if need be; [Ingest]) and the files, storing the files' new messages
//     as the review decodes them, in batches written beside it
//     ([StoreReview]: one decode per message), and saves the results in
//     it. Without PATH (and without -c, --tree, --since or
//     -rust=false, which ask for another analysis) it prints the saved
//     results of the last review instead of reviewing again.
//   - check PATCH… | --git-range: reads the files (or git); never the
//     store.
//   - show, reply, thanks, am ID [PATH…]: read the files when given; else
//     read the store, which must exist, without writing to it
//     ([FindSeries]): when the saved review knows the ID (and there is no
//     -c or --tree), only the messages of the series and its revisions are
//     decoded, without the checkers, and its score, tier, reasons and
//     findings come from the saved review; else the whole store is
//     reviewed. show lists the versions from the saved reports alone
//     when it can ([SavedRevisions]); am writes the mbox ([Am]).
//   - digest [PATH…]: reviews the files when given ([Review]; not
//     ingested: the store only records what was sent); else reads the
//     saved results ([Reports]).
//   - watch: the daemon ingests its IMAP mailboxes into the store and
//     saves the results after each arrival.
//
// Only review --db and watch add mail to the store; digest and watch
// record sent digests. Nothing else writes it.
//
// Errors the user can fix are plain; failures to read, review or write
// are [RuntimeError] (cli.Code tells them apart for the exit code).
//
// An ID names a series: its id, the Message-ID of any of its messages
// (with or without <>), or a lore or patch.msgid.link URL ([ParseID]).
package inputs
