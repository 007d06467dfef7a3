package config

import (
	"strings"
	"testing"
	"time"
)

// TestPublicInboxMailboxes: auth anonymous needs no username, no password
// source and no chmod 600; start takes all, now or a date; drafts skip
// anonymous (read-only) servers, and config check is warned when drafts
// would go to one or when there is none left.
func TestPublicInboxMailboxes(t *testing.T) {
	dir := t.TempDir()
	const anon = `mailboxes:
  - name: lore
    imap: {address: imap.example.org:993, auth: anonymous}
    folder: org.kernel.vger.linux-pwm
    start: now
  - name: dated
    imap: {address: imap.example.org:993, auth: anonymous}
    start: 2024-06-01
`
	c, err := Load(writeFile(t, dir, "anon.yaml", anon, 0o644)) // no secret: no chmod 600
	if err != nil {
		t.Fatalf("anonymous config: %v", err)
	}
	m := c.Mailboxes[0]
	if !m.IMAP.Anonymous || m.IMAP.Secret != nil || !m.Start.Now || !m.Start.Since.IsZero() {
		t.Errorf("mailbox 0 = %+v", m)
	}
	if o := m.IMAP.IMAPOptions("lore"); !o.Anonymous || o.Password != nil || o.Username != "" {
		t.Errorf("imappoll options = %+v", o)
	}
	if want := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC); !c.Mailboxes[1].Start.Since.Equal(want) {
		t.Errorf("start since = %v, want %v", c.Mailboxes[1].Start.Since, want)
	}
	if _, _, err := c.DraftsServer(); err == nil {
		t.Error("drafts to an anonymous server were accepted")
	}
	wantWarnings := []string{
		"mailboxes[1].folder: defaults to INBOX, which a public-inbox server does not have",
		"drafts: every mailbox logs in anonymously",
	}
	if got := strings.Join(c.Warnings, "\n"); len(c.Warnings) != len(wantWarnings) {
		t.Errorf("warnings:\n%s", got)
	}
	for _, w := range wantWarnings {
		if !strings.Contains(strings.Join(c.Warnings, "\n"), w) {
			t.Errorf("warnings lack %q: %q", w, c.Warnings)
		}
	}

	// Drafts go to the first mailbox that logs in, with a warning.
	mixed := anon + `  - name: work
    imap: {address: 127.0.0.1:10143, tls: none, username: u, password_cmd: echo secret}
    folder: INBOX
`
	c, err = Load(writeFile(t, dir, "mixed.yaml", mixed, 0o600))
	if err != nil {
		t.Fatalf("mixed config: %v", err)
	}
	srv, folder, err := c.DraftsServer()
	if err != nil || srv.Address != "127.0.0.1:10143" || folder != "Drafts" {
		t.Errorf("drafts = %+v %q %v", srv, folder, err)
	}
	if !strings.Contains(strings.Join(c.Warnings, "\n"), "drafts: go to mailboxes[2].imap (127.0.0.1:10143)") {
		t.Errorf("warnings = %q", c.Warnings)
	}
	explicit := `drafts: {imap: {address: imap.example.org:993, auth: anonymous}}`
	if c, err = Load(writeFile(t, dir, "explicit.yaml", explicit, 0o600)); err != nil || len(c.Warnings) != 1 ||
		!strings.Contains(c.Warnings[0], "drafts.imap: logs in anonymously") {
		t.Errorf("anonymous drafts.imap: %v, warnings %q", err, c.Warnings)
	}

	bad := `mailboxes:
  - name: a
    imap: {address: imap.example.org:993, auth: anonymous, username: u, password_cmd: x}
    start: yesterday
  - name: b
    imap: {address: imap.example.org:993, auth: kerberos, username: u, password_cmd: x}
smtp: {address: smtp.example.org:465, auth: anonymous, username: u, password_cmd: x, from: a@example.org}
`
	_, err = Load(writeFile(t, dir, "bad.yaml", bad, 0o600))
	for _, want := range []string{
		"mailboxes[0].imap: auth anonymous takes no username, password_cmd or password_file",
		`mailboxes[0].start: "yesterday" is not all, now or a date (YYYY-MM-DD)`,
		`mailboxes[1].imap.auth: "kerberos" is not login or anonymous`,
		"smtp.auth: anonymous is for IMAP servers only",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad config: error lacks %q:\n%v", want, err)
		}
	}
}
