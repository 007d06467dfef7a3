package main

import (
	"bytes"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ferrule/cmd/internal/cli"
	"ferrule/review"

	gomail "github.com/emersion/go-message/mail"
)

const me = "Rev Iewer <rev@example.net>"

// messageIDRe masks the random part of generated Message-IDs in goldens.
var messageIDRe = regexp.MustCompile(`(?m)^(Message-Id: <)\d{14}\.[0-9a-f]{16}(@[^>]+>)`)

func maskIDs(s string) string { return messageIDRe.ReplaceAllString(s, "${1}MASKED${2}") }

// parseDraft reads a draft with net/mail and go-message and returns the
// net/mail view.
func parseDraft(t *testing.T, raw string) *mail.Message {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail: %v\n%s", err, raw)
	}
	r, err := gomail.CreateReader(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message: %v", err)
	}
	if _, err := r.NextPart(); err != nil {
		t.Fatalf("go-message body: %v", err)
	}
	return m
}

func TestReplyGolden(t *testing.T) {
	for _, c := range []struct{ id, golden, to, cc, refs string }{
		// A patch with findings: each hunk quoted once, prompts under it.
		{"20261001-pwm-demo-v1-2-aaaa@example.org", "reply-v1-2.golden", "ada@example.org",
			"linux-pwm@vger.kernel.org,rust-for-linux@vger.kernel.org",
			"<20261001-pwm-demo-v1-0-aaaa@example.org> <20261001-pwm-demo-v1-2-aaaa@example.org>"},
		// A cover letter: the whole series' findings; the series id and a
		// lore URL name it.
		{"https://lore.kernel.org/r/20261010-pwm-demo-v2-0-bbbb@example.org", "reply-v2-cover.golden", "ada@example.org",
			"linux-pwm@vger.kernel.org,rust-for-linux@vger.kernel.org,rita@example.net",
			"<20261001-pwm-demo-v1-0-aaaa@example.org> <20261010-pwm-demo-v2-0-bbbb@example.org>"},
		// The short id the queue prints names the same cover letter.
		{review.ShortID("20261010-pwm-demo-v2-0-bbbb@example.org"), "reply-v2-cover.golden", "ada@example.org",
			"linux-pwm@vger.kernel.org,rust-for-linux@vger.kernel.org,rita@example.net",
			"<20261001-pwm-demo-v1-0-aaaa@example.org> <20261010-pwm-demo-v2-0-bbbb@example.org>"},
	} {
		code, out, stderr := runCmd(t, "", "reply", "--from", me, c.id, example)
		if code != cli.ExitOK {
			t.Fatalf("reply %s: exit %d: %s", c.id, code, stderr)
		}
		golden(t, c.golden, maskIDs(out))
		m := parseDraft(t, out)
		to, _ := m.Header.AddressList("To")
		cc, _ := m.Header.AddressList("Cc")
		var ccs []string
		for _, a := range cc {
			ccs = append(ccs, a.Address)
		}
		if len(to) != 1 || to[0].Address != c.to || strings.Join(ccs, ",") != c.cc {
			t.Errorf("%s: To %v Cc %v", c.id, to, ccs)
		}
		if got := strings.Join(strings.Fields(m.Header.Get("References")), " "); got != c.refs {
			t.Errorf("%s: References %q, want %q", c.id, got, c.refs)
		}
		if !strings.HasPrefix(m.Header.Get("Subject"), "Re: [PATCH") {
			t.Errorf("subject %q", m.Header.Get("Subject"))
		}
	}
}

