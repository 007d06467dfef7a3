package main

import (
	"cmp"
	"context"
	"flag"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/draft"
	"ferrule/cmd/internal/inputs"
	fmail "ferrule/mail"
	"ferrule/review"
	"ferrule/templates"
)

// draftFlags are what reply and thanks share: where the data comes from,
// who writes, and where the draft goes.
type draftFlags struct {
	configPath, dbPath, tree, templatesDir, from string
	out                                          draft.Outputs
}

func (d *draftFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.configPath, "c", "", "config file (templates, identity, drafts folder)")
	fs.StringVar(&d.dbPath, "db", "", "sqlite store to read when no input is given (default $XDG_DATA_HOME/ferrule/ferrule.db)")
	fs.StringVar(&d.tree, "tree", "", "kernel checkout for whole-file analysis")
	fs.StringVar(&d.templatesDir, "templates", "", "directory of templates overriding the embedded ones")
	fs.StringVar(&d.from, "from", "", `your address, "Name <email>" (default: smtp.from, else git config user.name/user.email)`)
	fs.StringVar(&d.out.File, "out", "", "write the draft to this .eml file (0600)")
	fs.StringVar(&d.out.Mbox, "mbox", "", "append the draft to this mbox file")
	fs.StringVar(&d.out.Maildir, "maildir", "", "deliver the draft to this Maildir folder's new/")
	fs.BoolVar(&d.out.IMAP, "imap-drafts", false, "APPEND the draft to the configured IMAP Drafts folder with \\Draft")
}

// runReply is `ferrule reply ID [INPUT…]`.
func runReply(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "reply",
		"usage: ferrule reply [flags] ID [INPUT…]",
		"Drafts a review reply to a patch or cover letter: each finding's hunk quoted with the reviewer prompt under it.",
		"ID as in `ferrule show`. Without INPUT the store is read. Without an output flag the draft goes to stdout.",
	)
	var d draftFlags
	d.register(fs)
	if code, ok := cli.ParseWithID(fs, args); !ok {
		return code
	}
	return runDraft(ctx, e, "reply", &d, fs.Args(), draft.PickMessage, func(t *draft.Target, me fmail.Address) (string, any, error) {
		return templates.Reply, draft.ReplyData(t, me), nil
	})
}

// runDraft finds the series, then drafts the reply data gives and writes
// it where the flags say.
func runDraft(ctx context.Context, e *env, name string, d *draftFlags, args []string,
	pick func(*review.Series, string) (*review.Post, error), data func(*draft.Target, fmail.Address) (string, any, error)) int {
	settings, err := loadConfig(d.configPath, d.tree)
	if err != nil {
		return e.fail(name, err)
	}
	if d.configPath != "" {
		d.out.Config = settings // for --imap-drafts
	}
	opts, err := analysis.Options(settings.KernelTree, settings.LeafAllow)
	if err != nil {
		return e.fail(name, err)
	}
	texts := draft.Texts(opts) // before the review: it keeps the texts as they pass
	id := inputs.ParseID(args[0])
	s, _, err := inputs.FindSeries(ctx, &inputs.SeriesQuery{ID: id, Paths: args[1:], Stdin: e.stdin,
		DBPath: e.dbPath(d.dbPath, settings), Options: opts, UseSaved: d.configPath == "" && d.tree == ""})
	if err != nil {
		return e.fail(name, err)
	}
	job := &draft.Job{Series: s, ID: id, Pick: pick, Texts: texts, Templates: cmp.Or(d.templatesDir, settings.Templates),
		From: d.from, Config: settings, Out: &d.out, Now: e.clock(), Data: data}
	return e.fail(name, job.Run(ctx, e.stdout, e.stderr))
}
