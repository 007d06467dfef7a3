package main

import (
	"context"
	"fmt"

	"ferrule/cmd/internal/analysis"
)

// runSnapshot is `ferrule kernel-snapshot`: regenerate the embedded kernel
// knowledge (review/rustcheck/snapshot) from any kernel tree.
func runSnapshot(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "kernel-snapshot",
		"usage: ferrule kernel-snapshot [--out DIR] TREE",
		"Writes the bindings_helper includes, rust/helpers and rust/kernel file lists and the",
		"MAINTAINERS sections that own Rust files or headers bindgen reads, from a kernel tree.",
	)
	out := fs.String("out", "review/rustcheck/snapshot", "directory to write the snapshot files to")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	if err := analysis.WriteSnapshot(fs.Arg(0), *out); err != nil {
		fmt.Fprintf(e.stderr, "ferrule kernel-snapshot: %v\n", err)
		return exitRuntime
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", *out)
	return exitOK
}
