package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"ferrule/mail"
	"ferrule/review"
	"ferrule/review/maintainers"
	"ferrule/review/rustcheck"
	"ferrule/store"
)

func runReview(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := fs.String("format", "text", "output format: text, json or markdown")
	mboxFormat := fs.String("mbox-format", "mboxrd", "quoting of \"From \" lines in mbox input: mboxrd (lore) or mboxo")
	workers := fs.Int("workers", 0, "decoding goroutines (default: number of CPUs)")
	tree := fs.String("tree", "", "kernel checkout: analyse whole files and read its MAINTAINERS, bindings and helpers")
	rust := fs.Bool("rust", true, "run the Rust analysis (-rust=false: assembly only, e.g. as a benchmark baseline)")
	configPath := fs.String("c", "", "config file (kernel_tree, rust.leaf_allow, ranking)")
	var paths multiFlag
	fs.Var(&paths, "path", "keep series touching a file matching this lei dfn:-style glob (repeatable)")
	maintainer := fs.String("maintainer", "", "keep series that MAINTAINERS routes to this address")
	since := fs.String("since", "", "keep series with messages on or after this date (YYYY-MM-DD or RFC 3339)")
	tier := fs.String("tier", "", "keep series of this tier: must-look, should-look or fyi")
	limit := fs.Int("limit", 0, "show at most this many series")
	dbPath := fs.String("db", "", "sqlite store: ingest the inputs into it, then review everything it holds")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: ferrule review [flags] PATH…")
		fmt.Fprintln(e.stderr, "Reads mbox files (mboxrd or mboxo, gzip too), Maildir directories or - (stdin)")
		fmt.Fprintln(e.stderr, "and prints the patch series they hold.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 && *dbPath == "" {
		fmt.Fprintln(e.stderr, "ferrule review: no input (give a path, - for stdin, or --db PATH)")
		return exitUsage
	}
	render, ok := renderers[*format]
	if !ok {
		fmt.Fprintf(e.stderr, "ferrule review: unknown --format %q (text, json, markdown)\n", *format)
		return exitUsage
	}
	filter := &review.Filter{Paths: paths, Maintainer: *maintainer, Tier: review.Tier(*tier)}
	switch filter.Tier {
	case "", review.MustLook, review.ShouldLook, review.FYI:
	default:
		fmt.Fprintf(e.stderr, "ferrule review: unknown --tier %q (must-look, should-look, fyi)\n", *tier)
		return exitUsage
	}
	if *since != "" {
		t, err := parseSince(*since)
		if err != nil {
			fmt.Fprintf(e.stderr, "ferrule review: --since: %v\n", err)
			return exitUsage
		}
		filter.Since = t
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
	var src mail.Source
	var progress sizer
	var db *store.DB
	if *dbPath != "" {
		var err error
		db, src, err = storeSource(ctx, e, *dbPath, fs.Args(), false)
		if err != nil {
			fmt.Fprintf(e.stderr, "ferrule review: %v\n", err)
			return exitUsage
		}
		defer db.Close()
	} else {
		ms, err := mail.Open(fs.Args(), opts)
		if err != nil {
			fmt.Fprintf(e.stderr, "ferrule review: %v\n", err)
			return exitUsage
		}
		defer ms.Close()
		src, progress = ms, ms
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts2, _, err := configuredAnalysis(*configPath, *tree)
	weights, werr := configuredWeights(*configPath)
	if werr != nil {
		err = werr
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule review: %v\n", err)
		return exitUsage
	}
	opts2.Workers = *workers
	stopProgress := startProgress(e, opts2, progress)
	if !*rust {
		opts2.Checkers = nil
	}
	res, err := review.Ingest(ctx, src, opts2)
	stopProgress()
	if err != nil {
		log.Error("review failed", "err", err)
		return exitRuntime
	}
	if db != nil {
		// The store keeps every series' full report; filters only shape
		// what is printed.
		if err := db.SaveReview(ctx, review.BuildReport(res, &review.ReportOptions{Weights: weights, Now: e.clock()}).Series); err != nil {
			log.Error("save review", "err", err)
			return exitRuntime
		}
	}
	rep := review.BuildReport(res, &review.ReportOptions{Weights: weights, Filter: filter, Limit: *limit, Now: e.clock()})
	if err := render(e.stdout, rep, textStyle(e)); err != nil {
		log.Error("write output", "err", err)
		return exitRuntime
	}
	return exitOK
}

// configuredAnalysis applies a config file (if any) under the flags: a
// --tree flag wins over kernel_tree. It also returns the leaf allow-list.
func configuredAnalysis(configPath, tree string) (*review.IngestOptions, []string, error) {
	c := &Config{}
	if configPath != "" {
		var err error
		if c, err = loadConfig(configPath); err != nil {
			return nil, nil, err
		}
	}
	opts, err := c.analysis(tree)
	return opts, c.Rust.LeafAllow, err
}

// analysis is analysisOptions for a loaded config; a --tree flag wins
// over kernel_tree.
func (c *Config) analysis(tree string) (*review.IngestOptions, error) {
	if tree == "" {
		tree = c.KernelTree
	}
	return analysisOptions(tree, c.Rust.LeafAllow)
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

var renderers = map[string]func(io.Writer, *review.Report, style) error{
	"json":     renderJSON,
	"text":     renderText,
	"markdown": renderMarkdown,
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func parseSince(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not YYYY-MM-DD or RFC 3339", v)
}

// startProgress shows a progress bar on a terminal stderr once the input
// has taken more than a second (a message count when the input's size is
// unknown: stdin, gzip, Maildir); the returned func clears it.
func startProgress(e *env, opts *review.IngestOptions, src sizer) func() {
	if !e.stderrTTY {
		return func() {}
	}
	start := time.Now()
	shown := false
	opts.Progress = func(done int) {
		el := time.Since(start)
		if el <= time.Second {
			return
		}
		shown = true
		var read, size int64
		if src != nil {
			read, size = src.BytesRead(), src.Size()
		}
		fmt.Fprintf(e.stderr, "\r%s", progressLine(done, read, size, el))
	}
	return func() {
		if shown {
			fmt.Fprint(e.stderr, "\r\033[K")
		}
	}
}

// sizer is an input that knows how far it has been read.
type sizer interface {
	BytesRead() int64
	Size() int64
}

// progressLine draws "[=====>    ]  45% 10234 messages" (or only the
// count without a known size).
func progressLine(done int, read, size int64, el time.Duration) string {
	rate := float64(done) / el.Seconds()
	if size <= 0 {
		return fmt.Sprintf("ferrule: %d messages (%.0f/s)", done, rate)
	}
	const width = 30
	frac := min(float64(read)/float64(size), 1)
	filled := int(frac * width)
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	return fmt.Sprintf("[%s] %3.0f%% %d messages (%.0f/s)", bar, frac*100, done, rate)
}

func renderJSON(w io.Writer, r *review.Report, _ style) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
