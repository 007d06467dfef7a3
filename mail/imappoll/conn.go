package imappoll

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrStalled means the server stopped answering: no byte arrived (or
// could be sent) for Options.Timeout while a reply was due.
var ErrStalled = errors.New("server stopped answering")

// Read modes of a conn.
const (
	modeRest = iota // no reply is due: no read deadline
	modeBusy        // a reply is due: every read must progress within the timeout
	modeWait        // IDLE: the server may be silent until a fixed time
)

// conn is the TCP connection under TLS and go-imap. It owns the
// deadlines: go-imap's own SetDeadline calls (a fixed 5 minutes for a
// literal, none while idle) are ignored, and the poller says instead
// when a reply is due (busy), when none is (rest), and how long an IDLE
// may be silent (wait). A read or write that times out marks the
// connection stalled.
type conn struct {
	net.Conn
	timeout time.Duration

	mu      sync.Mutex
	mode    int
	busyFor time.Duration // modeBusy: the timeout, or longer for LOGIN
	until   time.Time     // modeWait deadline
	stalled atomic.Bool
}

func (c *conn) deadline() time.Time {
	switch c.mode {
	case modeBusy:
		return time.Now().Add(c.busyFor)
	case modeWait:
		return c.until
	}
	return time.Time{}
}

func (c *conn) setMode(mode int, busyFor time.Duration, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mode, c.busyFor, c.until = mode, busyFor, until
	c.Conn.SetReadDeadline(c.deadline()) // also for a Read already blocked
}

// busy says a reply is due; rest that none is.
func (c *conn) busy() { c.setMode(modeBusy, c.timeout, time.Time{}) }
func (c *conn) rest() { c.setMode(modeRest, 0, time.Time{}) }

// busyFor says a reply is due within d (for a slow command).
func (c *conn) busyWithin(d time.Duration) { c.setMode(modeBusy, d, time.Time{}) }

// wait allows silence until t.
func (c *conn) wait(t time.Time) { c.setMode(modeWait, 0, t) }

// Once stalled, the connection fails every read and write at once
// (go-imap's decoder reads on after an error: each read would wait the
// timeout again).
func (c *conn) Read(p []byte) (int, error) {
	if c.stalled.Load() {
		return 0, os.ErrDeadlineExceeded
	}
	c.mu.Lock()
	c.Conn.SetReadDeadline(c.deadline())
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.stalled.Store(true)
	}
	return n, err
}

func (c *conn) Write(p []byte) (int, error) {
	if c.stalled.Load() {
		return 0, os.ErrDeadlineExceeded
	}
	c.Conn.SetWriteDeadline(time.Now().Add(c.timeout))
	n, err := c.Conn.Write(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.stalled.Store(true)
	}
	return n, err
}

func (c *conn) SetDeadline(time.Time) error      { return nil }
func (c *conn) SetReadDeadline(time.Time) error  { return nil }
func (c *conn) SetWriteDeadline(time.Time) error { return nil }

// traceConn copies what crosses it, above TLS, to a Redactor: one buffer
// per direction.
type traceConn struct {
	net.Conn
	r *Redactor
}

func (t *traceConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		t.r.Server().Write(p[:n])
	}
	return n, err
}

func (t *traceConn) Write(p []byte) (int, error) {
	n, err := t.Conn.Write(p)
	if n > 0 {
		t.r.Client().Write(p[:n])
	}
	return n, err
}

// prefixConn replays a greeting before what the connection reads.
type prefixConn struct {
	net.Conn
	r io.Reader
}

func (p *prefixConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// dialConn connects and secures the connection as Options.TLS says. It
// returns the connection to hand to go-imap and the conn that controls
// its deadlines. With STARTTLS the upgrade is done here, before go-imap
// sees the connection, so that the trace is taken above TLS: go-imap is
// then given a plain greeting, and asks for the capabilities again.
func (p *Poller) dialConn(ctx context.Context) (net.Conn, *conn, error) {
	d := net.Dialer{Timeout: p.o.Timeout}
	raw, err := d.DialContext(ctx, "tcp", p.o.Address)
	if err != nil {
		return nil, nil, err
	}
	wc := &conn{Conn: raw, timeout: p.o.Timeout}
	wc.busy()
	var top net.Conn = wc
	var greeting io.Reader
	switch p.o.TLS {
	case None:
	case StartTLS:
		if err := p.startTLS(wc); err != nil {
			wc.Close()
			return nil, nil, err
		}
		greeting = strings.NewReader("* OK TLS established by STARTTLS\r\n")
		fallthrough
	default:
		cfg := p.tlsConfig()
		tc := tls.Client(wc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			wc.Close()
			return nil, nil, fmt.Errorf("tls: %w", err)
		}
		top = tc
	}
	if p.o.DebugWriter != nil {
		top = &traceConn{Conn: top, r: NewRedactor(p.o.DebugWriter)}
	}
	if greeting != nil {
		top = &prefixConn{Conn: top, r: io.MultiReader(greeting, top)}
	}
	return top, wc, nil
}

func (p *Poller) tlsConfig() *tls.Config {
	cfg := &tls.Config{}
	if p.o.TLSConfig != nil {
		cfg = p.o.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		host, _, err := net.SplitHostPort(p.o.Address)
		if err == nil {
			cfg.ServerName = host
		}
	}
	if cfg.NextProtos == nil && p.o.TLS == Implicit {
		cfg.NextProtos = []string{"imap"}
	}
	return cfg
}

// startTLS reads the greeting and runs STARTTLS (RFC 9051 §6.2.1) on a
// plaintext connection. Nothing the server sent before TLS is kept
// (no command injection across the upgrade).
func (p *Poller) startTLS(c *conn) error {
	var trace *Redactor
	if p.o.DebugWriter != nil {
		trace = NewRedactor(p.o.DebugWriter)
	}
	br := bufio.NewReaderSize(c, 4096)
	readLine := func() (string, error) {
		var line []byte
		for {
			chunk, isPrefix, err := br.ReadLine()
			if err != nil {
				return "", fmt.Errorf("starttls: %w", err)
			}
			if len(line)+len(chunk) > maxTraceLine {
				return "", errors.New("starttls: server line too long")
			}
			line = append(line, chunk...)
			if !isPrefix {
				break
			}
		}
		if trace != nil {
			trace.Server().Write(append(line, '\r', '\n'))
		}
		return string(line), nil
	}
	greeting, err := readLine()
	if err != nil {
		return err
	}
	if !strings.HasPrefix(strings.ToUpper(greeting), "* OK") {
		// PREAUTH before TLS would skip the upgrade; BYE is a refusal.
		return fmt.Errorf("starttls: unexpected greeting %q", greeting)
	}
	const cmd = "S0 STARTTLS\r\n"
	if trace != nil {
		trace.Client().Write([]byte(cmd))
	}
	if _, err := io.WriteString(c, cmd); err != nil {
		return fmt.Errorf("starttls: %w", err)
	}
	for {
		line, err := readLine()
		if err != nil {
			return err
		}
		if tag, rest, _ := strings.Cut(line, " "); tag == "S0" {
			if !strings.HasPrefix(strings.ToUpper(rest), "OK") {
				return fmt.Errorf("starttls refused: %s", rest)
			}
			break
		}
	}
	if br.Buffered() > 0 {
		return errors.New("starttls: the server sent data after its answer (injection?)")
	}
	return nil
}
