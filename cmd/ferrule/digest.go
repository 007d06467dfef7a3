package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
	"ferrule/cmd/internal/digest"
	"ferrule/cmd/internal/inputs"
	"ferrule/review"
	"ferrule/templates"
)

// runDigest is `ferrule digest`.
func runDigest(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "digest",
		"usage: ferrule digest -c FILE [--dry-run] [--to ADDRESS] [INPUT…]",
		"Mails the current series that need them to the people who asked: digest.subscriptions, --to, and the",
		"MAINTAINERS-routed people digest.maintainers opts in (none by default).",
		"Series come from INPUT when given, else from the store's last review. What a recipient was sent is not sent again.",
	)
	configPath := fs.String("c", "", "config file (smtp, digest); required unless --dry-run")
	dryRun := fs.Bool("dry-run", false, "write the digests to stdout as an mbox and name the recipients, instead of sending; nothing is recorded")
	dbPath := fs.String("db", "", "sqlite store: the reviewed series, and what was already sent (default store.path, else $XDG_DATA_HOME/ferrule/ferrule.db)")
	tree := fs.String("tree", "", "kernel checkout for whole-file analysis and its MAINTAINERS (with INPUT)")
	templatesDir := fs.String("templates", "", "directory of templates overriding the embedded ones")
	only := fs.String("to", "", "send only this recipient's digest (the series MAINTAINERS routes to them, or their subscriptions)")
	if code, ok := cli.ParseFlags(fs, args); !ok {
		return code
	}
	if *configPath == "" && !*dryRun {
		return e.fail("digest", errors.New("-c FILE with an smtp section is needed to send (or use --dry-run)"))
	}
	cfg, err := config.LoadOrDefault(*configPath, *tree)
	if err != nil {
		return e.fail("digest", err)
	}
	if !*dryRun && cfg.SMTP == nil {
		return e.fail("digest", fmt.Errorf("%s has no smtp section", *configPath))
	}
	set, err := templates.Load(cmp.Or(*templatesDir, cfg.Templates))
	if err != nil {
		return e.fail("digest", err)
	}

	var opts *review.IngestOptions // inputs are reviewed as review would
	if fs.NArg() > 0 {
		if opts, err = analysis.Options(cfg.KernelTree, cfg.LeafAllow); err != nil {
			return e.fail("digest", err)
		}
	}
	reports, db, err := inputs.Reports(ctx, &inputs.ReportsQuery{Paths: fs.Args(), Stdin: e.stdin, Options: opts,
		Report: &review.ReportOptions{Weights: cfg.Weights, Now: e.clock()}, DBPath: e.dbPath(*dbPath, cfg), KeepStore: !*dryRun || *dbPath != ""})
	if err != nil {
		return e.fail("digest", err)
	}
	if db != nil {
		defer db.Close()
	}
	g := digest.New(cfg, set, db, e.clock, slog.New(slog.NewTextHandler(e.stderr, nil)))
	verb := "sent"
	if *dryRun {
		g.DryRun, verb = e.stdout, "would send"
	}
	digests := digest.Select(cfg, reports, *only)
	sent, err := g.Send(ctx, digests)
	fmt.Fprintf(e.stderr, "ferrule digest: %s %d digest(s) to %d recipient(s) with something new\n", verb, len(sent), len(digests))
	if len(sent) > 0 {
		fmt.Fprintf(e.stderr, "ferrule digest: recipients: %s\n", strings.Join(sent, ", "))
	}
	if err != nil {
		return e.fail("digest", &cli.RuntimeError{Err: err})
	}
	return cli.ExitOK
}
