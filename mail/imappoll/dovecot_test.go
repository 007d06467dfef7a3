package imappoll_test

import (
	"context"
	"errors"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
)

func dovecotOptions(d *mailtest.Dovecot) *imappoll.Options {
	o := options(d.Addr)
	o.Username, o.BatchSize = d.User, 50
	pw := d.Password
	o.Password = func(context.Context) (string, error) { return pw, nil }
	return o
}

// TestDovecot runs the poller against a real Dovecot: 500 messages of the
// real archive, a UIDVALIDITY reset, a message delivered while idle, a
// connection cut mid-FETCH, and a wrong password.
func TestDovecot(t *testing.T) {
	d := mailtest.StartDovecot(t)
	msgs := mailtest.ArchiveMessages(t, 501)
	d.Fill(t, msgs[:500])
	db := openStore(t)

	t.Run("ingest 500", func(t *testing.T) {
		stop := run(t, db, dovecotOptions(d))
		waitCount(t, db, 500, 60*time.Second)
		t.Run("delivered while idle", func(t *testing.T) {
			time.Sleep(100 * time.Millisecond)
			d.Save(t, msgs[500])
			took := waitCount(t, db, 501, 2*time.Second)
			t.Logf("a message saved while idle was stored after %v", took)
		})
		stop()
	})

	t.Run("uidvalidity reset", func(t *testing.T) {
		old := d.UIDValidity(t)
		d.SetUIDValidity(t, old+1000)
		stop := run(t, db, dovecotOptions(d))
		deadline := time.Now().Add(30 * time.Second)
		for {
			uv, last, _, _ := db.LoadCursor(t.Context(), "test")
			if uv == old+1000 && last >= 501 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cursor %d/%d after the reset, want uidvalidity %d", uv, last, old+1000)
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		waitCount(t, db, 501, time.Second) // refetched, not duplicated
	})

	t.Run("connection cut mid-FETCH", func(t *testing.T) {
		db2 := openStore(t)
		addr, conns := proxy(t, d.Addr, 300<<10)
		o := dovecotOptions(d)
		o.Address = addr
		stop := run(t, db2, o)
		waitCount(t, db2, 501, 60*time.Second)
		stop()
		if conns.Load() < 2 {
			t.Errorf("not cut and resumed: %d connections", conns.Load())
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		o := dovecotOptions(d)
		o.Password = func(context.Context) (string, error) { return "wrong", nil }
		start := time.Now()
		err := imappoll.New(openStore(t), o).Run(t.Context())
		if !errors.Is(err, imappoll.ErrAuth) {
			t.Fatalf("Run = %v, want ErrAuth", err)
		}
		// Dovecot delays failed logins (auth_failure_delay, 2s); no retries.
		if el := time.Since(start); el > 10*time.Second {
			t.Errorf("took %v", el)
		}
	})
}

// TestDovecotStall puts a proxy that stops forwarding (as a SIGSTOPped
// imap process would) between the poller and Dovecot, once in the middle
// of a FETCH and once during IDLE: the poller reconnects and stores
// everything within three poll intervals of the stall.
func TestDovecotStall(t *testing.T) {
	d := mailtest.StartDovecot(t)
	msgs := mailtest.ArchiveMessages(t, 105)
	d.Fill(t, msgs[:100])
	for _, tc := range []struct {
		name  string
		fault mailtest.Fault
		later [][]byte // delivered once the stall began
	}{
		{"mid-FETCH", mailtest.Fault{AfterServerBytes: 200 << 10}, nil},
		{"during IDLE", mailtest.Fault{OnServer: "+ idling\r\n"}, msgs[100:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			px := mailtest.StartProxy(t, d.Addr, func(n int) *mailtest.Fault {
				if n == 1 {
					return &tc.fault
				}
				return nil
			})
			db := openStore(t)
			o := dovecotOptions(d)
			o.Address = px.Addr
			o.PollInterval, o.Timeout = 2*time.Second, 2*time.Second
			logs := &logRecorder{}
			o.Logger = slog.New(logs)
			p, stop := startPoller(t, db, o)
			stalled := waitTriggered(t, px)
			for _, m := range tc.later {
				d.Save(t, m)
			}
			want := 100 + len(tc.later) // the subtests run in order
			waitCount(t, db, want, 3*o.PollInterval-time.Since(stalled))
			t.Logf("all %d stored %v after the stall", want, time.Since(stalled).Round(time.Millisecond))
			checkStallRecovered(t, p, logs)
			stop()
		})
	}
}

// TestDovecotSIGSTOP stops Dovecot's imap process while the poller IDLEs:
// the poller notices when its IDLE ends, reconnects (a new imap process
// serves it) and stores what was delivered meanwhile, within three poll
// intervals.
func TestDovecotSIGSTOP(t *testing.T) {
	d := mailtest.StartDovecot(t)
	msgs := mailtest.ArchiveMessages(t, 12)
	d.Fill(t, msgs[:10])
	db := openStore(t)
	o := dovecotOptions(d)
	o.PollInterval, o.Timeout = 2*time.Second, 2*time.Second
	logs := &logRecorder{}
	o.Logger = slog.New(logs)
	p, stop := startPoller(t, db, o)
	defer stop()
	waitCount(t, db, 10, 30*time.Second)
	time.Sleep(100 * time.Millisecond) // into IDLE
	pids := d.IMAPPids(t)
	if len(pids) != 1 {
		t.Fatalf("imap processes %v, want one", pids)
	}
	if err := syscall.Kill(pids[0], syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(pids[0], syscall.SIGCONT)
	stopped := time.Now()
	for _, m := range msgs[10:] {
		d.Save(t, m)
	}
	waitCount(t, db, 12, 3*o.PollInterval-time.Since(stopped))
	t.Logf("all stored %v after SIGSTOP", time.Since(stopped).Round(time.Millisecond))
	checkStallRecovered(t, p, logs)
}
