package draft

import (
	"fmt"
	"strings"

	fmail "ferrule/mail"
	"ferrule/templates"
)

// ThanksData fills b4 ty's variables from the series.
func ThanksData(t *Target, me fmail.Address, branch, treeName string) *templates.ThanksData {
	s, p := t.Series, t.Post
	author := p.Author
	if len(s.Parts) > 0 {
		author = s.Parts[0].Post.Author // a patch's in-body From wins over the cover's sender
	}
	var summary []string
	for _, part := range s.Parts {
		summary = append(summary, fmt.Sprintf("[%d/%d] %s", part.Number, max(s.Total, 1), part.Post.Tags.Title))
	}
	return &templates.ThanksData{
		FromName: author.DisplayName(), FromEmail: author.Email,
		Subject: p.Subject, MsgID: p.MessageID, SentDate: p.Date,
		Quote: quoteHead(t.Text), Summary: strings.Join(summary, "\n"),
		Branch: branch, TreeName: treeName,
		MyName: me.DisplayName(), MyEmail: me.Email, Signature: signature(me),
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
