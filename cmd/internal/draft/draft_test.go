package draft

import (
	"context"
	"strings"
	"testing"
	"time"

	"ferrule/cmd/internal/config"
	fmail "ferrule/mail"
	"ferrule/review"
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
