package review_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"ferrule/mail"
	"ferrule/review"
)

const recipientsMbox = `From a Mon Jan  1 00:00:00 2024
From: Ada <ada@example.org>
To: Linux PWM <linux-pwm@vger.kernel.org>, Uwe =?utf-8?Q?Kleine-K=C3=B6nig?= <ukl@example.org>
Cc: rust@example.org
Reply-To: Ada Work <ada@work.example>
Subject: [PATCH] pwm: fix
Message-ID: <p1@example.org>
Date: Mon, 1 Jan 2024 00:00:00 +0000

Signed-off-by: Ada <ada@example.org>
---
diff --git a/drivers/pwm/a.c b/drivers/pwm/a.c
--- a/drivers/pwm/a.c
+++ b/drivers/pwm/a.c
@@ -1 +1 @@
-a
+b

From a Mon Jan  1 00:00:00 2024
From: Bob <bob@example.org>
To: Ada <ada@example.org>
Cc: Linux PWM <linux-pwm@vger.kernel.org>
Subject: Re: [PATCH] pwm: fix
Message-ID: <r1@example.org>
In-Reply-To: <p1@example.org>
Date: Mon, 1 Jan 2024 01:00:00 +0000

Reviewed-by: Bob <bob@example.org>
`

// TestIngestRecipients checks that posts carry their decoded recipients,
// that equal strings are shared between posts, and that DropRecipients
// leaves To and Cc off without changing anything else.
func TestIngestRecipients(t *testing.T) {
	run := func(opts *review.IngestOptions) *review.Result {
		t.Helper()
		res, err := review.Ingest(context.Background(), mail.NewMboxReader(strings.NewReader(recipientsMbox), "t", nil), opts)
		if err != nil || len(res.Posts) != 2 {
			t.Fatalf("Ingest: %v, %d posts", err, len(res.Posts))
		}
		return res
	}
	full := run(nil)
	p, r := full.Posts[0], full.Posts[1]
	if len(p.To) != 2 || p.To[1].Name != "Uwe Kleine-König" || len(p.Cc) != 1 || len(p.ReplyTo) != 1 {
		t.Fatalf("recipients To %v Cc %v Reply-To %v", p.To, p.Cc, p.ReplyTo)
	}
	if p.To[0] != r.Cc[0] || p.From != r.To[0] {
		t.Errorf("same addresses decoded differently: %v / %v, %v / %v", p.To[0], r.Cc[0], p.From, r.To[0])
	}
	if p.MessageID != r.InReplyTo {
		t.Errorf("In-Reply-To %q, want %q", r.InReplyTo, p.MessageID)
	}
	if unsafe.StringData(p.To[0].Email) != unsafe.StringData(r.Cc[0].Email) ||
		unsafe.StringData(p.MessageID) != unsafe.StringData(r.InReplyTo) {
		t.Error("equal addresses or message IDs of two posts are separate copies")
	}

	lean := run(&review.IngestOptions{DropRecipients: true})
	for i, q := range lean.Posts {
		if q.To != nil || q.Cc != nil {
			t.Errorf("post %d kept To %v Cc %v", i, q.To, q.Cc)
		}
		f := full.Posts[i]
		if q.MessageID != f.MessageID || q.Kind != f.Kind || q.Sender != f.Sender || len(q.ReplyTo) != len(f.ReplyTo) || len(q.Trailers) != len(f.Trailers) {
			t.Errorf("post %d differs without recipients: %+v vs %+v", i, q, f)
		}
	}
	if lean.Counts != full.Counts || len(lean.Series) != len(full.Series) {
		t.Errorf("counts %+v / %+v, %d / %d series", lean.Counts, full.Counts, len(lean.Series), len(full.Series))
	}
}

// slowSource delivers one message at once, then blocks in Next until its
// context ends and delivers another a little later, noting a call that
// returns after Feed has.
type slowSource struct {
	calls    atomic.Int32
	returned atomic.Bool // set by the test when Feed has returned
	late     atomic.Bool // Next returned after Feed had
}

func (s *slowSource) Next(ctx context.Context) (*mail.Raw, error) {
	n := s.calls.Add(1)
	raw := &mail.Raw{Position: fmt.Sprintf("slow:%d", n), Bytes: []byte(fmt.Sprintf("Message-ID: <m%d@x>\nSubject: s\n\nbody\n", n))}
	if n > 1 {
		<-ctx.Done()
		time.Sleep(10 * time.Millisecond) // a source that is slow to notice
	}
	if s.returned.Load() {
		s.late.Store(true)
	}
	return raw, nil
}

func (s *slowSource) Position() string { return "slow" }

// When Tee fails or ctx ends, Feed returns only after its reading
// goroutine has stopped: the caller may close the source (a file, a
// store's rows) as soon as Feed returns. Whether a reader left running
// is still inside Next then depends on scheduling, hence the rounds.
func TestFeedStopsReadingBeforeReturning(t *testing.T) {
	failTee := errors.New("disk full")
	for _, tc := range []struct {
		name string
		tee  func(*mail.Raw, *mail.Message, error) (bool, error)
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"tee fails", func(*mail.Raw, *mail.Message, error) (bool, error) { return false, failTee },
			func() (context.Context, context.CancelFunc) { return context.WithCancel(t.Context()) }, failTee},
		{"context ends", nil,
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(t.Context(), 10*time.Millisecond)
			}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 10 {
				src := &slowSource{}
				ctx, cancel := tc.ctx()
				err := review.Feed(ctx, review.NewAssembler(), src, &review.IngestOptions{Tee: tc.tee, Workers: 2})
				src.returned.Store(true)
				cancel()
				if !errors.Is(err, tc.want) {
					t.Fatalf("Feed = %v, want %v", err, tc.want)
				}
				time.Sleep(25 * time.Millisecond)
				if src.late.Load() {
					t.Fatal("the source was still being read after Feed returned")
				}
			}
		})
	}
}

// stuckSource delivers one message, then blocks in Next without looking
// at its context (a read of an idle terminal) until released.
type stuckSource struct {
	calls   atomic.Int32
	release chan struct{}
}

func (s *stuckSource) Next(context.Context) (*mail.Raw, error) {
	if s.calls.Add(1) > 1 {
		<-s.release
		return nil, io.EOF
	}
	return &mail.Raw{Position: "stuck:1", Bytes: []byte("Message-ID: <m1@x>\nSubject: s\n\nbody\n")}, nil
}

func (s *stuckSource) Position() string { return "stuck" }

// An interrupt ends Feed even when the source cannot be: after a grace
// period the reader is left in its read.
func TestFeedLeavesAStuckSource(t *testing.T) {
	src := &stuckSource{release: make(chan struct{})}
	defer close(src.release)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- review.Feed(ctx, review.NewAssembler(), src, nil) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Feed = %v, want the deadline", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Feed still waiting for a source stuck in a read 5 s after its context ended")
	}
}
