package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"ferrule/cmd/internal/config"
	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/store"
)

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a log buffer safe for the daemon's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestDaemon runs the daemon against an in-process IMAP server: it stores
// and reviews the mailbox, serves /healthz and /metrics, keeps its
// configuration when a reload brings an invalid one, and stops cleanly.
func TestDaemon(t *testing.T) {
	addr, user := mailtest.StartIMAPMem(t)
	appendExample(t, user)

	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ferrule.db")
	httpAddr := freePort(t)
	cfg := fmt.Sprintf(`store: {path: %s}
mailboxes:
  - name: demo
    imap: {address: %q, tls: none, username: user, password_cmd: echo pass}
    poll_interval: 1s
http: {listen: %q}
`, dbPath, addr, httpAddr)
	cfgPath := filepath.Join(dir, "ferrule.yaml")
	os.WriteFile(cfgPath, []byte(cfg), 0o600)

	hup := make(chan os.Signal, 1)
	var logs syncBuffer
	cancel, done := start(t, cfgPath, hup, &logs, true)

	get := func(path string) string {
		resp, err := http.Get("http://" + httpAddr + path)
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(get("/metrics"), "ferrule_series 3") {
		if time.Now().After(deadline) {
			t.Fatalf("no review of the mailbox; metrics:\n%s\nlogs:\n%s", get("/metrics"), logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	m := get("/metrics")
	for _, want := range []string{`ferrule_messages_ingested_total{mailbox="demo"} 11`, "ferrule_stored_messages 11", `ferrule_imap_connected{mailbox="demo"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
	if h := get("/healthz"); h != "ok\n" {
		t.Errorf("/healthz = %q", h)
	}
	if q := get("/"); !strings.Contains(q, "pwm: demo: add a Rust driver for the demo PWM") {
		t.Errorf("the web view's queue lacks the demo series:\n%.500s", q)
	}

	// A reload with a broken file keeps the running configuration.
	os.WriteFile(cfgPath, []byte("mailboxes: [{name: x}]\nbogus: 1\n"), 0o600)
	hup <- os.Interrupt
	time.Sleep(300 * time.Millisecond)
	if !strings.Contains(logs.String(), "reload failed; keeping the running configuration") {
		t.Errorf("no reload failure logged:\n%s", logs.String())
	}
	if !strings.Contains(get("/metrics"), `ferrule_imap_connected{mailbox="demo"} 1`) {
		t.Error("the running mailbox stopped after a failed reload")
	}
	// A valid reload takes effect: the mailbox is now called demo2.
	os.WriteFile(cfgPath, []byte(strings.Replace(cfg, "name: demo", "name: demo2", 1)), 0o600)
	hup <- os.Interrupt
	deadline = time.Now().Add(10 * time.Second)
	for !strings.Contains(get("/metrics"), `ferrule_imap_connected{mailbox="demo2"} 1`) {
		if time.Now().After(deadline) {
			t.Fatalf("reload not applied:\n%s", get("/metrics"))
		}
		time.Sleep(50 * time.Millisecond)
	}

	cancel()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("watch did not stop")
	}
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if s, err := db.Series(context.Background(), "20261010-pwm-demo-v2-0-bbbb@example.org"); err != nil || s.Tier == "" {
		t.Errorf("stored review: %v %v", s, err)
	}
	// The trace is on, and the password is not in it.
	if !strings.Contains(logs.String(), "LOGIN [redacted]") || strings.Contains(logs.String(), `"pass"`) || strings.Contains(logs.String(), " pass\r") {
		t.Errorf("IMAP trace missing or not redacted:\n%.2000s", logs.String())
	}
}

// TestDaemonDigest: the daemon sends digests after its first review; an
// SMTP failure is retried and then delivered once, never twice.
func TestDaemonDigest(t *testing.T) {
	digestRetry = 50 * time.Millisecond
	t.Cleanup(func() { digestRetry = time.Minute })
	addr, user := mailtest.StartIMAPMem(t)
	appendExample(t, user)
	smtpSrv := mailtest.StartSMTP(t, "digest", "s3cret")
	smtpSrv.FailNext(errors.New("greylisted"))

	dir := t.TempDir()
	httpAddr := freePort(t)
	cfg := fmt.Sprintf(`store: {path: %s}
mailboxes:
  - name: demo
    imap: {address: %q, tls: none, username: user, password_cmd: echo pass}
http: {listen: %q}
smtp: {address: %q, tls: none, username: digest, password_cmd: echo s3cret, from: ferrule@example.org}
digest:
  schedule: 1h
  maintainers: all
  subscriptions: [{email: sub@example.org, paths: ["drivers/pwm/**"]}]
`, filepath.Join(dir, "ferrule.db"), addr, httpAddr, smtpSrv.Addr)
	cfgPath := filepath.Join(dir, "ferrule.yaml")
	os.WriteFile(cfgPath, []byte(cfg), 0o600)
	var logs syncBuffer
	cancel, done := start(t, cfgPath, nil, &logs, false)

	// The embedded MAINTAINERS routes the demo series to the RUST
	// maintainers and reviewers, who opted in (maintainers: all); the
	// subscriber asked for drivers/pwm.
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(logs.String(), "digests failed; retrying") || !containsTo(smtpSrv.Received(), "sub@example.org") {
		if time.Now().After(deadline) {
			t.Fatalf("no digest retried and delivered; logs:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // a further retry round would send duplicates now
	cancel()
	<-done
	seen := map[string]int{}
	for _, d := range smtpSrv.Received() {
		seen[d.To[0]]++
	}
	for to, n := range seen {
		if n != 1 {
			t.Errorf("%s received %d digests", to, n)
		}
	}
	if len(seen) < 2 {
		t.Errorf("digests went to %v only", seen)
	}
}

func containsTo(ds []mailtest.Delivery, to string) bool {
	for _, d := range ds {
		for _, r := range d.To {
			if r == to {
				return true
			}
		}
	}
	return false
}

// appendExample puts the example mbox's messages into INBOX.
func appendExample(t *testing.T, user *imapmemserver.User) {
	t.Helper()
	src, err := mail.Open([]string{example}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for {
		r, err := src.Next(context.Background())
		if err != nil {
			break
		}
		user.Append("INBOX", mailtest.Literal{Reader: bytes.NewReader(r.Bytes)}, &imap.AppendOptions{})
	}
}

const example = "../../../examples/rust-pwm-demo.mbox"

func testNow() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }

// start runs a daemon on the config file until the returned cancel;
// done is closed when it has stopped.
func start(t *testing.T, cfgPath string, hup chan os.Signal, logs io.Writer, trace bool) (context.CancelFunc, chan struct{}) {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	hard, cancelHard := context.WithCancel(context.Background())
	db, err := store.Open(hard, cfg.StorePath)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{ConfigPath: cfgPath, DB: db, Log: slog.New(slog.NewTextHandler(logs, nil)), Now: testNow, Reload: hup}
	if trace {
		o.Trace = logs
	}
	d, err := New(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer cancelHard()
		defer db.Close()
		d.Run(ctx, hard, cancelHard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return cancel, done
}

// TestDaemonUnhealthy: a mailbox whose login is refused stops its poller,
// and /healthz says so with a 503 and the reason.
func TestDaemonUnhealthy(t *testing.T) {
	addr, _ := mailtest.StartIMAPMem(t)
	dir := t.TempDir()
	httpAddr := freePort(t)
	cfg := fmt.Sprintf(`store: {path: %s}
mailboxes:
  - name: demo
    imap: {address: %q, tls: none, username: user, password_cmd: echo wrong}
    poll_interval: 1s
http: {listen: %q}
`, filepath.Join(dir, "ferrule.db"), addr, httpAddr)
	cfgPath := filepath.Join(dir, "ferrule.yaml")
	os.WriteFile(cfgPath, []byte(cfg), 0o600)
	var logs syncBuffer
	cancel, done := start(t, cfgPath, nil, &logs, false)
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get("http://" + httpAddr + "/healthz")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				if !strings.Contains(string(b), "mailbox demo: stopped") {
					t.Errorf("/healthz 503 body %q, want the mailbox and why", b)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never turned 503 after a refused login; logs:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
