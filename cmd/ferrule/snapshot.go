package main

import (
	"context"
	"fmt"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
)

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
