package draft

import (
	"context"
	"io"
	"time"

	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
	fmail "ferrule/mail"
	"ferrule/review"
	"ferrule/templates"
)

// Job is one draft to make: the message of a series to answer, the
// template and its data, and where the draft goes.
type Job struct {
	Series *review.Series
	ID     string // the message or series asked for, as the user gave it
	// Pick chooses the message to answer (PickMessage, PickCover).
	Pick func(*review.Series, string) (*review.Post, error)
	// Texts gives a message's finding texts for the reply's prompts
	// (see Texts).
	Texts     func(messageID string) string
	Templates string // a directory of templates overriding the embedded ones, or ""
	From      string // --from, "" for smtp.from or git's identity
	Config    *config.Config
	Out       *Outputs
	Now       time.Time
	// Data returns the template to render and its values.
	Data func(*Target, fmail.Address) (tmpl string, values any, err error)
}

// Run renders the draft and writes it where j.Out says (stdout when it
// names nothing). A failure to compose or write is a *cli.RuntimeError;
// the other errors (an ID the series lacks, a bad template directory or
// address) are the user's to fix. Data's errors are returned as they are.
func (j *Job) Run(ctx context.Context, stdout, stderr io.Writer) error {
	t, err := NewTarget(j.Series, j.ID, j.Pick, j.Texts)
	if err != nil {
		return err
	}
	set, err := templates.Load(j.Templates)
	if err != nil {
		return err
	}
	me, err := Identity(ctx, j.From, j.Config)
	if err != nil {
		return err
	}
	tmpl, values, err := j.Data(t, me)
	if err != nil {
		return err
	}
	msg, err := Compose(set, tmpl, values, t.Post, me, j.Now)
	if err != nil {
		return &cli.RuntimeError{Err: err}
	}
	if err := Write(ctx, j.Out, msg, me.Email, j.Now, stdout, stderr); err != nil {
		return &cli.RuntimeError{Err: err}
	}
	return nil
}
