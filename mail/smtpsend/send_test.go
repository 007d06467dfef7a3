package smtpsend_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/mail/smtpsend"
)

func message(t *testing.T, to string) []byte {
	t.Helper()
	msg, err := mail.Compose(&mail.Outgoing{From: mail.Address{Name: "ferrule", Email: "ferrule@example.org"},
		To: []mail.Address{{Email: to}}, Subject: "digest", Date: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC),
		Text: "hello\n.\n..leading dots survive\n", HTML: "<p>hello</p>"})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func password(pw string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { return pw, nil }
}

func TestSendAuth(t *testing.T) {
	srv := mailtest.StartSMTP(t, "digest", "s3cret")
	ctx := context.Background()
	opts := &smtpsend.Options{Address: srv.Addr, TLS: smtpsend.None, Username: "digest", Password: password("s3cret")}
	if err := smtpsend.Send(ctx, opts, "ferrule@example.org", []string{"m@example.com"}, message(t, "m@example.com")); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 || got[0].From != "ferrule@example.org" || strings.Join(got[0].To, ",") != "m@example.com" || srv.Auths() != 1 {
		t.Fatalf("received %+v after %d logins", got, srv.Auths())
	}
	r, err := gomail.CreateReader(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := r.Header.Subject(); s != "digest" {
		t.Errorf("subject %q", s)
	}
	if !bytes.Contains(got[0].Data, []byte("\r\n..leading dots survive\r\n")) && !bytes.Contains(got[0].Data, []byte("\n..leading dots survive")) {
		t.Errorf("dot-stuffing lost a dot:\n%s", got[0].Data)
	}

	bad := *opts
	bad.Password = password("wrong")
	err = smtpsend.Send(ctx, &bad, "ferrule@example.org", []string{"m@example.com"}, message(t, "m@example.com"))
	if err == nil || smtpsend.Temporary(err) || !strings.Contains(err.Error(), "auth") {
		t.Errorf("wrong password: err = %v, temporary %v; want a permanent auth error", err, smtpsend.Temporary(err))
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error shows the password: %v", err)
	}
}

// Implicit TLS and STARTTLS, each with AUTH; and no AUTH offered before
// STARTTLS would be used in the clear.
func TestSendTLS(t *testing.T) {
	for _, mode := range []smtpsend.TLSMode{smtpsend.Implicit, smtpsend.StartTLS} {
		t.Run(string(mode), func(t *testing.T) {
			srv, pool := mailtest.StartSMTPTLS(t, string(mode), "digest", "s3cret")
			opts := &smtpsend.Options{Address: srv.Addr, TLS: mode, Username: "digest", Password: password("s3cret"),
				TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
			if err := smtpsend.Send(context.Background(), opts, "f@example.org", []string{"m@example.com"}, message(t, "m@example.com")); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.Received()); n != 1 || srv.Auths() != 1 {
				t.Errorf("received %d, logins %d", n, srv.Auths())
			}
			untrusted := *opts
			untrusted.TLSConfig = &tls.Config{ServerName: "127.0.0.1"}
			if err := smtpsend.Send(context.Background(), &untrusted, "f@example.org", []string{"m@example.com"}, message(t, "m@example.com")); err == nil {
				t.Error("an untrusted certificate was accepted")
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	srv := mailtest.StartSMTP(t, "", "")
	ctx := context.Background()
	opts := &smtpsend.Options{Address: srv.Addr, TLS: smtpsend.None}
	msg := message(t, "m@example.com")
	srv.FailNext(errors.New("try later"), &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "no"})
	for _, temporary := range []bool{true, false} {
		err := smtpsend.Send(ctx, opts, "f@example.org", []string{"m@example.com"}, msg)
		if err == nil || smtpsend.Temporary(err) != temporary {
			t.Errorf("err = %v, temporary = %v, want %v", err, smtpsend.Temporary(err), temporary)
		}
	}
	if n := len(srv.Received()); n != 0 {
		t.Errorf("%d messages kept after failures", n)
	}

	// Nobody listening: a temporary failure.
	dead := &smtpsend.Options{Address: "127.0.0.1:1", TLS: smtpsend.None, Timeout: time.Second}
	if err := smtpsend.Send(ctx, dead, "f@example.org", []string{"m@example.com"}, msg); !smtpsend.Temporary(err) {
		t.Errorf("refused connection: %v is not temporary", err)
	}
	// Plaintext to another host is refused before dialling.
	far := &smtpsend.Options{Address: "192.0.2.1:25", TLS: smtpsend.None}
	if err := smtpsend.Send(ctx, far, "f@example.org", []string{"m@example.com"}, msg); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("plaintext to 192.0.2.1: %v", err)
	}
}

// Postfix's smtp-sink, a second, independent SMTP peer.
func TestSendSMTPSink(t *testing.T) {
	sink := mailtest.StartSMTPSink(t)
	ctx := context.Background()
	opts := &smtpsend.Options{Address: sink.Addr, TLS: smtpsend.None}
	for _, to := range []string{"a@example.com", "b@example.com"} {
		if err := smtpsend.Send(ctx, opts, "f@example.org", []string{to}, message(t, to)); err != nil {
			t.Fatal(err)
		}
	}
	msgs := sink.Messages(t)
	if len(msgs) != 2 {
		t.Fatalf("sink wrote %d messages, want 2", len(msgs))
	}
	for _, m := range msgs {
		r, err := gomail.CreateReader(bytes.NewReader(m))
		if err != nil {
			t.Fatalf("parse back: %v\n%s", err, m)
		}
		if s, _ := r.Header.Subject(); s != "digest" {
			t.Errorf("subject %q", s)
		}
	}

	soft := mailtest.StartSMTPSink(t, "-r", "data")
	err := smtpsend.Send(ctx, &smtpsend.Options{Address: soft.Addr, TLS: smtpsend.None}, "f@example.org", []string{"a@example.com"}, message(t, "a@example.com"))
	if err == nil || !smtpsend.Temporary(err) {
		t.Errorf("4xx on DATA: err = %v, temporary %v", err, smtpsend.Temporary(err))
	}
	hard := mailtest.StartSMTPSink(t, "-f", "rcpt")
	err = smtpsend.Send(ctx, &smtpsend.Options{Address: hard.Addr, TLS: smtpsend.None}, "f@example.org", []string{"a@example.com"}, message(t, "a@example.com"))
	if err == nil || smtpsend.Temporary(err) {
		t.Errorf("5xx on RCPT: err = %v, temporary %v", err, smtpsend.Temporary(err))
	}
	gone := mailtest.StartSMTPSink(t, "-q", "data")
	err = smtpsend.Send(ctx, &smtpsend.Options{Address: gone.Addr, TLS: smtpsend.None, Timeout: 5 * time.Second}, "f@example.org", []string{"a@example.com"}, message(t, "a@example.com"))
	if err == nil || !smtpsend.Temporary(err) {
		t.Errorf("disconnect on DATA: err = %v, temporary %v", err, smtpsend.Temporary(err))
	}
}
