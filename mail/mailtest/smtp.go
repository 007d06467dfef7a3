package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPServer is go-smtp's server run in-process on 127.0.0.1 as a sink:
// it requires AUTH PLAIN or LOGIN with User and Password when User is set,
// keeps every message it accepts, and can be told to fail.
type SMTPServer struct {
	Addr           string
	User, Password string

	mu       sync.Mutex
	received []Delivery
	failures []error // returned by the next DATA commands, in order
	auths    int
}

// Delivery is one accepted message.
type Delivery struct {
	From string
	To   []string
	Data []byte
}

// StartSMTP starts an in-process SMTP sink; it stops when the test ends.
func StartSMTP(tb testing.TB, user, password string) *SMTPServer {
	tb.Helper()
	return startSMTP(tb, user, password, "", nil)
}

// StartSMTPTLS starts an in-process sink speaking implicit TLS (mode
// "implicit") or offering STARTTLS ("starttls") with a fresh self-signed
// certificate for 127.0.0.1; clients trust the returned pool.
func StartSMTPTLS(tb testing.TB, mode, user, password string) (*SMTPServer, *x509.CertPool) {
	tb.Helper()
	cert, pool := selfSigned(tb)
	return startSMTP(tb, user, password, mode, &tls.Config{Certificates: []tls.Certificate{cert}}), pool
}

func startSMTP(tb testing.TB, user, password, mode string, tlsConfig *tls.Config) *SMTPServer {
	s := &SMTPServer{User: user, Password: password}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = mode == ""
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 10 << 20
	var ln net.Listener
	var err error
	switch mode {
	case "implicit":
		ln, err = tls.Listen("tcp", "127.0.0.1:0", tlsConfig)
	case "starttls":
		srv.TLSConfig = tlsConfig
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	default:
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		tb.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return s
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(tb testing.TB) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// FailNext makes the next DATA commands fail with these errors (an
// *smtp.SMTPError gives its code; any other error a 451).
func (s *SMTPServer) FailNext(errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, errs...)
}

// Received returns the accepted messages.
func (s *SMTPServer) Received() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.received...)
}

// Auths counts successful logins.
func (s *SMTPServer) Auths() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// NewSession implements smtp.Backend.
func (s *SMTPServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{s: s}, nil
}

type smtpSession struct {
	s      *SMTPServer
	authed bool
	from   string
	to     []string
}

func (ss *smtpSession) AuthMechanisms() []string {
	if ss.s.User == "" {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != ss.s.User || pass != ss.s.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		ss.authed = true
		ss.s.mu.Lock()
		ss.s.auths++
		ss.s.mu.Unlock()
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return newLoginServer(check), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.User != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if len(ss.s.failures) > 0 {
		err := ss.s.failures[0]
		ss.s.failures = ss.s.failures[1:]
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return se
		}
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: err.Error()}
	}
	ss.s.received = append(ss.s.received, Delivery{From: ss.from, To: ss.to, Data: b})
	return nil
}

func (ss *smtpSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *smtpSession) Logout() error { return nil }

// loginServer is the server side of the obsolete but common AUTH LOGIN.
type loginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func newLoginServer(check func(user, pass string) error) sasl.Server {
	return &loginServer{check: check}
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if resp != nil {
			l.user = string(resp)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user = string(resp)
		l.step++
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

// SMTPSink is postfix's smtp-sink (Debian's postfix package) on
// 127.0.0.1, writing each message it accepts to a file of its own. It is
// killed by PID when the test ends.
type SMTPSink struct {
	Addr string
	dir  string
}

// StartSMTPSink starts smtp-sink with extra flags (failure injection:
// "-r", "data" for a 4xx on DATA…), or skips the test when it is not
// installed (.ci/run installs postfix) or not running as root.
func StartSMTPSink(tb testing.TB, flags ...string) *SMTPSink {
	tb.Helper()
	bin, err := exec.LookPath("smtp-sink")
	if err != nil {
		bin = "/usr/sbin/smtp-sink"
		if _, err := os.Stat(bin); err != nil {
			tb.Skip("smtp-sink not installed (apt-get install postfix; .ci/run does it)")
		}
	}
	if os.Geteuid() != 0 {
		tb.Skip("smtp-sink runs as root with -u nobody")
	}
	dir, err := os.MkdirTemp("/tmp", "ferrule-smtpsink-")
	if err != nil {
		tb.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	s := &SMTPSink{Addr: "127.0.0.1:" + strconv.Itoa(freePort(tb)), dir: dir}
	// -a: do not advertise AUTH (smtp-sink answers AUTH with 250).
	args := append([]string{"-u", "nobody", "-a", "-d", filepath.Join(dir, "%M."), "-c"}, flags...)
	args = append(args, s.Addr, "100")
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &bytes.Buffer{}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start smtp-sink: %v", err)
	}
	tb.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		os.RemoveAll(dir)
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			tb.Fatalf("smtp-sink did not listen on %s: %s", s.Addr, cmd.Stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Messages returns what the sink wrote, without the trace headers it
// prepends (X-Client-Addr, X-Helo-Args, X-Mail-Args, X-Rcpt-Args,
// Received).
func (s *SMTPSink) Messages(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	err := filepath.Walk(s.dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, stripSinkHeaders(b))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func stripSinkHeaders(b []byte) []byte {
	lines := strings.SplitAfter(string(b), "\n")
	i := 0
	for i < len(lines) {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "X-Client-Addr:"), strings.HasPrefix(l, "X-Client-Proto:"), strings.HasPrefix(l, "X-Helo-Args:"),
			strings.HasPrefix(l, "X-Mail-Args:"), strings.HasPrefix(l, "X-Rcpt-Args:"), strings.HasPrefix(l, "Received:"):
			i++
			for i < len(lines) && (strings.HasPrefix(lines[i], " ") || strings.HasPrefix(lines[i], "\t")) {
				i++
			}
		default:
			return []byte(strings.Join(lines[i:], ""))
		}
	}
	return nil
}