// Reply-To wins over From; the writer is dropped from Cc; a hostile
// subject and RFC 2047 names survive the round trip.
func TestReplyAddressing(t *testing.T) {
	code, out, stderr := runCmd(t, "", "reply", "--from", "Zoë <zoe@example.org>", "evil\"", "testdata/hostile.mbox")
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := parseDraft(t, out)
	to, _ := m.Header.AddressList("To")
	cc, _ := m.Header.AddressList("Cc")
	if len(to) != 1 || to[0].Address != "eve-replies@example.org" || len(cc) != 1 || cc[0].Address != "linux-pwm@vger.kernel.org" {
		t.Errorf("To %v, Cc %v", to, cc)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if subject != `Re: [PATCH] pwm: <script>alert(1)</script> "><img src=x onerror=alert(2)>` {
		t.Errorf("subject %q", subject)
	}
	if !strings.Contains(out, "> +    unsafe { *p = 0 }") || !strings.Contains(out, "// SAFETY:") {
		t.Errorf("finding not quoted:\n%s", out)
	}
}

func TestReplyOutputs(t *testing.T) {
	dir := t.TempDir()
	eml, mbox, md := filepath.Join(dir, "r.eml"), filepath.Join(dir, "drafts.mbox"), filepath.Join(dir, "Drafts")
	for range 2 {
		code, out, stderr := runCmd(t, "", "reply", "--from", me, "--out", eml, "--mbox", mbox, "--maildir", md,
			"20261001-pwm-demo-v1-2-aaaa@example.org", example)
		if code != cli.ExitOK || out != "" {
			t.Fatalf("exit %d, stdout %q: %s", code, out, stderr)
		}
	}
	for _, p := range []string{eml, mbox} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v", p, err, fi.Mode())
		}
	}
	b, _ := os.ReadFile(eml)
	parseDraft(t, string(b))
	news, _ := os.ReadDir(filepath.Join(md, "new"))
	if len(news) != 2 {
		t.Fatalf("%d drafts in Maildir new/, want 2", len(news))
	}
	for _, n := range news {
		if fi, _ := n.Info(); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", n.Name(), fi.Mode())
		}
	}
	// The mbox holds both drafts, and ferrule reads it back as two
	// replies in the thread.
	code, out, _ := runCmd(t, "", "review", "--format", "json", example, mbox)
	if code != cli.ExitOK || !strings.Contains(out, `"replies": 6`) {
		t.Errorf("review of example + drafts: exit %d\n%.400s", code, out)
	}
}

// Without inputs, reply reads the store.
func TestReplyFromStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ferrule.db")
	if code, _, stderr := runCmd(t, "", "review", "--db", db, example); code != cli.ExitOK {
		t.Fatalf("review --db: %d %s", code, stderr)
	}
	code, out, stderr := runCmd(t, "", "reply", "--db", db, "--from", me, "20261001-pwm-demo-v1-2-aaaa@example.org")
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, fromFile, _ := runCmd(t, "", "reply", "--from", me, "20261001-pwm-demo-v1-2-aaaa@example.org", example)
	if maskIDs(out) != maskIDs(fromFile) {
		t.Errorf("draft from the store differs from the draft from the file:\n%s", out)
	}
}

func TestReplyErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"reply", "--from", me, "rita-1@example.net", example}, "is a reply"},
		{[]string{"reply", "--from", me, "nobody@example.org", example}, "no series"},
		{[]string{"reply", "--from", "not an address", "20261001-pwm-demo-v1-2-aaaa@example.org", example}, "--from"},
		{[]string{"reply", "--imap-drafts", "--from", me, "20261001-pwm-demo-v1-2-aaaa@example.org", example}, "needs -c"},
	} {
		code, _, stderr := runCmd(t, "", c.args...)
		if code == cli.ExitOK || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
}

func TestThanks(t *testing.T) {
	code, out, stderr := runCmd(t, "", "thanks", "--from", "Mo Maintainer <mo@example.com>", "--branch", "pwm/for-next",
		"20261010-pwm-demo-v2-2-bbbb@example.org", example)
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "thanks-v2.golden", maskIDs(out))
	m := parseDraft(t, out)
	if m.Header.Get("In-Reply-To") != "<20261010-pwm-demo-v2-0-bbbb@example.org>" {
		t.Errorf("thanks answers %q, want the cover", m.Header.Get("In-Reply-To"))
	}

	// A b4 ty template: its ${variables}, an unknown one left alone, #
	// lines dropped.
	dir := t.TempDir()
	tmpl := "# b4 ty template\nOn ${sentdate}, ${fromname} <${fromemail}> wrote:\n${quote}\n\nHi ${firstname}, applied to ${branch} of ${treename}:\n\n${summary}\n\n-- \n${signature}\n"
	if err := os.WriteFile(filepath.Join(dir, "thanks"), []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCmd(t, "", "thanks", "--templates", dir, "--from", "Mo Maintainer <mo@example.com>", "--branch", "pwm/for-next",
		"20261010-pwm-demo-v2-0-bbbb@example.org", example)
	if code != cli.ExitOK {
		t.Fatalf("b4 template: exit %d: %s", code, stderr)
	}
	golden(t, "thanks-b4.golden", maskIDs(out))
	body, _ := io.ReadAll(parseDraft(t, out).Body)
	for _, want := range []string{"Ada Example <ada@example.org> wrote:", "Hi ${firstname}", "[1/2] rust: pwm: add Chip::period_ns()", "of local tree", "Mo Maintainer <mo@example.com>"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("b4 thanks lacks %q:\n%s", want, body)
		}
	}
	if bytes.Contains(body, []byte("# b4 ty template")) {
		t.Error("# line kept")
	}
}
