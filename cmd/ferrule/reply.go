package main

import (
	"context"
	"flag"
	"fmt"
	"net/mail"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	fmail "ferrule/mail"
	"ferrule/mail/imappoll"
	"ferrule/review"
	"ferrule/review/rustcheck"
	"ferrule/templates"
)

// draftFlags are what reply and thanks share: where the data comes from,
// who writes, and where the draft goes.
type draftFlags struct {
	configPath, dbPath, tree, templatesDir, from string
	out, mbox, maildir                           string
	imapDrafts                                   bool
}

func (d *draftFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.configPath, "c", "", "config file (templates, identity, drafts folder)")
	fs.StringVar(&d.dbPath, "db", "", "sqlite store to read when no input is given (default $XDG_DATA_HOME/ferrule/ferrule.db)")
	fs.StringVar(&d.tree, "tree", "", "kernel checkout for whole-file analysis")
	fs.StringVar(&d.templatesDir, "templates", "", "directory of templates overriding the embedded ones")
	fs.StringVar(&d.from, "from", "", `your address, "Name <email>" (default: smtp.from, else git config user.name/user.email)`)
	fs.StringVar(&d.out, "out", "", "write the draft to this .eml file (0600)")
	fs.StringVar(&d.mbox, "mbox", "", "append the draft to this mbox file")
	fs.StringVar(&d.maildir, "maildir", "", "deliver the draft to this Maildir folder's new/")
	fs.BoolVar(&d.imapDrafts, "imap-drafts", false, "APPEND the draft to the configured IMAP Drafts folder with \\Draft")
}

// threadTarget is the message a draft answers, with what the reply needs
// from it.
type threadTarget struct {
	series *review.Series
	post   *review.Post
	text   string // its body before the diff, to quote
	cfg    *Config
}

// commentLimit caps the text kept per message for quoting.
const commentLimit = 8 << 10

// loadTarget reads the inputs (or the store) and finds the series holding
// id. pick chooses the message to answer within it.
func loadTarget(ctx context.Context, e *env, d *draftFlags, id string, inputs []string, pick func(*review.Series, string) (*review.Post, error)) (*threadTarget, error) {
	var cfg *Config // nil: no config given
	settings := &Config{}
	if d.configPath != "" {
		c, err := loadConfig(d.configPath)
		if err != nil {
			return nil, err
		}
		cfg, settings = c, c
	}
	opts, err := settings.analysis(d.tree)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	texts := map[string]string{}
	opts.Visit = func(p *review.Post, m *fmail.Message) {
		if p.Kind != review.KindPatch && p.Kind != review.KindCover {
			return
		}
		text := m.Text
		if i := strings.Index(text, "\n---\n"); i >= 0 && p.Kind == review.KindPatch {
			text = text[:i+1]
		}
		if len(text) > commentLimit {
			text = text[:strings.LastIndexByte(text[:commentLimit], '\n')+1]
		}
		mu.Lock()
		texts[p.MessageID] = strings.Clone(text)
		mu.Unlock()
	}
	src, closeSrc, err := openInputs(ctx, e, d.dbPath, inputs)
	if err != nil {
		return nil, err
	}
	defer closeSrc()
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	s := findSeries(res, id)
	if s == nil {
		return nil, fmt.Errorf("no series with a message <%s> in the input", id)
	}
	p, err := pick(s, id)
	if err != nil {
		return nil, err
	}
	return &threadTarget{series: s, post: p, text: texts[p.MessageID], cfg: cfg}, nil
}

// openInputs opens the named inputs, or the store when there are none.
func openInputs(ctx context.Context, e *env, dbPath string, inputs []string) (fmail.Source, func(), error) {
	if len(inputs) == 0 {
		if dbPath == "" {
			dbPath = defaultDBPath(e)
		}
		db, s, err := storeSource(ctx, e, dbPath, nil, true)
		if err != nil {
			return nil, nil, err
		}
		return s, func() { db.Close() }, nil
	}
	ms, err := fmail.Open(inputs, &fmail.OpenOptions{Stdin: e.stdin})
	if err != nil {
		return nil, nil, err
	}
	return ms, func() { ms.Close() }, nil
}

// pickMessage answers the message id names; a series id names its cover
// or first patch. Replies are not answered: a review draft answers a
// patch or a cover letter.
func pickMessage(s *review.Series, id string) (*review.Post, error) {
	for _, p := range s.Posts() {
		if p.MessageID == id {
			return p, nil
		}
	}
	if s.ID == id && len(s.Posts()) > 0 {
		return s.Posts()[0], nil
	}
	return nil, fmt.Errorf("<%s> is a reply in the thread of %q; give the Message-ID of the patch or cover letter to answer", id, s.Title)
}

// pickCover answers the series as a whole, as b4 ty does: the cover
// letter, else the first patch.
func pickCover(s *review.Series, _ string) (*review.Post, error) {
	if s.Cover != nil {
		return s.Cover, nil
	}
	if posts := s.Posts(); len(posts) > 0 {
		return posts[0], nil
	}
	return nil, fmt.Errorf("series %q has no patch", s.Title)
}

