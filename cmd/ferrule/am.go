package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"ferrule/cmd/internal/inputs"
	"ferrule/cmd/internal/lore"
	"ferrule/review"
	"ferrule/review/am"
)

// runAm is `ferrule am ID [INPUT…]`: b4 am's mbox of the newest revision.
func runAm(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "am",
		"usage: ferrule am [flags] ID [INPUT…]",
		"Writes the newest revision of the series holding ID as an mbox ready for git am, with the",
		"trailers given in replies added as b4 am adds them. Without INPUT the store is read, or the",
		"thread is fetched from a public-inbox server (--from-inbox, or when ID is a lore URL).",
	)
	out := fs.String("o", "-", "write the mbox to `FILE` (- for standard output)")
	link := fs.Bool("add-link", false, "add \"Link: https://patch.msgid.link/<Message-ID>\" to every patch")
	unverified := fs.Bool("unverified", false, "also add trailers whose person is not the reply's sender (b4 --sloppy-trailers)")
	inbox := inboxFlag(fs)
	dbPath := fs.String("db", "", "sqlite store to read when no input is given (default $XDG_DATA_HOME/ferrule/ferrule.db)")
	if code, ok := parseWithID(fs, args); !ok {
		return code
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(e.stderr, "ferrule am: %v\n", err)
		return code
	}
	id, paths, stdin, err := fetchID(ctx, e, *inbox, fs.Arg(0), fs.Args()[1:])
	if err != nil {
		return fail(exitRuntime, err)
	}
	again, err := replayable(stdin, paths)
	if err != nil {
		return fail(exitRuntime, err)
	}
	q := &inputs.SeriesQuery{ID: id, Paths: paths, Stdin: again(), DBPath: e.dbPath(*dbPath, nil), UseSaved: true, Revisions: true}
	found, _, err := inputs.FindSeries(ctx, q)
	if err != nil {
		return fail(errCode(err), err)
	}
	s := am.Latest(found)
	raw, err := rawMessages(ctx, paths, again(), q.DBPath, s)
	if err != nil {
		return fail(errCode(err), err)
	}
	var buf bytes.Buffer
	r, err := am.Write(&buf, s, raw, &am.Options{AddLink: *link, Unverified: *unverified})
	if err != nil {
		return fail(exitRuntime, err)
	}
	if *out == "-" {
		_, err = e.stdout.Write(buf.Bytes())
	} else {
		err = os.WriteFile(*out, buf.Bytes(), 0o644)
	}
	if err != nil {
		return fail(exitRuntime, err)
	}
	for _, p := range r.Patches {
		fmt.Fprintf(e.stderr, "  %s\n", p.Subject)
		for _, l := range p.Added {
			fmt.Fprintf(e.stderr, "    + %s\n", l)
		}
		for _, t := range p.Skipped {
			fmt.Fprintf(e.stderr, "    ! %s: %s (not from the reply's sender; --unverified adds it)\n", t.Name, t.Value)
		}
	}
	if len(r.Missing) > 0 {
		fmt.Fprintf(e.stderr, "ferrule am: WARNING: the series lacks patch(es) %v\n", r.Missing)
	}
	return exitOK
}

// rawMessages reads the raw messages of s's patches again (review drops
// them): from the inputs, else from the store.
func rawMessages(ctx context.Context, paths []string, stdin io.Reader, dbPath string, s *review.Series) (am.RawFunc, error) {
	ids := am.MessageIDs(s)
	src, done, err := inputs.Messages(ctx, paths, stdin, dbPath, ids)
	if err != nil {
		return nil, err
	}
	defer done()
	return am.Collect(ctx, src, ids)
}

// replayable lets standard input be read twice (the series, then its raw
// messages) when "-" is among the paths.
func replayable(stdin io.Reader, paths []string) (func() io.Reader, error) {
	if !slices.Contains(paths, "-") {
		return func() io.Reader { return stdin }, nil
	}
	b, err := io.ReadAll(stdin)
	if err != nil {
		return nil, fmt.Errorf("read stdin: %w", err)
	}
	return func() io.Reader { return bytes.NewReader(b) }, nil
}

// inboxFlag is --from-inbox, shared by review, show and am.
func inboxFlag(fs *flag.FlagSet) *string {
	return fs.String("from-inbox", "", "fetch the thread of the ID (review: of each argument) from this public-inbox `URL` (e.g. "+lore.DefaultBase+"), cached in $XDG_CACHE_HOME/ferrule/lore")
}

// isURL reports whether an ID was given as a lore or patch.msgid.link URL.
func isURL(s string) bool { return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") }

// fetchID resolves a command's ID and inputs: with --from-inbox, or when
// the ID is a URL and no input is given, the thread is downloaded (or
// taken from the cache) and becomes the input; else they are as given.
func fetchID(ctx context.Context, e *env, base, arg string, paths []string) (id string, _ []string, stdin io.Reader, err error) {
	if base == "" && (len(paths) > 0 || !isURL(arg)) {
		return inputs.ParseID(arg), paths, e.stdin, nil
	}
	if len(paths) > 0 {
		return "", nil, nil, fmt.Errorf("--from-inbox takes no INPUT (got %s)", paths[0])
	}
	cache := e.getenv("XDG_CACHE_HOME")
	if cache == "" && e.getenv("HOME") != "" {
		cache = filepath.Join(e.getenv("HOME"), ".cache")
	}
	o := &lore.Options{Base: base}
	if cache != "" {
		o.CacheDir = filepath.Join(cache, "ferrule", "lore")
	}
	th, err := lore.Fetch(ctx, arg, o)
	if err != nil {
		return "", nil, nil, err
	}
	if th.Path != "" {
		return th.MessageID, []string{th.Path}, e.stdin, nil
	}
	r, err := th.Reader()
	if err != nil {
		return "", nil, nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return "", nil, nil, fmt.Errorf("read %s: %w", th.URL, err)
	}
	return th.MessageID, []string{"-"}, bytes.NewReader(b), nil
}

// fetchArgs is --from-inbox for review: every argument (with base) or
// every URL argument is a thread to fetch, replaced in fs's arguments by
// the cached mbox (or by standard input when there is no cache).
func fetchArgs(ctx context.Context, e *env, fs *flag.FlagSet, base string) error {
	var paths []string
	for _, a := range fs.Args() {
		if base == "" && !isURL(a) {
			paths = append(paths, a)
			continue
		}
		_, p, stdin, err := fetchID(ctx, e, base, a, nil)
		if err != nil {
			return err
		}
		if p[0] == "-" && slices.Contains(paths, "-") {
			return fmt.Errorf("no cache directory (set XDG_CACHE_HOME or HOME) for a second thread")
		}
		paths, e.stdin = append(paths, p...), stdin
	}
	return fs.Parse(append([]string{"--"}, paths...))
}
