package draft

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"ferrule/cmd/internal/config"
	fmail "ferrule/mail"
	"ferrule/mail/imappoll"
	"ferrule/review"
	"ferrule/templates"
)

// Compose renders the template with data and threads the result under p,
// from me, dated now; a Subject header in the template wins.
func Compose(set *templates.Set, tmpl string, data any, p *review.Post, me fmail.Address, now time.Time) ([]byte, error) {
	rendered, err := set.Render(tmpl, data)
	if err != nil {
		return nil, err
	}
	out := ReplyTo(p, me, now)
	out.Text = rendered.Body
	out.Extra = rendered.Headers
	if s := rendered.Header("Subject"); s != "" {
		out.Subject = s
	}
	return fmail.Compose(out)
}

// Outputs are where a draft goes; with none, it is written to stdout.
type Outputs struct {
	File    string // an .eml file (0600)
	Mbox    string // appended
	Maildir string // delivered to new/
	// IMAP appends to the configured Drafts folder with \Draft.
	IMAP   bool
	Config *config.Config // for IMAP; nil without -c
}

// Write puts the draft msg (from, dated date) everywhere o says, or on
// stdout with LF line ends; a Maildir delivery's file name goes to
// stderr.
func Write(ctx context.Context, o *Outputs, msg []byte, from string, date time.Time, stdout, stderr io.Writer) error {
	wrote := false
	if o.File != "" {
		if err := fmail.WriteFile(o.File, msg); err != nil {
			return err
		}
		wrote = true
	}
	if o.Mbox != "" {
		if err := fmail.AppendMbox(o.Mbox, msg, from, date); err != nil {
			return err
		}
		wrote = true
	}
	if o.Maildir != "" {
		path, err := fmail.DeliverMaildir(o.Maildir, msg, date)
		if err != nil {
			return err
		}
		fmt.Fprintln(stderr, path)
		wrote = true
	}
	if o.IMAP {
		if err := appendDraft(ctx, o.Config, msg, date); err != nil {
			return err
		}
		wrote = true
	}
	if !wrote {
		if _, err := io.WriteString(stdout, strings.ReplaceAll(string(msg), "\r\n", "\n")); err != nil {
			return err
		}
	}
	return nil
}

// appendDraft APPENDs to the configured Drafts folder.
func appendDraft(ctx context.Context, cfg *config.Config, msg []byte, date time.Time) error {
	if cfg == nil {
		return errors.New("--imap-drafts needs -c CONFIG with drafts or a mailbox")
	}
	server, folder, err := cfg.DraftsServer()
	if err != nil {
		return err
	}
	opts := server.IMAPOptions("drafts")
	opts.Folder = folder
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if _, err := imappoll.AppendDraft(ctx, opts, msg, date); err != nil {
		return fmt.Errorf("imap drafts: %w", err)
	}
	return nil
}
