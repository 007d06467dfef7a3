package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
	"time"

	fmail "ferrule/mail"
	"ferrule/mail/smtpsend"
	"ferrule/review"
	"ferrule/store"
	"ferrule/templates"
)

// defaultLinkTemplate points at lore's message redirector.
const defaultLinkTemplate = "https://lore.kernel.org/r/{msgid}"

// runDigest is `ferrule digest`.
func runDigest(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "digest",
		"usage: ferrule digest -c FILE [--dry-run] [INPUT…]",
		"Mails each maintainer (MAINTAINERS routing plus digest.subscriptions) the current series that need them.",
		"Series come from INPUT when given, else from the store's last review. What a recipient was sent is not sent again.",
	)
	configPath := fs.String("c", "", "config file (smtp, digest); required unless --dry-run")
	dryRun := fs.Bool("dry-run", false, "print the MIME messages instead of sending them; nothing is recorded")
	dbPath := fs.String("db", "", "sqlite store: the reviewed series, and what was already sent (default store.path, else $XDG_DATA_HOME/ferrule/ferrule.db)")
	tree := fs.String("tree", "", "kernel checkout for whole-file analysis and its MAINTAINERS (with INPUT)")
	templatesDir := fs.String("templates", "", "directory of templates overriding the embedded ones")
	only := fs.String("to", "", "send only this recipient's digest")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(e.stderr, "ferrule digest: %v\n", err)
		return code
	}
	cfg := &Config{}
	if *configPath != "" {
		c, err := loadConfig(*configPath)
		if err != nil {
			return fail(exitUsage, err)
		}
		cfg = c
	} else if !*dryRun {
		return fail(exitUsage, errors.New("-c FILE with an smtp section is needed to send (or use --dry-run)"))
	}
	if !*dryRun && cfg.SMTP == nil {
		return fail(exitUsage, fmt.Errorf("%s has no smtp section", *configPath))
	}
	if *templatesDir == "" {
		*templatesDir = cfg.Templates
	}
	set, err := templates.Load(*templatesDir)
	if err != nil {
		return fail(exitUsage, err)
	}

	path := *dbPath
	if path == "" {
		path = cfg.Store.Path
	}
	if path == "" {
		path = defaultDBPath(e)
	}
	var db *store.DB
	var reports []review.SeriesReport
	if fs.NArg() > 0 {
		reports, err = reviewInputs(ctx, e, cfg, *tree, fs.Args())
		if err != nil {
			return fail(exitRuntime, err)
		}
		if !*dryRun || *dbPath != "" {
			if db, err = store.Open(ctx, path); err != nil {
				return fail(exitRuntime, err)
			}
			defer db.Close()
		}
	} else {
		if db, _, err = storeSource(ctx, e, path, nil, true); err != nil {
			return fail(exitUsage, err)
		}
		defer db.Close()
		if reports, err = db.Reports(ctx); err != nil {
			return fail(exitRuntime, err)
		}
	}

	g, err := newDigester(cfg, set, db, e.clock)
	if err != nil {
		return fail(exitUsage, err)
	}
	g.log = slog.New(slog.NewTextHandler(e.stderr, nil))
	if *dryRun {
		g.dryRun = e.stdout
	}
	digests := review.Digests(reports, subscriptions(cfg))
	if *only != "" {
		var keep []review.Digest
		for _, d := range digests {
			if strings.EqualFold(d.Recipient.Email, *only) {
				keep = append(keep, d)
			}
		}
		digests = keep
	}
	n, err := g.send(ctx, digests)
	verb := "sent"
	if *dryRun {
		verb = "would send"
	}
	fmt.Fprintf(e.stderr, "ferrule digest: %s %d digest(s) to %d recipient(s) with something new\n", verb, n, len(digests))
	if err != nil {
		return fail(exitRuntime, err)
	}
	return exitOK
}

// reviewInputs reviews the given inputs as `ferrule review` would.
func reviewInputs(ctx context.Context, e *env, cfg *Config, tree string, inputs []string) ([]review.SeriesReport, error) {
	opts, err := cfg.analysis(tree)
	if err != nil {
		return nil, err
	}
	src, closeSrc, err := openInputs(ctx, e, "", inputs)
	if err != nil {
		return nil, err
	}
	defer closeSrc()
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	return review.BuildReport(res, &review.ReportOptions{Weights: cfg.Ranking.weights(), Now: e.clock()}).Series, nil
}

