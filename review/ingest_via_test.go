package review_test

import (
	"context"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/review"
)

// TestDropRecipientsViaSender checks that a relayed sender ("Name via
// List") is still resolved through Cc when DropRecipients spares the
// decoding of recipients.
func TestDropRecipientsViaSender(t *testing.T) {
	const mbox = `From a Mon Jan  1 00:00:00 2024
From: Ada via Lists <list@example.org>
To: Linux PWM <linux-pwm@vger.kernel.org>
Cc: Bob <bob@example.org>, Ada <ada@example.org>
Subject: Re: [PATCH] pwm: fix
Message-ID: <v1@example.org>
Date: Mon, 1 Jan 2024 00:00:00 +0000

Looks good.
`
	for _, drop := range []bool{false, true} {
		res, err := review.Ingest(context.Background(), mail.NewMboxReader(strings.NewReader(mbox), "t", nil),
			&review.IngestOptions{DropRecipients: drop})
		if err != nil || len(res.Posts) != 1 {
			t.Fatalf("Ingest: %v, %d posts", err, len(res.Posts))
		}
		if p := res.Posts[0]; p.Sender.Email != "ada@example.org" || (drop && (p.To != nil || p.Cc != nil)) {
			t.Errorf("DropRecipients %v: sender %v, To %v, Cc %v", drop, p.Sender, p.To, p.Cc)
		}
	}
}
