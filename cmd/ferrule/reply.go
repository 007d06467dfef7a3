package main

import (
	"cmp"
	"context"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
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
	settings, err := loadConfig(d.Config, d.Tree)
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
	s, _, err := inputs.FindSeries(ctx, &inputs.SeriesQuery{ID: id, Paths: args[1:], Stdin: e.stdin,
		DBPath: e.dbPath(d.DB, settings), Options: opts, UseSaved: d.Config == "" && d.Tree == ""})
	if err != nil {
		return e.fail(name, err)
	}
	job := &draft.Job{Series: s, ID: id, Pick: pick, Texts: texts, Templates: cmp.Or(d.Templates, settings.Templates),
		From: d.From, Config: settings, Out: &d.Out, Now: e.clock(), Data: data}
	return e.fail(name, job.Run(ctx, e.stdout, e.stderr))
}
