package draft

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
	fmail "ferrule/mail"
	"ferrule/review"
	"ferrule/templates"
)

// A reply goes to Reply-To (else the sender), copies the other
// recipients once and never the writer, and extends the thread.
func TestReplyTo(t *testing.T) {
	me := fmail.Address{Name: "Me", Email: "me@example.org"}
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	p := &review.Post{MessageID: "p@x", Subject: "[PATCH 1/2] pwm: x", References: []string{"c@x"},
		Sender: fmail.Address{Email: "ada@example.org"}, ReplyTo: []fmail.Address{{Email: "list-ada@example.org"}},
		To: []fmail.Address{{Email: "ME@example.org"}, {Email: "list@example.org"}}, Cc: []fmail.Address{{Email: "list@example.org"}, {Email: "bob@example.org"}}}
	o := ReplyTo(p, me, now)
	var cc []string
	for _, a := range o.Cc {
		cc = append(cc, a.Email)
	}
	if len(o.To) != 1 || o.To[0].Email != "list-ada@example.org" || strings.Join(cc, " ") != "list@example.org bob@example.org" {
		t.Errorf("To %v Cc %v", o.To, cc)
	}
	if o.Subject != "Re: [PATCH 1/2] pwm: x" || o.InReplyTo != "p@x" || strings.Join(o.References, " ") != "c@x p@x" {
		t.Errorf("Subject %q In-Reply-To %q References %v", o.Subject, o.InReplyTo, o.References)
	}
	// A synthetic Message-ID is not threaded to; "Re: " is not doubled.
	p.SyntheticID, p.Subject = true, "Re: x"
	if o := ReplyTo(p, me, now); o.InReplyTo != "" || o.Subject != "Re: x" {
		t.Errorf("synthetic: In-Reply-To %q Subject %q", o.InReplyTo, o.Subject)
	}
}

func TestIdentity(t *testing.T) {
	ctx := context.Background()
	cfg := &config.Config{SMTP: &config.SMTP{From: fmail.Address{Name: "F", Email: "f@example.org"}}}
	if a, err := Identity(ctx, "Zoë <zoe@example.org>", cfg); err != nil || a.Email != "zoe@example.org" || a.Name != "Zoë" {
		t.Errorf("--from = %+v, %v", a, err)
	}
	if a, err := Identity(ctx, "", cfg); err != nil || a != cfg.SMTP.From {
		t.Errorf("smtp.from = %+v, %v", a, err)
	}
	if _, err := Identity(ctx, "not an address", nil); err == nil {
		t.Error("a bad --from was accepted")
	}
}

func TestQuoteHead(t *testing.T) {
	got := quoteHead("\n\none\ntwo\n\nthree\nfour\nfive\nsix\n")
	if got != "> one\n> two\n>\n> three\n> four\n> [...]" {
		t.Errorf("quoteHead = %q", got)
	}
}

// A Job drafts the reply to stdout; a failure to write is a runtime
// error, an ID the series lacks and a bad template directory are not.
func TestJobRun(t *testing.T) {
	s := example(t).Series[0]
	id := s.Posts()[0].MessageID
	job := func(mod func(*Job)) *Job {
		j := &Job{Series: s, ID: id, Pick: PickMessage, Texts: func(string) string { return "" }, From: "Me <me@example.org>",
			Out: &Outputs{}, Now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC),
			Data: func(t *Target, me fmail.Address) (string, any, error) { return templates.Reply, ReplyData(t, me), nil }}
		if mod != nil {
			mod(j)
		}
		return j
	}
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, templates.Reply), []byte("{{ .Nope"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := job(nil).Run(context.Background(), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "In-Reply-To: <"+id+">") || !strings.Contains(out.String(), `From: "Me" <me@example.org>`) {
		t.Errorf("draft lacks its threading or sender:\n%s", out.String())
	}
	for _, tc := range []struct {
		name    string
		mod     func(*Job)
		runtime bool
	}{
		{"unknown ID", func(j *Job) { j.ID = "nobody@example.org" }, false},
		{"broken template", func(j *Job) { j.Templates = broken }, false},
		{"unwritable output", func(j *Job) { j.Out.File = "/nonexistent/dir/draft.eml" }, true},
	} {
		err := job(tc.mod).Run(context.Background(), io.Discard, io.Discard)
		var re *cli.RuntimeError
		if err == nil || errors.As(err, &re) != tc.runtime {
			t.Errorf("%s: err %v, runtime %v", tc.name, err, tc.runtime)
		}
	}
}

// PickMessage answers a patch or cover letter named by its Message-ID,
// and the first of them for the series' id, full or short (as the queue
// prints it); a reply is refused.
func TestPickMessage(t *testing.T) {
	var s *review.Series
	for _, c := range example(t).Series {
		if len(c.Replies) > 0 && len(c.Posts()) > 1 {
			s = c
		}
	}
	if s == nil {
		t.Fatal("no series with replies and two posts in the example")
	}
	first, second := s.Posts()[0], s.Posts()[1]
	for _, tc := range []struct {
		id   string
		want *review.Post
	}{
		{second.MessageID, second},
		{s.ID, first},
		{review.ShortID(s.ID), first},
		{s.Replies[0].MessageID, nil},
		{review.ShortID(second.MessageID), nil},
	} {
		got, err := PickMessage(s, tc.id)
		if got != tc.want || (err == nil) != (tc.want != nil) {
			t.Errorf("PickMessage(%q) = %v, %v; want %v", tc.id, got, err, tc.want)
		}
	}
}

// example is the review of the example mbox, which has series.
func example(t *testing.T) *review.Result {
	t.Helper()
	f, err := os.Open("../../../examples/rust-pwm-demo.mbox")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := review.Ingest(context.Background(), fmail.NewMboxReader(f, "demo.mbox", nil), nil)
	if err != nil || len(res.Series) == 0 {
		t.Fatalf("ingest: %v, %d series", err, len(res.Series))
	}
	return res
}
