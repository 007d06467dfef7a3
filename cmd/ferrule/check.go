package main

import (
	"context"
	"errors"
	"fmt"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
	"ferrule/cmd/internal/inputs"
	"ferrule/cmd/internal/render"
	"ferrule/mail"
	"ferrule/review"
)

// runCheck is `ferrule check`: the review analysis on an author's own
// patches before sending, failing on serious findings.
func runCheck(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "check",
		"usage: ferrule check [flags] PATCH… | ferrule check --git-range A..B",
		"Runs the review analysis on git format-patch files and exits 1 on findings at or above --fail-on.",
	)
	failOn := fs.String("fail-on", "high", "exit 1 when a finding is at or above this severity: critical, high, medium, low or info")
	format := fs.String("format", "text", "output format: text or json")
	tree := fs.String("tree", "", "kernel checkout the patches apply to (whole-file analysis)")
	gitRange := fs.String("git-range", "", "check the commits A..B of the git checkout in the current directory (the tree at A is used)")
	ignoreUncertain := fs.Bool("ignore-uncertain", false, "do not fail on needs-post-image or low-confidence findings")
	configPath := fs.String("c", "", "config file (kernel_tree, rust.leaf_allow)")
	if code, ok := cli.ParseFlags(fs, args); !ok {
		return code
	}
	threshold, ok := review.ParseSeverity(*failOn)
	if !ok {
		return e.fail("check", fmt.Errorf("unknown --fail-on %q", *failOn))
	}
	if (*gitRange == "") == (fs.NArg() == 0) {
		return e.fail("check", errors.New("give patch files or --git-range A..B (not both)"))
	}
	if *format != "text" && *format != "json" {
		return e.fail("check", fmt.Errorf("unknown --format %q (text, json)", *format))
	}
	cfg, err := config.LoadOrDefault(*configPath, *tree)
	if err != nil {
		return e.fail("check", err)
	}
	opts, err := analysis.Options(cfg.KernelTree, cfg.LeafAllow)
	if err != nil {
		return e.fail("check", err)
	}
	var src mail.Source
	if *gitRange != "" {
		if src, err = analysis.GitRange(ctx, *gitRange, opts, *tree != "", cfg.LeafAllow); err != nil {
			return e.fail("check", err)
		}
	} else {
		ms, err := inputs.Files(ctx, fs.Args(), e.stdin, mail.MboxRD)
		if err != nil {
			return e.fail("check", err)
		}
		defer ms.Close()
		src = ms
	}
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		return e.fail("check", cli.Runtime(err))
	}
	rep := review.BuildReport(res, nil)
	if msg := inputs.NoPatches(rep.Messages); msg != "" {
		return e.fail("check", fmt.Errorf("%s: nothing to check", msg)) // a gate must not pass on no patch
	}
	failing, err := render.CheckOutput(e.stdout, rep, *format, threshold, *ignoreUncertain)
	if err != nil {
		return cli.ExitRuntime
	}
	if failing > 0 {
		return cli.ExitFindings
	}
	return cli.ExitOK
}
