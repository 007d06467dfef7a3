package main

import (
	"context"
	"encoding/json"
	"fmt"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/inputs"
	"ferrule/cmd/internal/render"
	"ferrule/cmd/internal/results"
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
	fail := func(code int, err error) int {
		fmt.Fprintf(e.stderr, "ferrule show: %v\n", err)
		return code
	}
	if *format != "text" && *format != "json" {
		return fail(cli.ExitUsage, fmt.Errorf("unknown --format %q (text, json)", *format))
	}
	id, paths, stdin, err := e.inbox(*inbox).Resolve(ctx, fs.Arg(0), fs.Args()[1:], e.stdin)
	if err != nil {
		return fail(cli.Code(err), err)
	}
	cfg, err := loadConfig(*configPath, *tree)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	opts, err := analysis.Options(cfg.KernelTree, cfg.LeafAllow)
	if err != nil {
		return fail(cli.ExitUsage, err)
	}
	opts.Inspect.KeepHunks = true
	var rep *render.ShowReport
	if len(paths) == 0 && *configPath == "" && *tree == "" {
		if rep, err = savedShow(ctx, e.dbPath(*dbPath, cfg), id); err != nil {
			return fail(cli.Code(err), err)
		}
	}
	if rep != nil {
		return writeShow(e, rep, *format)
	}
	s, saved, err := inputs.FindSeries(ctx, &inputs.SeriesQuery{ID: id, Paths: paths, Stdin: stdin,
		DBPath: e.dbPath(*dbPath, cfg), Options: opts, UseSaved: *configPath == "" && *tree == "", Revisions: true})
	if err != nil {
		return fail(cli.Code(err), err)
	}
	if saved != nil {
		rep = render.BuildShowFrom(s, *saved)
	} else {
		rep = render.BuildShow(s, cfg.Weights, e.clock())
	}
	return writeShow(e, rep, *format)
}

// savedShow is the show report from a store's saved review, nil when it
// does not know id (results.Revisions).
func savedShow(ctx context.Context, path, id string) (*render.ShowReport, error) {
	db, err := inputs.OpenStore(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	f, ok, err := results.Revisions(ctx, db, id)
	if err != nil {
		return nil, &inputs.RuntimeError{Err: err}
	}
	if !ok {
		return nil, nil
	}
	return render.BuildShowSaved(f.Versions, f.Cover, f.Current, f.Interdiff), nil
}

func writeShow(e *env, rep *render.ShowReport, format string) int {
	var err error
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = render.ShowText(e.stdout, rep, e.style())
	}
	if err != nil {
		return cli.ExitRuntime
	}
	return cli.ExitOK
}
