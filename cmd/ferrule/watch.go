package main

import (
	"context"
	"fmt"
	"log/slog"

	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
	"ferrule/cmd/internal/daemon"
)

// runWatch is `ferrule watch -c FILE`: follow the configured mailboxes
// into the store and keep the review current.
func runWatch(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "watch",
		"usage: ferrule watch -c FILE",
		"The daemon: follows the IMAP mailboxes of the config file (mailboxes:) into the store",
		"(store.path), reviews each arrival and saves the results, sends digests on digest.schedule,",
		"and serves /healthz, /metrics and the web view on http.listen. SIGHUP reloads the config.",
	)
	configPath := fs.String("c", "", "config file (required)")
	trace := fs.Bool("trace-imap", false, "write the IMAP protocol trace to stderr (LOGIN and AUTHENTICATE credentials redacted; message contents are not)")
	if code, ok := cli.ParseFlags(fs, args); !ok {
		return code
	}
	if *configPath == "" {
		fmt.Fprintln(e.stderr, "usage: ferrule watch -c FILE")
		return cli.ExitUsage
	}
	cfg, err := config.Load(*configPath)
	if err != nil {
		return e.fail("watch", err)
	}
	if len(cfg.Mailboxes) == 0 {
		return e.fail("watch", fmt.Errorf("%s: no mailboxes to follow", *configPath))
	}
	// The store outlives the first phase of shutdown: it gets its own
	// context.
	hard, cancelHard := context.WithCancel(context.Background())
	defer cancelHard()
	db, closeDB, err := daemon.OpenStore(hard, e.dbPath("", cfg)) // locked: one daemon per store
	if err != nil {
		return e.fail("watch", cli.Runtime(err))
	}
	defer closeDB()
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	o := daemon.Options{ConfigPath: *configPath, DB: db, Log: log, Now: e.clock, Reload: e.hup}
	if *trace {
		o.Trace = e.stderr
	}
	d, err := daemon.New(cfg, o)
	if err != nil {
		log.Error("analysis", "err", err)
		return cli.ExitUsage
	}
	d.Run(ctx, hard, cancelHard)
	return cli.ExitOK
}
