package main

import (
	"context"
	"fmt"
	"strings"

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
	t, err := loadTarget(ctx, e, &d, parseID(fs.Arg(0)), fs.Args()[1:], pickCover)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule thanks: %v\n", err)
		return exitUsage
	}
	return writeDraft(ctx, e, "thanks", &d, t, func(me fmail.Address) (string, any) {
		return templates.Thanks, thanksData(t, me, *branch, *treeName)
	})
}

// thanksData fills b4 ty's variables from the series.
func thanksData(t *threadTarget, me fmail.Address, branch, treeName string) *templates.ThanksData {
	s, p := t.series, t.post
	author := p.Author
	if len(s.Parts) > 0 {
		author = s.Parts[0].Post.Author // a patch's in-body From wins over the cover's sender
	}
	var summary []string
	for _, part := range s.Parts {
		summary = append(summary, fmt.Sprintf("[%d/%d] %s", part.Number, max(s.Total, 1), part.Post.Tags.Title))
	}
	return &templates.ThanksData{
		FromName: displayName(author), FromEmail: author.Email,
		Subject: p.Subject, MsgID: p.MessageID, SentDate: p.Date,
		Quote: quoteHead(t.text), Summary: strings.Join(summary, "\n"),
		Branch: branch, TreeName: treeName,
		MyName: displayName(me), MyEmail: me.Email, Signature: signature(me),
	}
}

// quoteHead is b4's ${quote}: the first five non-blank lines, "> "
// quoted, ending "> [...]" when there is more.
func quoteHead(text string) string {
	var out []string
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for i, l := range lines {
		if len(out) == 5 {
			if i < len(lines) {
				out = append(out, "> [...]")
			}
			break
		}
		if strings.TrimSpace(l) == "" && len(out) == 0 {
			continue
		}
		out = append(out, strings.TrimRight("> "+l, " "))
	}
	return strings.Join(out, "\n")
}

func signature(me fmail.Address) string {
	if me.Name == "" {
		return me.Email
	}
	return me.Name + " <" + me.Email + ">"
}