func subscriptions(cfg *Config) []review.Subscription {
	if cfg.Digest == nil {
		return nil
	}
	var out []review.Subscription
	for _, s := range cfg.Digest.Subscriptions {
		if a, err := mail.ParseAddress(s.Email); err == nil {
			out = append(out, review.Subscription{Email: a.Address, Paths: s.Paths})
		}
	}
	return out
}

// digester renders, sends and records digests; the daemon keeps one.
type digester struct {
	set    *templates.Set
	from   fmail.Address
	link   string
	smtp   *smtpsend.Options
	db     *store.DB // what was sent; nil: everything is new
	dryRun io.Writer // set: print instead of sending, record nothing
	now    func() time.Time
	log    *slog.Logger
}

func newDigester(cfg *Config, set *templates.Set, db *store.DB, now func() time.Time) (*digester, error) {
	g := &digester{set: set, db: db, now: now, link: defaultLinkTemplate, log: slog.Default(),
		from: fmail.Address{Name: "ferrule", Email: "ferrule@localhost"}}
	if cfg.Digest != nil && cfg.Digest.LinkTemplate != "" {
		g.link = cfg.Digest.LinkTemplate
	}
	if s := cfg.SMTP; s != nil {
		a, err := mail.ParseAddress(s.From)
		if err != nil {
			return nil, fmt.Errorf("smtp.from: %w", err)
		}
		g.from = fmail.Address{Name: a.Name, Email: a.Address}
		g.smtp = &smtpsend.Options{Address: s.Address, TLS: smtpsend.TLSMode(s.TLS), Username: s.Username,
			LocalName: g.from.Domain(),
			Password:  cachedPassword(s.PasswordCmd, s.PasswordFile)}
	}
	return g, nil
}

// send mails each digest's entries the recipient has not been sent yet.
// A digest is recorded as sent only after the server accepted it; a
// failure leaves it for the next run. It returns how many went out (or
// would have, in a dry run) and every failure.
func (g *digester) send(ctx context.Context, digests []review.Digest) (int, error) {
	var errs []error
	sent := 0
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
		if g.dryRun != nil {
			if _, err := io.WriteString(g.dryRun, strings.ReplaceAll(string(msg), "\r\n", "\n")+"\n"); err != nil {
				return sent, err
			}
			sent++
			continue
		}
		if g.smtp == nil {
			return sent, errors.New("no smtp section configured")
		}
		if err := smtpsend.Send(ctx, g.smtp, g.from.Email, []string{d.Recipient.Email}, msg); err != nil {
			g.log.Warn("digest not sent; it will be retried", "to", d.Recipient.Email, "temporary", smtpsend.Temporary(err), "err", err)
			errs = append(errs, fmt.Errorf("digest to %s: %w", d.Recipient.Email, err))
			continue
		}
		if g.db != nil {
			hashes := make([]string, len(fresh.Entries))
			for i, e := range fresh.Entries {
				hashes[i] = e.Hash
			}
			if err := g.db.RecordDigest(ctx, strings.ToLower(d.Recipient.Email), hashes, g.now()); err != nil {
				return sent, err
			}
		}
		g.log.Info("digest sent", "to", d.Recipient.Email, "series", len(fresh.Entries))
		sent++
	}
	return sent, errors.Join(errs...)
}

// unsent drops the entries already sent to the recipient.
func (g *digester) unsent(ctx context.Context, d review.Digest) (review.Digest, error) {
	if g.db == nil {
		return d, nil
	}
	hashes := make([]string, len(d.Entries))
	for i, e := range d.Entries {
		hashes[i] = e.Hash
	}
	done, err := g.db.SentDigest(ctx, strings.ToLower(d.Recipient.Email), hashes)
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
func (g *digester) compose(d review.Digest) ([]byte, error) {
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

func (g *digester) data(d review.Digest) *templates.DigestData {
	data := &templates.DigestData{Recipient: displayName(d.Recipient), Date: g.now(), Count: len(d.Entries)}
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
