package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"ferrule/mail"
	"ferrule/review"
)

// runCheck is `ferrule check`: the review analysis on an author's own
// patches before sending, failing on serious findings.
func runCheck(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	failOn := fs.String("fail-on", "high", "exit 1 when a finding is at or above this severity: critical, high, medium, low or info")
	format := fs.String("format", "text", "output format: text or json")
	tree := fs.String("tree", "", "kernel checkout the patches apply to (whole-file analysis)")
	gitRange := fs.String("git-range", "", "check the commits A..B of the git checkout in the current directory (the tree at A is used)")
	ignoreUncertain := fs.Bool("ignore-uncertain", false, "do not fail on needs-post-image or low-confidence findings")
	configPath := fs.String("c", "", "config file (kernel_tree, rust.leaf_allow)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: ferrule check [flags] PATCH… | ferrule check --git-range A..B")
		fmt.Fprintln(e.stderr, "Runs the review analysis on git format-patch files and exits 1 on findings at or above --fail-on.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	threshold, ok := review.ParseSeverity(*failOn)
	if !ok {
		fmt.Fprintf(e.stderr, "ferrule check: unknown --fail-on %q\n", *failOn)
		return exitUsage
	}
	if (*gitRange == "") == (fs.NArg() == 0) {
		fmt.Fprintln(e.stderr, "ferrule check: give patch files or --git-range A..B (not both)")
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(e.stderr, "ferrule check: unknown --format %q (text, json)\n", *format)
		return exitUsage
	}

	opts, leafAllow, err := configuredAnalysis(*configPath, *tree)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule check: %v\n", err)
		return exitUsage
	}
	var src mail.Source
	if *gitRange != "" {
		base, _, ok := strings.Cut(*gitRange, "..")
		if !ok || base == "" {
			fmt.Fprintf(e.stderr, "ferrule check: --git-range wants A..B, got %q\n", *gitRange)
			return exitUsage
		}
		patches, err := exec.CommandContext(ctx, "git", "format-patch", "--stdout", *gitRange).Output()
		if err != nil {
			fmt.Fprintf(e.stderr, "ferrule check: git format-patch %s: %v\n", *gitRange, gitError(err))
			return exitUsage
		}
		src = mail.NewMboxReader(bytes.NewReader(patches), *gitRange, nil)
		if *tree == "" {
			if k, m, err := loadTree("."); err == nil {
				opts.Checkers, opts.Route = checkersFor(k, m, leafAllow)
			}
			opts.Tree = gitTree{ctx: ctx, rev: base}
		}
	} else {
		ms, err := mail.Open(fs.Args(), &mail.OpenOptions{Stdin: e.stdin})
		if err != nil {
			fmt.Fprintf(e.stderr, "ferrule check: %v\n", err)
			return exitUsage
		}
		defer ms.Close()
		src = ms
	}
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule check: %v\n", err)
		return exitRuntime
	}
	rep := review.BuildReport(res, nil)
	failing := 0
	for _, f := range allFindings(rep) {
		if f.Severity.Rank() >= threshold.Rank() && (!*ignoreUncertain || f.Confidence == review.Certain) {
			failing++
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return exitRuntime
		}
	} else if err := renderCheck(e.stdout, rep, threshold, failing); err != nil {
		return exitRuntime
	}
	if failing > 0 {
		return exitFindings
	}
	return exitOK
}

func allFindings(rep *review.Report) []review.Finding {
	var out []review.Finding
	for _, s := range rep.Series {
		for _, p := range s.Patches {
			out = append(out, p.Findings...)
		}
		out = append(out, s.Findings...)
	}
	return out
}

// renderCheck prints every finding with its excerpt, patch by patch.
func renderCheck(w io.Writer, rep *review.Report, threshold review.Severity, failing int) error {
	ew := &errWriter{w: w}
	counts := map[review.Severity]int{}
	for _, s := range rep.Series {
		for _, p := range s.Patches {
			if len(p.Findings) == 0 {
				continue
			}
			ew.printf("%s\n", p.Subject)
			for _, f := range p.Findings {
				counts[f.Severity]++
				ew.printf("  %s\n", findingText(f))
				for _, l := range strings.Split(strings.TrimRight(f.Excerpt, "\n"), "\n") {
					if l != "" {
						ew.printf("      | %s\n", l)
					}
				}
			}
			ew.printf("\n")
		}
		for _, f := range s.Findings {
			counts[f.Severity]++
			ew.printf("series %s: %s\n", s.Title, findingText(f))
		}
	}
	var parts []string
	for _, sev := range []review.Severity{review.Critical, review.High, review.Medium, review.Low, review.Info} {
		if counts[sev] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[sev], sev))
		}
	}
	if len(parts) == 0 {
		parts = []string{"no findings"}
	}
	ew.printf("%s; %d at or above %s\n", strings.Join(parts, ", "), failing, threshold)
	return ew.err
}

// gitTree reads files at a revision of the git checkout in the current
// directory.
type gitTree struct {
	ctx context.Context
	rev string
}

func (g gitTree) ReadFile(path string) ([]byte, bool) {
	if strings.HasPrefix(path, "-") || strings.Contains(path, "..") {
		return nil, false
	}
	out, err := exec.CommandContext(g.ctx, "git", "show", g.rev+":"+path).Output()
	return out, err == nil
}

func gitError(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%s", strings.TrimSpace(string(ee.Stderr)))
	}
	return err
}
