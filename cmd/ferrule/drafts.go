package main

import (
	"cmp"
	"context"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/applied"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
	"ferrule/cmd/internal/draft"
	"ferrule/cmd/internal/inputs"
	fmail "ferrule/mail"
	"ferrule/review"
	"ferrule/templates"
)

// runReply is `ferrule reply ID [INPUT…]`.
func runReply(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "reply",
		"usage: ferrule reply [flags] ID [INPUT…]",
		"Drafts a review reply to a patch or cover letter: each finding's hunk quoted with the reviewer prompt under it.",
		"ID as in `ferrule show`. Without INPUT the store is read. Without an output flag the draft goes to stdout.",
	)
	var d draft.Flags
	d.Register(fs)
	if code, ok := cli.ParseWithID(fs, args); !ok {
		return code
	}
	return runDraft(ctx, e, "reply", &d, fs.Args(), draft.PickMessage, func(t *draft.Target, me fmail.Address) (string, any, error) {
		return templates.Reply, draft.ReplyData(t, me), nil
	})
}

// runDraft finds the series, then drafts the reply data gives and writes
// it where the flags say.
func runDraft(ctx context.Context, e *env, name string, d *draft.Flags, args []string,
	pick func(*review.Series, string) (*review.Post, error), data func(*draft.Target, fmail.Address) (string, any, error)) int {
	settings, err := config.LoadOrDefault(d.Config, d.Tree)
	if err != nil {
		return e.fail(name, err)
	}
	if d.Config != "" {
		d.Out.Config = settings // for --imap-drafts
	}
	opts, err := analysis.Options(settings.KernelTree, settings.LeafAllow)
	if err != nil {
		return e.fail(name, err)
	}
	texts := draft.Texts(opts) // before the review: it keeps the texts as they pass
	id := inputs.ParseID(args[0])
	// Only the answered message's recipients are needed: read again
	// below, unless the input is stdin (read once).
	reread := inputs.Rereadable(args[1:])
	opts.DropRecipients = reread
	d.DB = e.dbPath(d.DB, settings) // the store, for data's reads too
	s, _, err := inputs.FindSeries(ctx, &inputs.SeriesQuery{ID: id, Paths: args[1:], Stdin: e.stdin,
		DBPath: d.DB, Options: opts, UseSaved: d.Config == "" && d.Tree == ""})
	if err != nil {
		return e.fail(name, err)
	}
	if p, perr := pick(s, id); perr == nil && reread {
		if err := inputs.Recipients(ctx, args[1:], e.stdin, d.DB, p); err != nil {
			return e.fail(name, err)
		}
	}
	job := &draft.Job{Series: s, ID: id, Pick: pick, Texts: texts, Templates: cmp.Or(d.Templates, settings.Templates),
		From: d.From, Config: settings, Out: &d.Out, Now: e.clock(), Data: data}
	return e.fail(name, job.Run(ctx, e.stdout, e.stderr))
}

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
		raw, err := inputs.Raw(ctx, fs.Args()[1:], stdin(), d.DB, t.Series) // runDraft set d.DB
		if err != nil {
			return "", nil, err
		}
		if data.Summary, err = applied.Summary(ctx, t.Series, raw, tree); err != nil {
			return "", nil, &inputs.RuntimeError{Err: err}
		}
		return templates.Thanks, data, nil
	})
}
