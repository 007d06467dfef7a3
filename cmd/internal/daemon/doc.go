// Package daemon is `ferrule watch`: it follows the configured IMAP
// mailboxes into the store (one imappoll worker each), reviews what
// arrives incrementally and saves the results in the store, mails digests
// on the configured schedule, serves the web view of the saved review
// (cmd/internal/web, with the same MAINTAINERS and kernel knowledge as the
// review: the kernel tree's when kernel_tree is set), /healthz and
// Prometheus /metrics, and reloads its configuration on SIGHUP, web view
// included (an invalid one is logged and the running one kept).
// [WebView] is the same web view for `ferrule serve`; [OpenStore] takes
// the store's lock, one daemon per store.
//
// Shutdown has two phases: on cancellation no new work starts (the
// workers stop; an unfinished batch is fetched again next time) and the
// review in progress may finish for [GracePeriod]; then what still runs
// is cancelled. A worker's panic is logged with its stack and counted; it
// does not stop the daemon.
package daemon
