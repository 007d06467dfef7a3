package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"ferrule/cmd/internal/cli"
	"ferrule/mail"
	"ferrule/mail/mailtest"
)

// digestConfig writes a config sending through addr (plaintext: loopback).
func digestConfig(t *testing.T, addr, user string) (cfgPath, dbPath string) {
	t.Helper()
	dir := t.TempDir()
	dbPath = filepath.Join(dir, "ferrule.db")
	auth := ""
	if user != "" {
		// password_cmd counts its runs in pwcalls (see passwordRuns).
		auth = fmt.Sprintf("  username: %s\n  password_cmd: echo run >> %s; echo s3cret\n", user, filepath.Join(dir, "pwcalls"))
	}
	cfg := fmt.Sprintf(`store:
  path: %s
smtp:
  address: %s
  tls: none
%s  from: ferrule <ferrule@example.org>
digest:
  link_template: https://lore.example.org/all/{msgid}/
  maintainers: all
  subscriptions:
    - email: Sub Scriber <sub@example.org>
      paths: ["drivers/pwm/**"]
`, dbPath, addr, auth)
	cfgPath = filepath.Join(dir, "ferrule.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, dbPath
}

// passwordRuns counts how often the config's password_cmd ran.
func passwordRuns(t *testing.T, cfgPath string) int {
	b, _ := os.ReadFile(filepath.Join(filepath.Dir(cfgPath), "pwcalls"))
	return strings.Count(string(b), "run")
}

var boundaryRe = regexp.MustCompile(`boundary=([0-9a-f]+)`)

func maskMIME(s string) string {
	s = maskIDs(s)
	for _, m := range boundaryRe.FindAllStringSubmatch(s, -1) {
		s = strings.ReplaceAll(s, m[1], "BOUNDARY")
	}
	return s
}

// digestParts parses a digest and returns its text and HTML parts.
func digestParts(t *testing.T, raw []byte) (to, subject, text, html string) {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse digest: %v\n%s", err, raw)
	}
	list, _ := r.Header.AddressList("To")
	if len(list) == 1 {
		to = list[0].Address
	}
	subject, _ = r.Header.Subject()
	if ct, _, _ := r.Header.ContentType(); ct != "multipart/alternative" {
		t.Errorf("digest is %s, want multipart/alternative", ct)
	}
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p.Body)
		switch ct, _, _ := p.Header.(*gomail.InlineHeader).ContentType(); ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
	return to, subject, text, html
}

// The dry run writes an mbox ("From " line first, as mutt wants) and
// names the recipients; mail-derived strings are escaped in the HTML part.
func TestDigestDryRun(t *testing.T) {
	cfg, _ := digestConfig(t, "127.0.0.1:1", "")
	code, out, stderr := runCmd(t, "", "digest", "-c", cfg, "--dry-run", "--to", "sub@example.org", "testdata/hostile.mbox", example)
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "digest-dry-run.golden", maskMIME(out))
	msgs := mboxMessages(t, out)
	if len(msgs) != 1 {
		t.Fatalf("dry run wrote %d messages, want 1", len(msgs))
	}
	to, subject, text, html := digestParts(t, msgs[0])
	if to != "sub@example.org" || subject != "[ferrule] 2 series for you, 1 must look" {
		t.Errorf("To %q, Subject %q", to, subject)
	}
	if !strings.Contains(text, `pwm: <script>alert(1)</script> "><img src=x onerror=alert(2)>`) {
		t.Errorf("text part lost the subject:\n%s", text)
	}
	for _, bad := range []string{"<script>", `"><img`, "<img src=x", `<b>`} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML part contains %q unescaped:\n%s", bad, html)
		}
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(html, `href="https://lore.example.org/all/evil%22/"`) {
		t.Errorf("HTML part not escaped as expected:\n%s", html)
	}
	if !strings.Contains(stderr, "would send 1 digest(s)") || !strings.Contains(stderr, "recipients: sub@example.org\n") {
		t.Errorf("stderr %q", stderr)
	}
}

// mboxMessages splits an mbox as a mail reader does.
func mboxMessages(t *testing.T, mbox string) [][]byte {
	t.Helper()
	if !strings.HasPrefix(mbox, "From ") {
		t.Fatalf("not an mbox: %.80q", mbox)
	}
	r := mail.NewMboxReader(strings.NewReader(mbox), "dry-run", nil)
	var out [][]byte
	for {
		m, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m.Bytes)
	}
}

