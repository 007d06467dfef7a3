package main

import (
	"bytes"
	"context"
	"flag"
	"os"

	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/inputs"
	"ferrule/cmd/internal/lore"
	"ferrule/review/am"
)

// runAm is `ferrule am ID [INPUT…]`: b4 am's mbox of the newest revision.
func runAm(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "am",
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
	if code, ok := cli.ParseWithID(fs, args); !ok {
		return code
	}
	id, paths, stdin, err := e.inbox(*inbox).Resolve(ctx, fs.Arg(0), fs.Args()[1:], e.stdin)
	if err != nil {
		return e.fail("am", err)
	}
	var buf bytes.Buffer // written only when whole
	r, err := inputs.Am(ctx, &buf, id, paths, stdin, e.dbPath(*dbPath, nil), &am.Options{AddLink: *link, Unverified: *unverified})
	if err != nil {
		return e.fail("am", err)
	}
	if *out == "-" {
		_, err = e.stdout.Write(buf.Bytes())
	} else {
		err = os.WriteFile(*out, buf.Bytes(), 0o644)
	}
	if err != nil {
		return e.fail("am", &cli.RuntimeError{Err: err})
	}
	_ = r.Summary(e.stderr)
	return cli.ExitOK
}

// inboxFlag is --from-inbox, shared by review, show and am.
func inboxFlag(fs *flag.FlagSet) *string {
	return fs.String("from-inbox", "", "fetch the thread of the ID (review: of each argument) from this public-inbox `URL` (e.g. "+lore.DefaultBase+"), cached in $XDG_CACHE_HOME/ferrule/lore")
}

// inbox is where --from-inbox fetches from and caches.
func (e *env) inbox(base string) *inputs.Inbox {
	return &inputs.Inbox{Base: base, CacheDir: inputs.CacheDir(e.getenv)}
}
