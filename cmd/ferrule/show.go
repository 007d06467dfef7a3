package main

import (
	"context"
	"fmt"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
	"ferrule/cmd/internal/inputs"
	"ferrule/cmd/internal/render"
)

// runShow is `ferrule show ID [INPUT…]`.
func runShow(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "show",
		"usage: ferrule show [flags] ID [INPUT…]",
		"ID is a series id, the Message-ID of any of its messages (with or without <>), or a lore URL.",
		"Shows every version, trailers, files, findings with their hunks, and the interdiff from the previous version.",
	)
	format := fs.String("format", "text", "output format: text or json")
	tree := fs.String("tree", "", "kernel checkout for whole-file analysis")
	configPath := fs.String("c", "", "config file")
	inbox := inboxFlag(fs)
	dbPath := fs.String("db", "", "sqlite store to read when no input is given (default $XDG_DATA_HOME/ferrule/ferrule.db)")
	if code, ok := cli.ParseWithID(fs, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		return e.fail("show", fmt.Errorf("unknown --format %q (text, json)", *format))
	}
	id, paths, stdin, err := e.inbox(*inbox).Resolve(ctx, fs.Arg(0), fs.Args()[1:], e.stdin)
	if err != nil {
		return e.fail("show", err)
	}
	cfg, err := config.LoadOrDefault(*configPath, *tree)
	if err != nil {
		return e.fail("show", err)
	}
	if len(paths) == 0 && *configPath == "" && *tree == "" {
		f, ok, err := inputs.SavedRevisions(ctx, e.dbPath(*dbPath, cfg), id)
		if err != nil {
			return e.fail("show", err)
		}
		if ok {
			rep := render.BuildShowSaved(f.Versions, f.Cover, f.Current, f.Interdiff)
			return e.fail("show", cli.Runtime(render.ShowOutput(e.stdout, rep, *format, e.style())))
		}
	}
	opts, err := analysis.Options(cfg.KernelTree, cfg.LeafAllow) // not needed by the saved review above
	if err != nil {
		return e.fail("show", err)
	}
	// Recipients are not printed, and hunks are read again for the
	// series printed only (kept for all from stdin, read once).
	opts.DropRecipients = true
	reread := inputs.Rereadable(paths)
	opts.Inspect.KeepHunks = !reread
	s, saved, err := inputs.FindSeries(ctx, &inputs.SeriesQuery{ID: id, Paths: paths, Stdin: stdin,
		DBPath: e.dbPath(*dbPath, cfg), Options: opts, UseSaved: *configPath == "" && *tree == "", Revisions: true})
	if err == nil && reread {
		err = inputs.Hunks(ctx, paths, stdin, e.dbPath(*dbPath, cfg), s)
	}
	if err != nil {
		return e.fail("show", err)
	}
	var rep *render.ShowReport
	if saved != nil {
		rep = render.BuildShowFrom(s, *saved)
	} else {
		rep = render.BuildShow(s, cfg.Weights, e.clock())
	}
	return e.fail("show", cli.Runtime(render.ShowOutput(e.stdout, rep, *format, e.style())))
}
