package draft

import (
	"context"
	"fmt"
	"net/mail"
	"os/exec"
	"strings"
	"time"

	"ferrule/cmd/internal/config"
	fmail "ferrule/mail"
	"ferrule/review"
)

// ReplyTo threads a reply under p: to its Reply-To (else its sender), Cc
// its other recipients without the writer, Subject "Re: …", In-Reply-To
// and References extended by p.
func ReplyTo(p *review.Post, me fmail.Address, now time.Time) *fmail.Outgoing {
	to := p.ReplyTo
	if len(to) == 0 {
		to = []fmail.Address{p.Sender}
	}
	seen := map[string]bool{strings.ToLower(me.Email): true}
	keep := func(list []fmail.Address) []fmail.Address {
		var out []fmail.Address
		for _, a := range list {
			k := strings.ToLower(a.Email)
			if a.Email == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, a)
		}
		return out
	}
	o := &fmail.Outgoing{From: me, Date: now, Subject: replySubject(p.Subject)}
	o.To = keep(to)
	if len(o.To) == 0 { // answering oneself
		o.To = to
	}
	o.Cc = keep(append(append([]fmail.Address{}, p.To...), p.Cc...))
	if !p.SyntheticID {
		o.InReplyTo = p.MessageID
		o.References = append(append([]string{}, p.References...), p.MessageID)
	}
	domain := me.Domain()
	o.MessageID = fmail.NewMessageID(domain, now)
	return o
}

// replySubject adds "Re: " unless the subject is already a reply.
func replySubject(s string) string {
	if review.ParseSubject(s).Reply {
		return s
	}
	return "Re: " + s
}

// Identity is who writes: from (--from), else the config's smtp.from,
// else git's user.
func Identity(ctx context.Context, from string, cfg *config.Config) (fmail.Address, error) {
	if from == "" && cfg != nil && cfg.SMTP != nil {
		return cfg.SMTP.From, nil
	}
	if from == "" {
		name, _ := exec.CommandContext(ctx, "git", "config", "user.name").Output()
		email, _ := exec.CommandContext(ctx, "git", "config", "user.email").Output()
		if n, m := strings.TrimSpace(string(name)), strings.TrimSpace(string(email)); m != "" {
			return fmail.Address{Name: n, Email: m}, nil
		}
		return fmail.Address{}, fmt.Errorf("who is writing? give --from \"Name <email>\", set smtp.from, or git config user.email")
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return fmail.Address{}, fmt.Errorf("--from %q: %w", from, err)
	}
	return fmail.Address{Name: a.Name, Email: a.Address}, nil
}
