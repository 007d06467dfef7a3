// Package smtpsend submits composed messages over SMTP with go-smtp:
// implicit TLS (port 465), STARTTLS (587), or plaintext, which is only
// ever used towards a loopback address. It authenticates with AUTH PLAIN,
// or LOGIN when the server offers only that, and never authenticates over
// an unencrypted connection to another host.
//
// Send reports whether a failure is worth retrying (Temporary): a 4xx
// reply or a broken connection is, a 5xx reply is not. The package keeps
// no state; callers record what was delivered.
package smtpsend

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLSMode is how the connection is protected.
type TLSMode string

// TLS modes.
const (
	Implicit TLSMode = "implicit"
	StartTLS TLSMode = "starttls"
	None     TLSMode = "none" // loopback only
)

// Options say where and how to submit.
type Options struct {
	Address   string // host:port
	TLS       TLSMode
	TLSConfig *tls.Config // default: system roots, ServerName from Address
	Username  string      // empty: no AUTH
	// Password is asked for once per Send.
	Password func(ctx context.Context) (string, error)
	// LocalName is said in EHLO; default "localhost".
	LocalName string
	// Timeout bounds dialling and each command; default 1 minute.
	Timeout time.Duration
}

// Error is a failed submission.
type Error struct {
	Op        string // dial, tls, auth, mail, rcpt, data
	Err       error
	Temporary bool
}

func (e *Error) Error() string { return "smtp " + e.Op + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether err is worth retrying later.
func Temporary(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Temporary
}

// Send submits msg from the envelope sender to the recipients.
func Send(ctx context.Context, o *Options, from string, to []string, msg []byte) error {
	if len(to) == 0 {
		return &Error{Op: "rcpt", Err: errors.New("no recipients")}
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	host, _, err := net.SplitHostPort(o.Address)
	if err != nil {
		return &Error{Op: "dial", Err: err}
	}
	mode := o.TLS
	if mode == "" {
		mode = Implicit
	}
	if mode == None && !loopback(host) {
		return &Error{Op: "dial", Err: fmt.Errorf("refusing plaintext SMTP to %s: only loopback may go without TLS", host)}
	}
	tlsConfig := o.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host}
	}

	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", o.Address)
	if err != nil {
		return &Error{Op: "dial", Err: err, Temporary: true}
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	var c *smtp.Client
	switch mode {
	case Implicit:
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return &Error{Op: "tls", Err: err, Temporary: true}
		}
		c = smtp.NewClient(tc)
	case StartTLS:
		c, err = smtp.NewClientStartTLS(conn, tlsConfig)
		if err != nil {
			conn.Close()
			return classify("tls", err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	local := o.LocalName
	if local == "" {
		local = "localhost"
	}
	if err := c.Hello(local); err != nil {
		return classify("ehlo", err)
	}
	if o.Username != "" {
		if err := auth(ctx, c, o); err != nil {
			return err
		}
	}
	if err := c.SendMail(from, to, strings.NewReader(string(msg))); err != nil {
		return classify("send", err)
	}
	if err := c.Quit(); err != nil {
		// The message was accepted at the final dot; a failed QUIT does
		// not undo that.
		return nil
	}
	return nil
}

func auth(ctx context.Context, c *smtp.Client, o *Options) error {
	if o.Password == nil {
		return &Error{Op: "auth", Err: errors.New("no password configured")}
	}
	pw, err := o.Password(ctx)
	if err != nil {
		return &Error{Op: "auth", Err: err}
	}
	var client sasl.Client
	switch {
	case c.SupportsAuth("PLAIN"):
		client = sasl.NewPlainClient("", o.Username, pw)
	case c.SupportsAuth("LOGIN"):
		client = sasl.NewLoginClient(o.Username, pw)
	default:
		return &Error{Op: "auth", Err: errors.New("server offers neither AUTH PLAIN nor LOGIN")}
	}
	if err := c.Auth(client); err != nil {
		return classify("auth", err)
	}
	return nil
}

// classify marks 4xx replies and connection failures temporary.
func classify(op string, err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return &Error{Op: op, Err: err, Temporary: se.Code >= 400 && se.Code < 500}
	}
	return &Error{Op: op, Err: err, Temporary: true}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
