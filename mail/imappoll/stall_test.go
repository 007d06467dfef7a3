package imappoll_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
	"ferrule/store"
)

// logRecorder is a slog handler that keeps every record.
type logRecorder struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r.Clone())
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

// attrs returns the value of attribute key in every record with message
// msg.
func (l *logRecorder) attrs(msg, key string) []slog.Value {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []slog.Value
	for _, r := range l.recs {
		if r.Message != msg {
			continue
		}
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == key {
				out = append(out, a.Value)
			}
			return true
		})
	}
	return out
}

// startPoller runs a poller and returns it with a stop function.
func startPoller(t *testing.T, db *store.DB, o *imappoll.Options) (*imappoll.Poller, func() error) {
	t.Helper()
	p := imappoll.New(db, o)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	return p, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("poller did not stop")
			return nil
		}
	}
}

// waitTriggered waits for the proxy's fault to fire.
func waitTriggered(t *testing.T, px *mailtest.Proxy) time.Time {
	t.Helper()
	select {
	case <-px.Triggered:
		return time.Now()
	case <-time.After(30 * time.Second):
		t.Fatal("the proxy's fault never fired")
		return time.Time{}
	}
}

// checkStallRecovered checks the counters and health after a stall was
// survived.
func checkStallRecovered(t *testing.T, p *imappoll.Poller, logs *logRecorder) {
	t.Helper()
	if s := p.Stats(); s.Stalls < 1 || s.Errors < 1 {
		t.Errorf("stats after a stall: %+v", s)
	}
	if errs := logs.attrs("session ended; reconnecting", "err"); len(errs) == 0 || !strings.Contains(errs[0].String(), "stopped answering") {
		t.Errorf("no log line names the stall: %v", errs)
	}
	h := p.Health()
	if ok, why := h.OK(); !ok || !h.Connected || h.Stalls < 1 || !strings.Contains(h.LastError, "stopped answering") {
		t.Errorf("health after recovery: %+v (%s)", h, why)
	}
}

// A server that stops sending in the middle of a FETCH (the connection
// stays open) is replaced: everything is stored within three poll
// intervals of the stall.
func TestStallMidFetch(t *testing.T) {
	srv := newServer(t)
	msgs := fixtures(t, 30)
	srv.append(t, msgs)
	px := mailtest.StartProxy(t, srv.addr, func(n int) *mailtest.Fault {
		if n == 1 {
			return &mailtest.Fault{AfterServerBytes: 60 << 10} // inside the bodies
		}
		return nil
	})
	db := openStore(t)
	o := options(px.Addr)
	o.PollInterval = 2 * time.Second
	o.Timeout = o.PollInterval
	logs := &logRecorder{}
	o.Logger = slog.New(logs)
	p, stop := startPoller(t, db, o)
	stalled := waitTriggered(t, px)
	waitCount(t, db, 30, 3*o.PollInterval-time.Since(stalled))
	t.Logf("all stored %v after the stall", time.Since(stalled).Round(time.Millisecond))
	checkStallRecovered(t, p, logs)
	stop()
	if px.Conns() != 2 {
		t.Errorf("%d connections, want 2", px.Conns())
	}
}

// A server that stops answering while the poller IDLEs (SIGSTOP) is
// noticed when the IDLE ends; what arrived meanwhile is stored within
// three poll intervals of the stall.
func TestStallDuringIdle(t *testing.T) {
	srv := newServer(t)
	msgs := fixtures(t, 15)
	srv.append(t, msgs[:10])
	px := mailtest.StartProxy(t, srv.addr, func(n int) *mailtest.Fault {
		if n == 1 {
			return &mailtest.Fault{OnServer: "+ idling\r\n"}
		}
		return nil
	})
	db := openStore(t)
	o := options(px.Addr)
	o.PollInterval = 2 * time.Second
	o.Timeout = o.PollInterval
	logs := &logRecorder{}
	o.Logger = slog.New(logs)
	p, stop := startPoller(t, db, o)
	stalled := waitTriggered(t, px)
	srv.append(t, msgs[10:])
	if h := p.Health(); !h.Connected {
		t.Errorf("health during the IDLE: %+v", h)
	}
	waitCount(t, db, 15, 3*o.PollInterval-time.Since(stalled))
	t.Logf("all stored %v after the stall", time.Since(stalled).Round(time.Millisecond))
	checkStallRecovered(t, p, logs)
	stop()
}

// A server that never answers makes the poller unhealthy, with the
// reason, after three poll intervals without progress.
func TestHealthStalled(t *testing.T) {
	srv := newServer(t)
	px := mailtest.StartProxy(t, srv.addr, func(int) *mailtest.Fault { return &mailtest.Fault{OnClient: "SELECT"} })
	o := options(px.Addr)
	o.PollInterval, o.Timeout = 300*time.Millisecond, 300*time.Millisecond
	if h := imappoll.New(openStore(t), o).Health(); h.Stopped || h.Connected || h.Stalled {
		t.Errorf("health before Run: %+v", h)
	}
	p, stop := startPoller(t, openStore(t), o)
	defer stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h := p.Health()
		if ok, why := h.OK(); !ok {
			if !h.Stalled || !strings.Contains(why, "stopped answering") {
				t.Errorf("health %+v: %s", h, why)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still healthy: %+v", h)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// After a session that synced, a dropped connection is retried after
// MinBackoff again, not after a wait that kept doubling.
func TestBackoffResetsAfterSync(t *testing.T) {
	srv := newServer(t)
	srv.append(t, fixtures(t, 3))
	// Every connection is cut once the poller IDLEs (it synced).
	px := mailtest.StartProxy(t, srv.addr, func(int) *mailtest.Fault { return &mailtest.Fault{OnClient: "IDLE\r\n", Cut: true} })
	o := options(px.Addr)
	o.MinBackoff, o.MaxBackoff = 40*time.Millisecond, 10*time.Second
	logs := &logRecorder{}
	o.Logger = slog.New(logs)
	_, stop := startPoller(t, openStore(t), o)
	deadline := time.Now().Add(20 * time.Second)
	for px.Conns() < 6 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	waits := logs.attrs("session ended; reconnecting", "in")
	if len(waits) < 5 {
		t.Fatalf("%d reconnects, want 5", len(waits))
	}
	for i, w := range waits {
		// Jitter spreads a wait over [w/2, 3w/2); the log rounds it to
		// the millisecond, so 3w/2 itself may appear.
		if d := w.Duration(); d > o.MinBackoff*3/2 {
			t.Errorf("reconnect %d waited %v after a session that synced; want <= %v", i+1, d, o.MinBackoff*3/2)
		}
	}
}
