package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
	"ferrule/cmd/internal/inputs"
	"ferrule/cmd/internal/render"
	"ferrule/mail"
	"ferrule/review"
)

func runReview(ctx context.Context, e *env, args []string) int {
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
	noFsync := fs.Bool("no-fsync", false, "with --db: do not wait for the disk when writing the store (as public-inbox-index --no-fsync), for a first import of an archive: safe if ferrule is killed, but a kernel crash or power loss can corrupt the store")
	if code, ok := cli.ParseFlags(fs, args); !ok {
		return code
	}
	fetched, stdin, fetchErr := e.inbox(*inbox).Paths(ctx, fs.Args(), e.stdin)
	if fetchErr != nil {
		return e.fail("review", fetchErr)
	}
	e.stdin = stdin
	_ = fs.Parse(append([]string{"--"}, fetched...)) // fs.Args() are the files now
	if fs.NArg() == 0 && *dbPath == "" {
		return e.fail("review", inputs.ErrNoInput) // before loading anything
	}
	if *noFsync && *dbPath == "" {
		return e.fail("review", errors.New("--no-fsync is for writing a store: give --db PATH"))
	}
	renderer, ok := render.Formats[*format]
	if !ok {
		return e.fail("review", fmt.Errorf("unknown --format %q (text, json, markdown)", *format))
	}
	filter, err := which.Filter(e.clock())
	if err != nil {
		return e.fail("review", err)
	}
	var quoting mail.MboxFormat
	if err := quoting.Set(*mboxFormat); err != nil {
		return e.fail("review", fmt.Errorf("--mbox-format: %w", err))
	}
	cfg, err := config.LoadOrDefault(*configPath, *tree)
	if err != nil {
		return e.fail("review", err)
	}
	opts, err := analysis.Options(cfg.KernelTree, cfg.LeafAllow)
	if err != nil {
		return e.fail("review", err)
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
	opts.Workers = *workers
	// A list-wide review prints no recipients: keep To and Cc off the
	// posts (reply and digest, which need them, keep them).
	opts.DropRecipients = true
	if !*rust {
		opts.Checkers = nil
	}
	now := e.clock() // one time for both reports, which can then be one
	job := &inputs.ReviewJob{Paths: fs.Args(), Stdin: e.stdin, Quoting: quoting, DBPath: *dbPath, Options: opts,
		NoSync:     *noFsync,
		UseSaved:   *configPath == "" && *tree == "" && *rust && which.Since == "",
		Printed:    review.ReportOptions{Weights: cfg.Weights, Filter: filter, Limit: *limit, Now: now, Me: me},
		Saved:      review.ReportOptions{Weights: cfg.Weights, Now: now, Me: cfg.Me},
		PrintsJSON: *format == "json"}
	if e.stderrTTY { // a progress bar once the review takes more than a second
		job.Progress = func(src mail.Source) (func(int), func()) {
			sizer, _ := src.(render.Sizer)
			return render.Progress(e.stderr, sizer)
		}
	}
	job.Print = func(rep *review.Report) error { return writeReport(e, renderer, rep, st) }
	if e.tuneGC { // a list's review holds ~50 MB live: collect lazily below 128 MiB
		defer cli.StartingHeap(128 << 20)()
	}
	cut, err := job.Run(ctx)
	if err == nil && cut != nil { // what came before is printed, then the error
		err = cli.Runtime(fmt.Errorf("input cut short: %w", cut))
	}
	return e.fail("review", err)
}

// writeReport prints rep, then says when the input held no patch.
func writeReport(e *env, renderer func(w io.Writer, r *review.Report, st render.Style) error, rep *review.Report, st render.Style) error {
	if err := renderer(e.stdout, rep, st); err != nil {
		return err
	}
	if msg := inputs.NoPatches(rep.Messages); msg != "" {
		fmt.Fprintf(e.stderr, "ferrule review: %s\n", msg)
	}
	return nil
}
