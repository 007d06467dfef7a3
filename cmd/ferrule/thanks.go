package main

import (
	"context"

	"ferrule/cmd/internal/applied"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/draft"
	"ferrule/cmd/internal/inputs"
	fmail "ferrule/mail"
	"ferrule/templates"
)

// runThanks is `ferrule thanks ID [INPUT…]`: b4 ty's "applied" reply.
func runThanks(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "thanks",
		"usage: ferrule thanks [flags] ID [INPUT…]",
		"Drafts a b4-ty-style \"Applied, thanks!\" reply to the series' cover letter (or first patch).",
		"A thanks template may use b4's ${fromname}, ${subject}, ${quote}, ${summary}, … variables.",
		"With --tree, ${summary} has b4 ty's \"commit:\" lines: each patch found in that git tree by patch-id.",
	)
	var d draft.Flags
	d.Register(fs)
	fs.Lookup("tree").Usage = "the git tree the series was applied to: ${summary} gets b4 ty's commit: lines (found by patch-id)"
	branch := fs.String("branch", "", "the branch the series was applied to (${branch})")
	treeName := fs.String("treename", "", `the tree's name (${treename}, default "local tree")`)
	if code, ok := cli.ParseWithID(fs, args); !ok {
		return code
	}
	tree := d.Tree
	d.Tree = "" // not an analysis tree: thanks shows no findings
	// With --tree the input is read twice (the series, then its patches).
	stdin, err := inputs.Replayable(e.stdin, fs.Args()[1:])
	if err != nil {
		return e.fail("thanks", cli.Runtime(err))
	}
	e.stdin = stdin()
	return runDraft(ctx, e, "thanks", &d, fs.Args(), draft.PickCover, func(t *draft.Target, me fmail.Address) (string, any, error) {
		data := draft.ThanksData(t, me, *branch, *treeName)
		if tree == "" {
			return templates.Thanks, data, nil
		}
		raw, err := inputs.Raw(ctx, fs.Args()[1:], stdin(), e.dbPath(d.DB, nil), t.Series)
		if err != nil {
			return "", nil, err
		}
		if data.Summary, err = applied.Summary(ctx, t.Series, raw, tree); err != nil {
			return "", nil, &inputs.RuntimeError{Err: err}
		}
		return templates.Thanks, data, nil
	})
}
