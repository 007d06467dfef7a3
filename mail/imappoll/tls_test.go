package imappoll_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
)

// testCert returns a server certificate for 127.0.0.1 and a client
// config trusting it.
func testCert(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ferrule test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}

// tlsServer is go-imap's memory server with TLS: implicit, or STARTTLS
// on a plaintext listener.
func tlsServer(t *testing.T, implicit bool, cfg *tls.Config, msgs [][]byte) string {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("user", "pass")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if _, err := u.Append("INBOX", mailtest.Literal{Reader: bytes.NewReader(m)}, &imap.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(u)
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:   imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		Logger: log.New(io.Discard, "", 0),
	}
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", cfg)
	} else {
		opts.TLSConfig = cfg // offers STARTTLS, refuses LOGIN before it
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := imapserver.New(opts)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// syncedBuffer is a trace writer safe for the poller's goroutines.
type syncedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// checkTrace: the trace is plaintext IMAP with the LOGIN redacted.
func checkTrace(t *testing.T, trace string) {
	t.Helper()
	if !strings.Contains(trace, " LOGIN [redacted]\r\n") || strings.Contains(trace, `"pass"`) || strings.Contains(trace, "pass\r\n") {
		t.Errorf("trace:\n%s", trace)
	}
	if !strings.Contains(trace, " SELECT INBOX\r\n") || !strings.Contains(trace, " UID FETCH ") {
		t.Errorf("the trace lacks the plaintext commands:\n%.2000s", trace)
	}
}

// The poller syncs over implicit TLS and over STARTTLS (done by the
// poller itself, so that the trace is taken above TLS).
func TestTLSModes(t *testing.T) {
	msgs := fixtures(t, 3)
	serverCfg, clientCfg := testCert(t)
	for _, tc := range []struct {
		mode     imappoll.TLSMode
		implicit bool
	}{{imappoll.Implicit, true}, {imappoll.StartTLS, false}} {
		t.Run(string(tc.mode), func(t *testing.T) {
			addr := tlsServer(t, tc.implicit, serverCfg, msgs)
			o := options(addr)
			o.TLS, o.TLSConfig = tc.mode, clientCfg
			trace := &syncedBuffer{}
			o.DebugWriter = trace
			db := openStore(t)
			if n, err := imappoll.New(db, o).SyncOnce(t.Context()); err != nil || n != 3 {
				t.Fatalf("SyncOnce = %d, %v", n, err)
			}
			checkTrace(t, trace.String())
			if tc.mode == imappoll.StartTLS && !strings.Contains(trace.String(), "S0 STARTTLS\r\n") {
				t.Errorf("no STARTTLS in the trace:\n%.500s", trace.String())
			}
		})
	}
	t.Run("untrusted certificate", func(t *testing.T) {
		addr := tlsServer(t, true, serverCfg, nil)
		o := options(addr)
		o.TLS = imappoll.Implicit // system roots: the test CA is unknown
		if _, err := imappoll.New(openStore(t), o).SyncOnce(t.Context()); err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("SyncOnce = %v, want a certificate error", err)
		}
	})
}

// The greeting arrives one byte per read and the password command is
// slow: the trace still holds no password (issue 12: one buffer for both
// directions glued a partial greeting before the LOGIN line).
func TestTraceSplitGreeting(t *testing.T) {
	srv := newServer(t)
	srv.append(t, fixtures(t, 2))
	px := mailtest.StartProxy(t, srv.addr, func(int) *mailtest.Fault { return &mailtest.Fault{Dribble: 200} })
	o := options(px.Addr)
	o.Password = func(context.Context) (string, error) {
		time.Sleep(300 * time.Millisecond) // a slow password_cmd
		return "pass", nil
	}
	trace := &syncedBuffer{}
	o.DebugWriter = trace
	if n, err := imappoll.New(openStore(t), o).SyncOnce(t.Context()); err != nil || n != 2 {
		t.Fatalf("SyncOnce = %d, %v", n, err)
	}
	checkTrace(t, trace.String())
	if !strings.Contains(trace.String(), "* OK ") {
		t.Errorf("the greeting is not in the trace whole:\n%.500s", trace.String())
	}
}
