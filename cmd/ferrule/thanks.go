package main

import (
	"context"

	"ferrule/cmd/internal/draft"
	fmail "ferrule/mail"
	"ferrule/templates"
)

// runThanks is `ferrule thanks ID [INPUT…]`: b4 ty's "applied" reply.
func runThanks(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "thanks",
		"usage: ferrule thanks [flags] ID [INPUT…]",
		"Drafts a b4-ty-style \"Applied, thanks!\" reply to the series' cover letter (or first patch).",
		"A thanks template may use b4's ${fromname}, ${subject}, ${quote}, ${summary}, … variables.",
	)
	var d draftFlags
	d.register(fs)
	branch := fs.String("branch", "", "the branch the series was applied to (${branch})")
	treeName := fs.String("treename", "", `the tree's name (${treename}, default "local tree")`)
	if code, ok := parseWithID(fs, args); !ok {
		return code
	}
	return runDraft(ctx, e, "thanks", &d, fs.Args(), draft.PickCover, func(t *draft.Target, me fmail.Address) (string, any) {
		return templates.Thanks, draft.ThanksData(t, me, *branch, *treeName)
	})
}
