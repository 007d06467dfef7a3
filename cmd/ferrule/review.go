package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/inputs"
	"ferrule/cmd/internal/render"
	"ferrule/cmd/internal/results"
	"ferrule/mail"
	"ferrule/review"
	"ferrule/store"
)

func runReview(ctx context.Context, e *env, args []string) (code int) {
	fs := cli.NewFlagSet(e.stderr, "review",
		"usage: ferrule review [flags] PATH…",
		"Reads mbox files (mboxrd or mboxo, gzip too), Maildir directories or - (stdin)",
		"and prints the patch series they hold.",
	)
	format := fs.String("format", "text", "output format: text, json or markdown")
	mboxFormat := fs.String("mbox-format", "mboxrd", "quoting of \"From \" lines in mbox input: mboxrd (lore) or mboxo")
	inbox := inboxFlag(fs)
	workers := fs.Int("workers", 0, "decoding goroutines (default: number of CPUs)")
	tree := fs.String("tree", "", "kernel checkout: analyse whole files and read its MAINTAINERS, bindings and helpers")
	rust := fs.Bool("rust", true, "run the Rust analysis (-rust=false: assembly only, e.g. as a benchmark baseline)")
	configPath := fs.String("c", "", "config file (kernel_tree, rust.leaf_allow, ranking)")
	var which analysis.FilterFlags
	which.Register(fs)
	all := fs.Bool("all", false, "text: list every series, not only the queue's must-look and should-look ones (on inputs of more than 20 series)")
	verbose := fs.Bool("verbose", false, "text: print every reason, not the first five")
	limit := fs.Int("limit", 0, "show at most this many series")
	dbPath := fs.String("db", "", "sqlite store: ingest the inputs into it, review everything it holds and save the results; without inputs (and without -c, --tree, --since, -rust=false) print the saved results")
	if code, ok := cli.ParseFlags(fs, args); !ok {
		return code
	}
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(e.stderr, "ferrule review: "+format+"\n", args...)
		return cli.ExitUsage
	}
	fetched, stdin, fetchErr := e.inbox(*inbox).Paths(ctx, fs.Args(), e.stdin)
	if fetchErr != nil {
		fmt.Fprintf(e.stderr, "ferrule review: %v\n", fetchErr)
		return cli.Code(fetchErr)
	}
	e.stdin = stdin
	_ = fs.Parse(append([]string{"--"}, fetched...)) // fs.Args() are the files now
	if fs.NArg() == 0 && *dbPath == "" {
		return usageErr("no input (give a path, - for stdin, or --db PATH)")
	}
	renderer, ok := render.Formats[*format]
	if !ok {
		return usageErr("unknown --format %q (text, json, markdown)", *format)
	}
	filter, err := which.Filter(e.clock())
	if err != nil {
		return usageErr("%v", err)
	}
	var quoting mail.MboxFormat
	if err := quoting.Set(*mboxFormat); err != nil {
		return usageErr("--mbox-format: %v", err)
	}
	cfg, err := loadConfig(*configPath, *tree)
	if err != nil {
		return usageErr("%v", err)
	}
	opts, err := analysis.Options(cfg.KernelTree, cfg.LeafAllow)
	if err != nil {
		return usageErr("%v", err)
	}
	opts.State = &review.StateOptions{StaleAfter: cfg.StaleAfter}
	// Series routed to you weigh more: your `me:` addresses, and the one
	// --maintainer asks about.
	me := append([]string{}, cfg.Me...)
	if which.Maintainer != "" {
		me = append(me, which.Maintainer)
	}
	st := e.style()
	st.All, st.Verbose = *all || len(filter.States) > 0 || filter.Tier != "", *verbose
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	runtimeErr := func(msg string, err error) int {
		log.Error(msg, "err", err)
		return cli.ExitRuntime
	}
	var src mail.Source
	var progress render.Sizer
	if fs.NArg() > 0 {
		ms, err := inputs.Files(fs.Args(), e.stdin, quoting)
		if err != nil {
			return usageErr("%v", err)
		}
		defer ms.Close()
		src, progress = ms, ms
	}
	var db *store.DB
	var tee *inputs.StoreReview
	if *dbPath != "" {
		// The store is reviewed, and the inputs go into it as they are.
		if db, err = inputs.Ingest(ctx, *dbPath, nil); errors.Is(err, inputs.ErrNoStorePath) {
			return usageErr("%v", err)
		} else if err != nil {
			return runtimeErr("store", err)
		}
		defer db.Close()
		if src == nil && *configPath == "" && *tree == "" && *rust && which.Since == "" {
			rep, ok, err := results.Stored(ctx, db, filter, *limit)
			if err != nil {
				return runtimeErr("read saved review", err)
			}
			if ok {
				return writeReport(e, log, renderer, rep, st)
			}
		}
		tee = inputs.NewStoreReview(ctx, db, src)
		defer tee.Close()
		src, progress, opts.Tee = tee, nil, tee.Tee
	}
	opts.Workers = *workers
	// A list-wide review prints no recipients: keep To and Cc off the
	// posts (reply and digest, which need them, keep them).
	opts.DropRecipients = true
	stopProgress := func() {}
	if e.stderrTTY { // a progress bar once the review takes more than a second
		opts.Progress, stopProgress = render.Progress(e.stderr, progress)
	}
	if !*rust {
		opts.Checkers = nil
	}
	res, err := review.Ingest(ctx, src, opts)
	stopProgress()
	if tee != nil {
		if _, err := tee.Close(); err != nil {
			return runtimeErr("store", err)
		}
	}
	if res == nil {
		return runtimeErr("review failed", err)
	}
	if readErr := err; readErr != nil { // a cut input (truncated .gz): what came before is printed, then the error
		defer func() { code = max(code, runtimeErr("input cut short", readErr)) }()
	}
	if db != nil {
		// The store keeps every series' full report; filters only shape
		// what is printed.
		if err := results.Save(ctx, db, res, review.BuildReport(res, &review.ReportOptions{Weights: cfg.Weights, Now: e.clock(), Me: cfg.Me})); err != nil {
			return runtimeErr("save review", err)
		}
	}
	return writeReport(e, log, renderer, review.BuildReport(res, &review.ReportOptions{Weights: cfg.Weights, Filter: filter, Limit: *limit, Now: e.clock(), Me: me}), st)
}

func writeReport(e *env, log *slog.Logger, renderer func(w io.Writer, r *review.Report, st render.Style) error, rep *review.Report, st render.Style) int {
	if err := renderer(e.stdout, rep, st); err != nil {
		log.Error("write output", "err", err)
		return cli.ExitRuntime
	}
	if msg := inputs.NoPatches(rep.Messages); msg != "" {
		fmt.Fprintf(e.stderr, "ferrule review: %s\n", msg)
	}
	return cli.ExitOK
}
