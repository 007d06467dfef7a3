package main

import (
	"context"
	"fmt"
	"log/slog"

	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
	"ferrule/cmd/internal/daemon"
	"ferrule/cmd/internal/inputs"
	"ferrule/cmd/internal/web"
)

// runServe is `ferrule serve`: the read-only web view of a store's saved
// review, for a store the daemon does not serve (filled by review --db).
func runServe(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "serve",
		"usage: ferrule serve [--db FILE] [--listen ADDR] [-c FILE]",
		"Serves the queue, each series and each maintainer's view of a store's saved review, read-only,",
		"on "+web.DefaultListen+" unless --listen says otherwise.",
	)
	dbPath := fs.String("db", "", "sqlite store (default $XDG_DATA_HOME/ferrule/ferrule.db)")
	listen := fs.String("listen", web.DefaultListen, "address to listen on (loopback unless you say otherwise)")
	configPath := fs.String("c", "", "config file (store.path, digest.link_template)")
	if code, ok := cli.ParseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return cli.ExitUsage
	}
	var cfg *config.Config
	if *configPath != "" {
		var err error
		if cfg, err = config.Load(*configPath); err != nil {
			return e.fail("serve", err)
		}
	}
	db, err := inputs.OpenStore(ctx, e.dbPath(*dbPath, cfg))
	if err != nil {
		return e.fail("serve", fmt.Errorf("%w (fill one with ferrule review --db or ferrule watch)", err))
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	h, err := daemon.WebView(cfg, db, log)
	if err != nil {
		return e.fail("serve", err)
	}
	if err := web.ListenAndServe(ctx, *listen, h, log); err != nil {
		log.Error("serve", "err", err)
		return cli.ExitRuntime
	}
	return cli.ExitOK
}