// runReply is `ferrule reply ID [INPUT…]`.
func runReply(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "reply",
		"usage: ferrule reply [flags] ID [INPUT…]",
		"Drafts a review reply to a patch or cover letter: each finding's hunk quoted with the reviewer prompt under it.",
		"ID as in `ferrule show`. Without INPUT the store is read. Without an output flag the draft goes to stdout.",
	)
	var d draftFlags
	d.register(fs)
	if code, ok := parseWithID(fs, args); !ok {
		return code
	}
	t, err := loadTarget(ctx, e, &d, parseID(fs.Arg(0)), fs.Args()[1:], pickMessage)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule reply: %v\n", err)
		return exitUsage
	}
	return writeDraft(ctx, e, "reply", &d, t, func(me fmail.Address) (string, any) {
		return templates.Reply, replyData(t, me)
	})
}

// replyData gathers the findings on the answered message (on a cover
// letter: the whole series') with their hunks and prompts.
func replyData(t *threadTarget, me fmail.Address) *templates.ReplyData {
	p := t.post
	var found []review.Finding
	if p.Kind == review.KindCover {
		found = append(found, t.series.Findings...)
		for _, part := range t.series.Parts {
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
	data := &templates.ReplyData{Subject: p.Subject, FromName: displayName(p.Author), Date: p.Date,
		Quote: strings.TrimRight(t.text, "\n"), MyName: displayName(me)}
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
	if p := rustcheck.Prompt(f.Rule); p != "" {
		return p
	}
	return f.Message
}

func displayName(a fmail.Address) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Email
}

// writeDraft renders the template, threads the draft under the target
// and writes it where the flags say.
func writeDraft(ctx context.Context, e *env, name string, d *draftFlags, t *threadTarget, data func(me fmail.Address) (string, any)) int {
	dir := d.templatesDir
	if dir == "" && t.cfg != nil {
		dir = t.cfg.Templates
	}
	set, err := templates.Load(dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule %s: %v\n", name, err)
		return exitUsage
	}
	me, err := identity(ctx, d.from, t.cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule %s: %v\n", name, err)
		return exitUsage
	}
	tmpl, values := data(me)
	rendered, err := set.Render(tmpl, values)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule %s: %v\n", name, err)
		return exitRuntime
	}
	out := replyTo(t.post, me, e.clock())
	out.Text = rendered.Body
	out.Extra = rendered.Headers
	if s := rendered.Header("Subject"); s != "" {
		out.Subject = s
	}
	msg, err := fmail.Compose(out)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule %s: %v\n", name, err)
		return exitRuntime
	}
	wrote := false
	fail := func(err error) int {
		fmt.Fprintf(e.stderr, "ferrule %s: %v\n", name, err)
		return exitRuntime
	}
	if d.out != "" {
		if err := fmail.WriteFile(d.out, msg); err != nil {
			return fail(err)
		}
		wrote = true
	}
	if d.mbox != "" {
		if err := fmail.AppendMbox(d.mbox, msg, me.Email, out.Date); err != nil {
			return fail(err)
		}
		wrote = true
	}
	if d.maildir != "" {
		path, err := fmail.DeliverMaildir(d.maildir, msg, out.Date)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(e.stderr, path)
		wrote = true
	}
	if d.imapDrafts {
		if err := appendDraft(ctx, t.cfg, msg, out.Date); err != nil {
			return fail(err)
		}
		wrote = true
	}
	if !wrote {
		if _, err := e.stdout.Write([]byte(strings.ReplaceAll(string(msg), "\r\n", "\n"))); err != nil {
			return exitRuntime
		}
	}
	return exitOK
}

// replyTo threads a reply under p: to its Reply-To (else its sender), Cc
// its other recipients without the writer, Subject "Re: …", In-Reply-To
// and References extended by p.
func replyTo(p *review.Post, me fmail.Address, now time.Time) *fmail.Outgoing {
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

// identity is who writes: --from, else smtp.from, else git's user.
func identity(ctx context.Context, from string, cfg *Config) (fmail.Address, error) {
	if from == "" && cfg != nil && cfg.SMTP != nil {
		from = cfg.SMTP.From
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

// appendDraft APPENDs to the configured Drafts folder.
func appendDraft(ctx context.Context, cfg *Config, msg []byte, date time.Time) error {
	if cfg == nil {
		return fmt.Errorf("--imap-drafts needs -c CONFIG with drafts or a mailbox")
	}
	server, folder, err := cfg.draftsIMAP()
	if err != nil {
		return err
	}
	opts := imapOptions("drafts", server)
	opts.Folder = folder
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if _, err := imappoll.AppendDraft(ctx, opts, msg, date); err != nil {
		return fmt.Errorf("imap drafts: %w", err)
	}
	return nil
}
