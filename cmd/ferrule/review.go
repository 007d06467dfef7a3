package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"ferrule/mail"
	"ferrule/review"
	"ferrule/review/maintainers"
	"ferrule/review/rustcheck"
)

func runReview(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := fs.String("format", "text", "output format: text, json or markdown")
	mboxFormat := fs.String("mbox-format", "mboxrd", "quoting of \"From \" lines in mbox input: mboxrd (lore) or mboxo")
	workers := fs.Int("workers", 0, "decoding goroutines (default: number of CPUs)")
	tree := fs.String("tree", "", "kernel checkout: analyse whole files and read its MAINTAINERS, bindings and helpers")
	rust := fs.Bool("rust", true, "run the Rust analysis (-rust=false: assembly only, e.g. as a benchmark baseline)")
	configPath := fs.String("c", "", "config file (kernel_tree, rust.leaf_allow)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: ferrule review [flags] PATH…")
		fmt.Fprintln(e.stderr, "Reads mbox files (mboxrd or mboxo, gzip too), Maildir directories or - (stdin)")
		fmt.Fprintln(e.stderr, "and prints the patch series they hold.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "ferrule review: no input (give a path, or - for stdin)")
		return exitUsage
	}
	render, ok := renderers[*format]
	if !ok {
		fmt.Fprintf(e.stderr, "ferrule review: unknown --format %q (text, json, markdown)\n", *format)
		return exitUsage
	}
	opts := &mail.OpenOptions{Stdin: e.stdin}
	switch *mboxFormat {
	case "mboxrd":
		opts.Mbox.Format = mail.MboxRD
	case "mboxo":
		opts.Mbox.Format = mail.MboxO
	default:
		fmt.Fprintf(e.stderr, "ferrule review: unknown --mbox-format %q (mboxrd, mboxo)\n", *mboxFormat)
		return exitUsage
	}
	src, err := mail.Open(fs.Args(), opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule review: %v\n", err)
		return exitUsage
	}
	defer src.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts2, _, err := configuredAnalysis(*configPath, *tree)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule review: %v\n", err)
		return exitUsage
	}
	opts2.Workers = *workers
	if !*rust {
		opts2.Checkers = nil
	}
	res, err := review.Ingest(ctx, src, opts2)
	if err != nil {
		log.Error("review failed", "err", err)
		return exitRuntime
	}
	if err := render(e.stdout, review.BuildReport(res)); err != nil {
		log.Error("write output", "err", err)
		return exitRuntime
	}
	return exitOK
}

// configuredAnalysis applies a config file (if any) under the flags: a
// --tree flag wins over kernel_tree. It also returns the leaf allow-list.
func configuredAnalysis(configPath, tree string) (*review.IngestOptions, []string, error) {
	var leafAllow []string
	if configPath != "" {
		c, err := loadConfig(configPath)
		if err != nil {
			return nil, nil, err
		}
		if tree == "" {
			tree = c.KernelTree
		}
		leafAllow = c.Rust.LeafAllow
	}
	opts, err := analysisOptions(tree, leafAllow)
	return opts, leafAllow, err
}

// analysisOptions wires the Rust checker and MAINTAINERS routing, from a
// kernel tree when one is given, else from the embedded snapshot.
func analysisOptions(tree string, leafAllow []string) (*review.IngestOptions, error) {
	knowledge, maint := rustcheck.Snapshot(), defaultMaintainers()
	opts := &review.IngestOptions{}
	if tree != "" {
		k, m, err := loadTree(tree)
		if err != nil {
			return nil, err
		}
		knowledge, maint = k, m
		opts.Tree = kernelTree{root: tree}
	}
	opts.Checkers, opts.Route = checkersFor(knowledge, maint, leafAllow)
	return opts, nil
}

func checkersFor(k *rustcheck.Knowledge, m *maintainers.File, leafAllow []string) ([]review.Checker, *review.RouteOptions) {
	return []review.Checker{rustcheck.New(&rustcheck.Options{Knowledge: k, LeafAllow: leafAllow})},
		&review.RouteOptions{Maintainers: m, Wraps: k.WrappedHeaders}
}

var renderers = map[string]func(io.Writer, *review.Report) error{
	"json":     renderJSON,
	"text":     renderText,
	"markdown": renderMarkdown,
}

func renderJSON(w io.Writer, r *review.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