// Digests are opt-in: a config with one subscription and no
// digest.maintainers mails exactly that subscriber, however many people
// MAINTAINERS names; --to adds the one person named.
func TestDigestRecipientsOptIn(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ferrule.yaml")
	os.WriteFile(cfg, []byte("digest:\n  subscriptions:\n    - email: me@example.org\n      paths: [\"**\"]\n"), 0o600)
	code, out, stderr := runCmd(t, "", "digest", "-c", cfg, "--dry-run", "--tree", "testdata/kernel", "testdata/hostile.mbox", example)
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	msgs := mboxMessages(t, out)
	if len(msgs) != 1 || !strings.Contains(stderr, "recipients: me@example.org\n") {
		t.Fatalf("%d digests, stderr %q; want exactly one, to me@example.org", len(msgs), stderr)
	}
	if to, _, _, _ := digestParts(t, msgs[0]); to != "me@example.org" {
		t.Errorf("digest to %q", to)
	}
	// --to names someone MAINTAINERS routes to: that person only.
	code, out, stderr = runCmd(t, "", "digest", "-c", cfg, "--dry-run", "--to", "pwm@example.org", "--tree", "testdata/kernel", "testdata/hostile.mbox", example)
	if msgs := mboxMessages(t, out); code != cli.ExitOK || len(msgs) != 1 || !strings.Contains(stderr, "recipients: pwm@example.org\n") {
		t.Errorf("--to: exit %d, %d digests, stderr %q", code, len(msgs), stderr)
	}
}

// Digests go to an SMTP server with AUTH; a failure is retried by the
// next run and never recorded as sent; what was sent is not sent again.
func TestDigestSend(t *testing.T) {
	srv := mailtest.StartSMTP(t, "digest", "s3cret")
	cfg, _ := digestConfig(t, srv.Addr, "digest")
	// A 4xx and a 5xx: neither digest is recorded as sent.
	srv.FailNext(errors.New("mailbox busy"), &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "rejected for policy reasons"})
	code, _, stderr := runCmd(t, "", "digest", "-c", cfg, "--tree", "testdata/kernel", "testdata/hostile.mbox", example)
	if code != cli.ExitRuntime || !strings.Contains(stderr, "mailbox busy") || !strings.Contains(stderr, "policy reasons") {
		t.Fatalf("first run: exit %d, stderr %q; want a failure", code, stderr)
	}
	first := srv.Received()
	if len(first) == 0 {
		t.Fatal("nothing delivered besides the failure")
	}
	if n := passwordRuns(t, cfg); n != 1 {
		t.Errorf("password_cmd ran %d times for %d deliveries, want once", n, len(first)+2)
	}
	code, _, stderr = runCmd(t, "", "digest", "-c", cfg, "--tree", "testdata/kernel", "testdata/hostile.mbox", example)
	if code != cli.ExitOK {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	second := srv.Received()[len(first):]
	if len(second) != 2 {
		t.Fatalf("second run sent %d digests, want the 2 that failed", len(second))
	}
	recipients := map[string]int{}
	for _, d := range srv.Received() {
		to, _, text, html := digestParts(t, d.Data)
		recipients[to]++
		if d.From != "ferrule@example.org" || len(d.To) != 1 || d.To[0] != to || text == "" || html == "" {
			t.Errorf("delivery %+v to %q", d.To, to)
		}
	}
	for to, n := range recipients {
		if n != 1 {
			t.Errorf("%s got %d digests", to, n)
		}
	}
	// MAINTAINERS: PWM for both series, RUST for the demo; no digest for
	// mailing lists.
	if len(recipients) != 4 || recipients["sub@example.org"] != 1 || recipients["pwm@example.org"] != 1 || recipients["rust@example.org"] != 1 || recipients["rust-review@example.org"] != 1 {
		t.Errorf("recipients %v lack the subscriber or the PWM maintainer", recipients)
	}
	code, _, stderr = runCmd(t, "", "digest", "-c", cfg, "--tree", "testdata/kernel", "testdata/hostile.mbox", example)
	if code != cli.ExitOK || len(srv.Received()) != len(first)+2 || !strings.Contains(stderr, "sent 0 digest(s)") {
		t.Errorf("third run: exit %d, %d delivered in all, stderr %q; want nothing new", code, len(srv.Received()), stderr)
	}
}

// The store's last review feeds the digest when no input is given; the
// second peer is postfix's smtp-sink. A sink that drops the connection
// at DATA gets nothing recorded; the next run delivers.
func TestDigestFromStoreToSMTPSink(t *testing.T) {
	gone := mailtest.StartSMTPSink(t, "-q", "data")
	cfg, db := digestConfig(t, gone.Addr, "")
	if code, _, stderr := runCmd(t, "", "review", "--db", db, "testdata/hostile.mbox"); code != cli.ExitOK {
		t.Fatalf("review --db: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "", "digest", "-c", cfg, "--to", "sub@example.org"); code != cli.ExitRuntime {
		t.Fatalf("digest to a sink that disconnects: exit %d: %s", code, stderr)
	}
	sink := mailtest.StartSMTPSink(t)
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(b), gone.Addr, sink.Addr, 1)), 0o600)
	code, _, stderr := runCmd(t, "", "digest", "-c", cfg, "--to", "sub@example.org")
	if code != cli.ExitOK {
		t.Fatalf("digest: exit %d: %s", code, stderr)
	}
	msgs := sink.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("sink holds %d messages, want 1", len(msgs))
	}
	to, subject, text, _ := digestParts(t, msgs[0])
	if to != "sub@example.org" || subject != "[ferrule] 1 series for you, 1 must look" || !strings.Contains(text, "subscribed to drivers/pwm/**") {
		t.Errorf("To %q Subject %q\n%s", to, subject, text)
	}
}
