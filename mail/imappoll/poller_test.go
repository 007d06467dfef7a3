package imappoll_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"ferrule/mail"
	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
	"ferrule/store"
)

// server is go-imap's in-process server on 127.0.0.1 with one user.
type server struct {
	addr string
	user *imapmemserver.User
}

func newServer(t *testing.T) *server {
	t.Helper()
	addr, u := mailtest.StartIMAPMem(t)
	return &server{addr: addr, user: u}
}

func (s *server) append(t *testing.T, msgs [][]byte) {
	t.Helper()
	for _, m := range msgs {
		if _, err := s.user.Append("INBOX", mailtest.Literal{Reader: bytes.NewReader(m)}, &imap.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// fixtures returns n real list messages (with distinct Message-IDs).
func fixtures(t *testing.T, n int) [][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(mailtest.SharedDir(t, "rust-series", "lore"), "*.mbox"))
	src, err := mail.Open(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out [][]byte
	seen := map[string]bool{}
	for len(out) < n {
		r, err := src.Next(context.Background())
		if err != nil {
			t.Fatalf("only %d fixtures: %v", len(out), err)
		}
		m, err := mail.Parse(r)
		if err != nil || seen[m.MessageID] {
			continue
		}
		seen[m.MessageID] = true
		out = append(out, r.Bytes)
	}
	return out
}

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func options(addr string) *imappoll.Options {
	return &imappoll.Options{
		Name: "test", Address: addr, TLS: imappoll.None, Username: "user",
		Password:     func(context.Context) (string, error) { return "pass", nil },
		PollInterval: time.Second, BatchSize: 7,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// run starts a poller and returns a stop function that waits for it.
func run(t *testing.T, db *store.DB, o *imappoll.Options) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- imappoll.New(db, o).Run(ctx) }()
	return func() error {
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

func waitCount(t *testing.T, db *store.DB, want int, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		n, err := db.CountMessages(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == want {
			return time.Since(start)
		}
		if n > want {
			t.Fatalf("store holds %d messages, want %d: duplicates", n, want)
		}
		if time.Since(start) > within {
			t.Fatalf("store holds %d messages after %v, want %d", n, within, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSyncThenIdle ingests 500 messages of the real archive, then one
// delivered while idle.
func TestSyncThenIdle(t *testing.T) {
	srv := newServer(t)
	msgs := mailtest.ArchiveMessages(t, 501)
	srv.append(t, msgs[:500])
	db := openStore(t)
	o := options(srv.addr)
	o.BatchSize = 100
	stop := run(t, db, o)
	waitCount(t, db, 500, 30*time.Second)
	time.Sleep(50 * time.Millisecond) // let it settle into IDLE (go-imap's known IDLE registration race)
	srv.append(t, msgs[500:])
	if took := waitCount(t, db, 501, 2*time.Second); took > 2*time.Second {
		t.Errorf("a message delivered while idle took %v", took)
	}
	if err := stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
	uv, last, ok, _ := db.LoadCursor(t.Context(), "test")
	if !ok || last != 501 || uv == 0 {
		t.Errorf("cursor = %d/%d %v", uv, last, ok)
	}
}

// TestUIDValidityReset: the folder is re-created (new UIDVALIDITY, UIDs
// renumbered); the poller fetches it again and stores nothing twice.
func TestUIDValidityReset(t *testing.T) {
	srv := newServer(t)
	msgs := fixtures(t, 20)
	srv.append(t, msgs[:15])
	db := openStore(t)
	stop := run(t, db, options(srv.addr))
	waitCount(t, db, 15, 10*time.Second)
	uv1, _, _, _ := db.LoadCursor(t.Context(), "test")
	stop()
	if err := srv.user.Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := srv.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	srv.append(t, msgs) // the same 15 (renumbered) and 5 new
	stop = run(t, db, options(srv.addr))
	waitCount(t, db, 20, 10*time.Second)
	stop()
	uv2, last, _, _ := db.LoadCursor(t.Context(), "test")
	if uv2 == uv1 || last != 20 {
		t.Errorf("cursor after reset = %d/%d (before %d)", uv2, last, uv1)
	}
}

// proxy forwards to target; the first connection is cut after cut bytes
// from the server (mid-FETCH).
func proxy(t *testing.T, target string, cut int64) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := conns.Add(1)
			go func() {
				defer c.Close()
				s, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer s.Close()
				go io.Copy(s, c)
				if n == 1 {
					io.CopyN(c, s, cut)
					return // drop the connection mid-stream
				}
				io.Copy(c, s)
			}()
		}
	}()
	return ln.Addr().String(), &conns
}

func TestReconnectMidFetch(t *testing.T) {
	srv := newServer(t)
	msgs := fixtures(t, 30)
	srv.append(t, msgs)
	addr, conns := proxy(t, srv.addr, 60<<10) // cut inside the message bodies
	db := openStore(t)
	stop := run(t, db, options(addr))
	waitCount(t, db, 30, 10*time.Second)
	stop()
	if conns.Load() < 2 {
		t.Errorf("the connection was not cut and resumed (%d connections)", conns.Load())
	}
}

// TestCrashMidSync stops the poller in the middle of a sync (as a crash
// would, between batches) and starts another: every message is stored
// exactly once.
func TestCrashMidSync(t *testing.T) {
	srv := newServer(t)
	msgs := fixtures(t, 60)
	srv.append(t, msgs)
	db := openStore(t)
	o := options(srv.addr)
	o.BatchSize = 5
	var stopOnce sync.Once
	ctx, cancel := context.WithCancel(t.Context())
	o.Notify = func(int) {
		if n, _ := db.CountMessages(context.Background()); n >= 20 {
			stopOnce.Do(cancel)
		}
	}
	if err := imappoll.New(db, o).Run(ctx); err != nil {
		t.Fatal(err)
	}
	n, _ := db.CountMessages(t.Context())
	if n >= 60 || n < 20 {
		t.Fatalf("after the crash the store holds %d messages; the test wants a partial sync", n)
	}
	stop := run(t, db, options(srv.addr))
	waitCount(t, db, 60, 10*time.Second)
	stop()
}

func TestWrongPassword(t *testing.T) {
	srv := newServer(t)
	db := openStore(t)
	var logs bytes.Buffer
	o := options(srv.addr)
	o.Password = func(context.Context) (string, error) { return "wrong", nil }
	o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	start := time.Now()
	p := imappoll.New(db, o)
	err := p.Run(t.Context())
	if !errors.Is(err, imappoll.ErrAuth) {
		t.Fatalf("Run = %v, want ErrAuth", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v: it should stop at once, not retry", time.Since(start))
	}
	if h := p.Health(); !h.AuthFailed || !h.Stopped {
		t.Errorf("health after a refused login: %+v", h)
	} else if ok, why := h.OK(); ok || !strings.Contains(why, "refused the credentials") {
		t.Errorf("OK() = %v, %q", ok, why)
	}
	if !strings.Contains(logs.String(), "refused the credentials") {
		t.Errorf("no clear log line: %s", logs.String())
	}
}

func TestTraceRedactsCredentials(t *testing.T) {
	srv := newServer(t)
	db := openStore(t)
	var trace bytes.Buffer
	var mu sync.Mutex
	o := options(srv.addr)
	o.DebugWriter = writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return trace.Write(p) })
	stop := run(t, db, o)
	waitCount(t, db, 0, time.Second)
	time.Sleep(200 * time.Millisecond)
	stop()
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(trace.String(), "LOGIN [redacted]") || strings.Contains(trace.String(), "pass") {
		t.Errorf("trace:\n%s", trace.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestRedactor feeds the two directions interleaved, the server's lines in
// pieces (a split greeting), LOGIN with quoted strings and with literals
// (one holding a CRLF), and AUTHENTICATE with an initial response and
// continuation lines: no credential reaches the output, the rest does,
// as whole lines.
func TestRedactor(t *testing.T) {
	type chunk struct {
		client bool
		s      string
	}
	for _, tc := range []struct {
		name string
		feed []chunk
		want string
	}{
		{"split greeting", []chunk{{false, "* OK [CAPABI"}, {true, "T1 LOGIN \"testuser\" \"secret\"\r\n"},
			{false, "LITY IMAP4rev1] ready\r\n"}, {false, "T1 OK done\r\n"}},
			"T1 LOGIN [redacted]\r\n* OK [CAPABILITY IMAP4rev1] ready\r\nT1 OK done\r\n"},
		{"split command", []chunk{{true, "T1 LOG"}, {false, "* OK hel"}, {true, "IN \"user\" \"secret\"\r"}, {false, "lo\r\n"}, {true, "\n"}},
			"* OK hello\r\nT1 LOGIN [redacted]\r\n"},
		{"literals", []chunk{{true, "T3 LOGIN {4}\r\n"}, {false, "+ go\r\n"}, {true, "user {9}\r\n"}, {false, "+ go\r\n"},
			{true, "sec\r\nret!"}, {true, "\r\n"}, {false, "T3 OK\r\n"}, {true, "T4 SELECT INBOX\r\n"}},
			"T3 LOGIN [redacted]\r\n+ go\r\n+ go\r\nT3 OK\r\nT4 SELECT INBOX\r\n"},
		{"non-synchronising literals", []chunk{{true, "T3 LOGIN {4+}\r\nuser {6+}\r\nsecret\r\nT4 NOOP\r\n"}},
			"T3 LOGIN [redacted]\r\nT4 NOOP\r\n"},
		{"authenticate", []chunk{{true, "T2 AUTHENTICATE PLAIN AHVzZXIAc2VjcmV0\r\n"}, {false, "+ \r\n"}, {true, "AHVzZXIAc2VjcmV0\r\n"},
			{false, "+ more\r\n"}, {true, "c2VjcmV0\r"}, {true, "\n"}, {false, "T2 OK\r\n"}, {true, "T5 NOOP\r\n"}},
			"T2 AUTHENTICATE PLAIN [redacted]\r\n+ \r\n[redacted]\r\n+ more\r\n[redacted]\r\nT2 OK\r\nT5 NOOP\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			r := imappoll.NewRedactor(&out)
			for _, c := range tc.feed {
				w := r.Server()
				if c.client {
					w = r.Client()
				}
				if n, err := w.Write([]byte(c.s)); n != len(c.s) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if got := out.String(); got != tc.want {
				t.Errorf("trace\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
