package draft

import (
	"sort"
	"strings"

	fmail "ferrule/mail"
	"ferrule/review"
	"ferrule/review/rustcheck"
	"ferrule/templates"
)

// ReplyData gathers the findings on the answered message (on a cover
// letter: the whole series') with their hunks and prompts.
func ReplyData(t *Target, me fmail.Address) *templates.ReplyData {
	p := t.Post
	var found []review.Finding
	if p.Kind == review.KindCover {
		found = append(found, t.Series.Findings...)
		for _, part := range t.Series.Parts {
			found = append(found, part.Post.Findings...)
		}
	} else {
		found = append(found, p.Findings...)
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.Patch != b.Patch {
			return a.Patch < b.Patch
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	data := &templates.ReplyData{Subject: p.Subject, FromName: p.Author.DisplayName(), Date: p.Date,
		Quote: strings.TrimRight(t.Text, "\n"), MyName: me.DisplayName()}
	// Findings on the same lines share one quote, their prompts under it.
	at := map[string]int{}
	for _, f := range found {
		if f.Severity == review.Info || f.Excerpt == "" {
			continue
		}
		key := f.File + "\x00" + f.Excerpt
		i, ok := at[key]
		if !ok {
			i = len(data.Items)
			at[key] = i
			data.Items = append(data.Items, templates.ReplyItem{File: f.File, Line: f.Line, Rule: f.Rule,
				Severity: string(f.Severity), Quote: strings.TrimRight(f.Excerpt, "\n")})
		}
		item := &data.Items[i]
		item.Rules = append(item.Rules, f.Rule)
		if prompt := promptFor(f); !strings.Contains(item.Prompt, prompt) {
			if item.Prompt != "" {
				item.Prompt += "\n\n"
			}
			item.Prompt += prompt
		}
	}
	return data
}

// promptFor is the rule's question, else the finding's own message.
func promptFor(f review.Finding) string {
	if p := rustcheck.PromptFor(f); p != "" {
		return p
	}
	return f.Message
}
