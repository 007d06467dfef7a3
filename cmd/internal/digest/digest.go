// Package digest mails review digests: for each recipient, the current
// series that need them, rendered from the digest templates as
// multipart/alternative, sent over SMTP and recorded in the store so that
// the same content is never sent to the same person twice.
//
// Recipients are opt-in ([Select]): the config's subscriptions, the
// address given with --to, and, of the people MAINTAINERS routes a series
// to, only those digest.maintainers allows (none by default). A dry run
// writes the digests as an mbox (a "From " line before each message, so
// mutt opens it) and records nothing.
//
// A [Digester] is built once per configuration load, so the SMTP
// password is asked for once, not once per round.
package digest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"ferrule/cmd/internal/config"
	fmail "ferrule/mail"
	"ferrule/mail/smtpsend"
	"ferrule/review"
	"ferrule/store"
	"ferrule/templates"
)

// DefaultLinkTemplate points at lore's message redirector.
const DefaultLinkTemplate = "https://lore.kernel.org/r/{msgid}"

// Select is who gets which series: the subscriptions, the MAINTAINERS
// routing the config opted into, and to (--to; "" for none) — only to's
// digest when it is given.
func Select(cfg *config.Config, reports []review.SeriesReport, to string) []review.Digest {
	var subs []review.Subscription
	var policy config.OptIn
	if cfg.Digest != nil {
		subs, policy = cfg.Digest.Subscriptions, cfg.Digest.Maintainers
	}
	var optedIn func(string) bool
	if !policy.None() || to != "" {
		optedIn = func(email string) bool { return policy.Allows(email) || strings.EqualFold(email, to) }
	}
	digests := review.Digests(reports, subs, optedIn)
	if to == "" {
		return digests
	}
	var keep []review.Digest
	for _, d := range digests {
		if strings.EqualFold(d.Recipient.Email, to) {
			keep = append(keep, d)
		}
	}
	return keep
}

// Digester renders, sends and records digests.
type Digester struct {
	set  *templates.Set
	from fmail.Address
	link string
	smtp *smtpsend.Options
	db   *store.DB // what was sent; nil: everything is new
	now  func() time.Time
	log  *slog.Logger
	// DryRun set: write an mbox here instead of sending, record nothing.
	DryRun io.Writer
}

// New is a digester for a configuration; db may be nil (nothing recorded,
// everything new).
func New(cfg *config.Config, set *templates.Set, db *store.DB, now func() time.Time, log *slog.Logger) *Digester {
	g := &Digester{set: set, db: db, now: now, link: DefaultLinkTemplate, log: log,
		from: fmail.Address{Name: "ferrule", Email: "ferrule@localhost"}}
	if cfg.Digest != nil && cfg.Digest.LinkTemplate != "" {
		g.link = cfg.Digest.LinkTemplate
	}
	if s := cfg.SMTP; s != nil {
		g.from = s.From
		g.smtp = s.SMTPOptions()
	}
	return g
}

// Send mails each digest's entries the recipient has not been sent yet.
// A digest is recorded as sent only after the server accepted it; a
// failure leaves it for the next run. It returns the recipients it went
// to (or would have, in a dry run) and every failure.
func (g *Digester) Send(ctx context.Context, digests []review.Digest) ([]string, error) {
	var errs []error
	var sent []string
	for _, d := range digests {
		fresh, err := g.unsent(ctx, d)
		if err != nil {
			return sent, err
		}
		if len(fresh.Entries) == 0 {
			continue
		}
		msg, err := g.compose(fresh)
		if err != nil {
			return sent, err
		}
		if g.DryRun != nil {
			if err := fmail.WriteMboxEntry(g.DryRun, msg, g.from.Email, g.now()); err != nil {
				return sent, err
			}
			sent = append(sent, d.Recipient.Email)
			continue
		}
		if g.smtp == nil {
			return sent, errors.New("no smtp section configured")
		}
		if err := smtpsend.Send(ctx, g.smtp, g.from.Email, []string{d.Recipient.Email}, msg); err != nil {
			if smtpsend.Temporary(err) {
				g.log.Warn("digest not sent; it will be retried", "to", d.Recipient.Email, "err", err)
			} else {
				g.log.Error("digest refused by the server", "to", d.Recipient.Email, "err", err)
			}
			errs = append(errs, fmt.Errorf("digest to %s: %w", d.Recipient.Email, err))
			continue
		}
		if g.db != nil {
			if err := g.db.RecordDigest(ctx, strings.ToLower(d.Recipient.Email), hashes(fresh), g.now()); err != nil {
				return sent, err
			}
		}
		g.log.Info("digest sent", "to", d.Recipient.Email, "series", len(fresh.Entries))
		sent = append(sent, d.Recipient.Email)
	}
	return sent, errors.Join(errs...)
}

func hashes(d review.Digest) []string {
	out := make([]string, len(d.Entries))
	for i, e := range d.Entries {
		out[i] = e.Hash
	}
	return out
}

// unsent drops the entries already sent to the recipient.
func (g *Digester) unsent(ctx context.Context, d review.Digest) (review.Digest, error) {
	if g.db == nil {
		return d, nil
	}
	done, err := g.db.SentDigest(ctx, strings.ToLower(d.Recipient.Email), hashes(d))
	if err != nil {
		return d, err
	}
	out := review.Digest{Recipient: d.Recipient}
	for _, e := range d.Entries {
		if !done[e.Hash] {
			out.Entries = append(out.Entries, e)
		}
	}
	return out, nil
}

// compose renders one digest as multipart/alternative.
func (g *Digester) compose(d review.Digest) ([]byte, error) {
	data := g.data(d)
	text, err := g.set.Render(templates.DigestText, data)
	if err != nil {
		return nil, err
	}
	html, err := g.set.Render(templates.DigestHTML, data)
	if err != nil {
		return nil, err
	}
	now := g.now()
	return fmail.Compose(&fmail.Outgoing{From: g.from, To: []fmail.Address{d.Recipient}, Subject: text.Header("Subject"),
		Date: now, Extra: text.Headers, Text: text.Body, HTML: html.Body, MessageID: fmail.NewMessageID(g.from.Domain(), now)})
}

func (g *Digester) data(d review.Digest) *templates.DigestData {
	data := &templates.DigestData{Recipient: d.Recipient.DisplayName(), Date: g.now(), Count: len(d.Entries)}
	for _, tier := range []review.Tier{review.MustLook, review.ShouldLook} {
		dt := templates.DigestTier{Name: string(tier)}
		for _, e := range d.Entries {
			s := e.Series
			if s.Tier != tier {
				continue
			}
			dt.Series = append(dt.Series, templates.DigestSeries{Title: s.Title, Version: s.Version,
				Link: strings.ReplaceAll(g.link, "{msgid}", url.PathEscape(s.ID)), Score: s.Score, Reasons: s.Reasons,
				NewUnsafe: e.NewUnsafe, AbstractionChanges: e.AbstractionChanges, CImpacts: e.CImpacts,
				Reviewed: s.Reviewed, Why: e.Why})
		}
		if tier == review.MustLook {
			data.MustLook = len(dt.Series)
		}
		if len(dt.Series) > 0 {
			data.Tiers = append(data.Tiers, dt)
		}
	}
	return data
}
