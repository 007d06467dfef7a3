// Command ferrule is a patch review assistant for Linux-kernel-style
// mailing lists. It is the only place that reads flags, the environment and
// signals, and that chooses exit codes; the application lives in the
// packages under cmd/internal (config, inputs, results, analysis, render,
// draft, digest, daemon), wired here explicitly.
//
// Usage:
//
//	ferrule review [flags] PATH…          assemble, rank and summarise patch series
//	ferrule review --db DB [PATH…]        the same over the store (PATHs ingested first)
//	ferrule check [flags] PATCH…          pre-flight an author's patches (exit 1 on findings)
//	ferrule show [flags] ID [INPUT…]      one series in full, with the interdiff
//	ferrule reply [flags] ID [INPUT…]     draft a review reply quoting the flagged hunks
//	ferrule thanks [flags] ID [INPUT…]    draft a b4-ty-style "applied, thanks" reply
//	ferrule am [flags] ID [INPUT…]        the newest revision as an mbox for git am (b4 am)
//	ferrule digest -c FILE [--dry-run]    mail digests to the people who asked for them
//	ferrule watch -c FILE                 the daemon: IMAP mailboxes into the store
//	ferrule serve [--db DB]               the saved review as a read-only web page
//	ferrule wrappers --maintainer EMAIL   which of their C symbols Rust uses, from where
//	ferrule config check -c FILE          validate a configuration file
//	ferrule kernel-snapshot [--out DIR] TREE  regenerate the embedded kernel knowledge
//	ferrule version
//	ferrule help [COMMAND]
//
// Flags may follow the arguments ("--" ends them). Without INPUT, show,
// reply, thanks and am read the store (see package
// ferrule/cmd/internal/inputs for which command reads and writes what);
// review, show and am fetch the thread from a public-inbox server with
// --from-inbox URL, or when the ID is a lore URL.
//
// Exit codes: 0 ok, 1 findings at or above --fail-on (check), 2 usage or
// configuration error, 3 runtime error.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/render"
)

// env is what a command may touch of the outside world; tests replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	isTTY          bool // stdout is a terminal
	stderrTTY      bool // stderr is a terminal (progress)
	width          int  // terminal width, 0 when unknown
	now            func() time.Time
	hup            <-chan os.Signal // SIGHUP: reload (watch)
	// tuneGC: the process's collector is ferrule's to tune (the user set
	// neither GOGC nor GOMEMLIMIT, and this is not a test).
	tuneGC bool
}

// command is a subcommand: its name and help, and what runs it.
type command struct {
	cli.Command
	run func(ctx context.Context, e *env, args []string) int
}

var commands []command

func init() {
	// A table rather than registration from other files' init functions,
	// so the full command set is visible in one place.
	commands = []command{
		{cli.Command{Name: "review", Help: "assemble patch series with revisions, trailers, diffs and Rust findings"}, runReview},
		{cli.Command{Name: "check", Help: "check your own patches before sending; exit 1 on serious findings"}, runCheck},
		{cli.Command{Name: "show", Help: "one series in full: versions, trailers, findings with hunks, interdiff"}, runShow},
		{cli.Command{Name: "wrappers", Help: "which of a C maintainer's symbols Rust uses, from where, through bindings or helpers"}, runWrappers},
		{cli.Command{Name: "serve", Help: "serve the saved review as a read-only web page (queue, series, maintainers)"}, runServe},
		{cli.Command{Name: "reply", Help: "draft a review reply with the flagged hunks quoted and a prompt under each"}, runReply},
		{cli.Command{Name: "thanks", Help: "draft a b4-ty-style \"applied, thanks\" reply to a series"}, runThanks},
		{cli.Command{Name: "am", Help: "the newest revision as an mbox for git am, with the trailers from replies (b4 am)"}, runAm},
		{cli.Command{Name: "digest", Help: "mail digests of the series that need them to the people who asked"}, runDigest},
		{cli.Command{Name: "watch", Help: "follow the configured IMAP mailboxes into the store and keep the review current"}, runWatch},
		{cli.Command{Name: "config", Help: "validate a configuration file without running anything"}, runConfig},
		{cli.Command{Name: "kernel-snapshot", Help: "regenerate the embedded kernel knowledge from a kernel tree"}, runSnapshot},
		{cli.Command{Name: "version", Help: "print ferrule's version"}, runVersion},
		{cli.Command{Name: "help", Help: "show the commands, or one command's usage and flags"}, runHelp},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now, hup: hup,
		isTTY: term.IsTerminal(int(os.Stdout.Fd())), stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		tuneGC: os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == ""}
	if e.isTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			e.width = w
		}
	}
	os.Exit(run(ctx, e, os.Args[1:]))
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return cli.ExitUsage
	}
	for _, c := range commands {
		if c.Name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	switch args[0] {
	case "-h", "--help":
		usage(e.stdout)
		return cli.ExitOK
	case "--version", "-version":
		return runVersion(ctx, e, nil)
	}
	fmt.Fprintf(e.stderr, "ferrule: unknown command %q\n", args[0])
	usage(e.stderr)
	return cli.ExitUsage
}

func usage(w io.Writer) {
	cmds := make([]cli.Command, len(commands))
	for i, c := range commands {
		cmds[i] = c.Command
	}
	cli.Usage(w, cmds)
}

// runHelp prints the general usage, or a command's page (its -h, on
// standard output).
func runHelp(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stdout)
		return cli.ExitOK
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprintln(e.stdout, "usage: ferrule help [COMMAND]")
		fmt.Fprintln(e.stdout, "Prints the list of commands, or a command's usage and flags.")
		return cli.ExitOK
	case "version":
		fmt.Fprintln(e.stdout, "usage: ferrule version (or ferrule --version)")
		fmt.Fprintln(e.stdout, "Prints the version and VCS revision ferrule was built from, and the Go version.")
		return cli.ExitOK
	}
	for _, c := range commands {
		if c.Name == args[0] {
			page := *e
			page.stderr = e.stdout
			c.run(ctx, &page, []string{"-h"})
			return cli.ExitOK
		}
	}
	fmt.Fprintf(e.stderr, "ferrule: unknown command %q\n", args[0])
	return cli.ExitUsage
}

// runVersion is `ferrule version` and `ferrule --version`.
func runVersion(ctx context.Context, e *env, args []string) int {
	fmt.Fprintln(e.stdout, "ferrule", cli.Version())
	return cli.ExitOK
}

// style is how text output may look: colour only on a terminal without
// NO_COLOR, titles cut to the terminal's width.
func (e *env) style() render.Style {
	return render.Style{Color: e.isTTY && e.getenv("NO_COLOR") == "", Width: e.width}
}

// fail reports a command's error and returns its exit code (cli.Code):
// ExitOK, and nothing printed, for nil.
func (e *env) fail(command string, err error) int {
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule %s: %v\n", command, err)
	}
	return cli.Code(err)
}

// clock returns the current time (fixed in tests).
func (e *env) clock() time.Time {
	if e.now == nil {
		return time.Time{}
	}
	return e.now()
}
