package main

import (
	"context"
	"fmt"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/render"
)

// runWrappers is `ferrule wrappers`: which of a C maintainer's symbols
// the Rust layer uses, and from where.
func runWrappers(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "wrappers",
		"usage: ferrule wrappers [--maintainer EMAIL] [--tree DIR] [--format text|json] [PATH…]",
		"Lists, for the C files and headers EMAIL maintains (MAINTAINERS F:) or the PATHs given, which of",
		"their symbols the Rust layer uses, from which Rust files, through bindings or helpers, and which",
		"Rust files are theirs to co-maintain. Without --tree, symbols are matched to files by name.",
	)
	maintainer := fs.String("maintainer", "", "the C maintainer's address")
	tree := fs.String("tree", "", "kernel checkout: its MAINTAINERS, its Rust sources, and the files that define each symbol")
	format := fs.String("format", "text", "output format: text or json")
	if code, ok := cli.ParseFlags(fs, args); !ok {
		return code
	}
	if *maintainer == "" && fs.NArg() == 0 {
		fs.Usage()
		return cli.ExitUsage
	}
	if *format != "text" && *format != "json" {
		return e.fail("wrappers", fmt.Errorf("unknown --format %q (text, json)", *format))
	}
	wm, err := analysis.Wrappers(*tree, *maintainer, fs.Args())
	if err != nil {
		return e.fail("wrappers", err)
	}
	out := render.Wrappers
	if *format == "json" {
		out = render.WrappersJSON
	}
	if err := out(e.stdout, wm); err != nil {
		return cli.ExitRuntime
	}
	return cli.ExitOK
}

// runSnapshot is `ferrule kernel-snapshot`: regenerate the embedded kernel
// knowledge (review/rustcheck/snapshot) from any kernel tree.
func runSnapshot(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "kernel-snapshot",
		"usage: ferrule kernel-snapshot [--out DIR] TREE | --data DIR",
		"Writes the embedded kernel knowledge from a kernel tree: the bindings_helper includes, the",
		"rust/helpers and rust/kernel file lists, the whole MAINTAINERS, the C symbols Rust uses",
		"(rust-c-symbols.tsv) and the architectures Rust is built for. --data imports a directory",
		"already in that form (../shared/data/kernel) after checking each file reads.",
	)
	out := fs.String("out", "review/rustcheck/snapshot", "directory to write the snapshot files to")
	data := fs.String("data", "", "import this directory of snapshot files instead of reading a tree")
	if code, ok := cli.ParseFlags(fs, args); !ok {
		return code
	}
	if *data != "" && fs.NArg() == 0 {
		if err := analysis.ImportSnapshot(*data, *out); err != nil {
			return e.fail("kernel-snapshot", cli.Runtime(err))
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", *out)
		return cli.ExitOK
	}
	if fs.NArg() != 1 || *data != "" {
		fs.Usage()
		return cli.ExitUsage
	}
	if err := analysis.WriteSnapshot(fs.Arg(0), *out); err != nil {
		return e.fail("kernel-snapshot", cli.Runtime(err))
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", *out)
	return cli.ExitOK
}
