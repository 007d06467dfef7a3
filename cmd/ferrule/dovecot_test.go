package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"ferrule/cmd/internal/cli"
	"ferrule/mail/mailtest"
	"ferrule/store"
)

// TestWatchKill9 kills the daemon (SIGKILL, no chance to clean up) in the
// middle of syncing 500 real messages, restarts it, and checks every
// message is stored exactly once: against a real Dovecot and against
// go-imap's in-process server.
func TestWatchKill9(t *testing.T) {
	msgs := mailtest.ArchiveMessages(t, 500)
	t.Run("dovecot", func(t *testing.T) {
		d := mailtest.StartDovecot(t)
		d.Fill(t, msgs)
		kill9(t, d.Addr, d.User, d.Password)
	})
	t.Run("in-process", func(t *testing.T) {
		addr, user := mailtest.StartIMAPMem(t)
		for _, m := range msgs {
			user.Append("INBOX", mailtest.Literal{Reader: bytes.NewReader(m)}, &imap.AppendOptions{})
		}
		kill9(t, addr, "user", "pass")
	})
}

func kill9(t *testing.T, addr, username, password string) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "ferrule")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dbPath := filepath.Join(dir, "ferrule.db")
	cfg := filepath.Join(dir, "ferrule.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`store: {path: %s}
mailboxes:
  - name: pwm
    imap: {address: %q, tls: none, username: %s, password_cmd: echo %s}
    poll_interval: 1s
    batch_size: 10
`, dbPath, addr, username, password)), 0o600)

	count := func() int {
		db, err := store.Open(context.Background(), dbPath)
		if err != nil {
			return -1
		}
		defer db.Close()
		n, err := db.CountMessages(context.Background())
		if err != nil {
			return -1
		}
		return n
	}
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "watch", "-c", cfg)
		logf, _ := os.Create(filepath.Join(dir, "watch.log"))
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	cmd := start()
	deadline := time.Now().Add(60 * time.Second)
	for count() < 100 {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "watch.log"))
			t.Fatalf("no progress: %d stored\n%s", count(), log)
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	killedAt := count()
	if killedAt >= 500 {
		t.Fatalf("the sync finished (%d) before the kill; the test needs a partial sync", killedAt)
	}
	t.Logf("killed with %d of 500 stored", killedAt)

	cmd = start()
	deadline = time.Now().Add(60 * time.Second)
	for count() < 500 {
		if time.Now().After(deadline) {
			t.Fatalf("after the restart only %d stored", count())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("watch did not stop cleanly on SIGTERM: %v", err)
	}
	if n := count(); n != 500 {
		t.Errorf("store holds %d messages, want exactly 500", n)
	}
	db, _ := store.Open(context.Background(), dbPath)
	defer db.Close()
	if _, last, ok, _ := db.LoadCursor(context.Background(), "pwm"); !ok || last != 500 {
		t.Errorf("cursor at UID %d, want 500", last)
	}
}

// TestReplyIMAPDrafts appends a reply draft to a real Dovecot's Drafts
// folder (created on first use) and fetches it back with its \Draft flag.
func TestReplyIMAPDrafts(t *testing.T) {
	d := mailtest.StartDovecot(t)
	dir := t.TempDir()
	pw := filepath.Join(dir, "imap-password")
	os.WriteFile(pw, []byte(d.Password+"\n"), 0o600)
	cfg := filepath.Join(dir, "ferrule.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`drafts:
  imap: {address: %q, tls: none, username: %s, password_file: %s}
`, d.Addr, d.User, pw)), 0o600)
	code, out, stderr := runCmd(t, "", "reply", "-c", cfg, "--imap-drafts", "--from", me, "20261001-pwm-demo-v1-2-aaaa@example.org", example)
	if code != cli.ExitOK || out != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, out, stderr)
	}
	c, err := imapclient.DialInsecure(d.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(d.User, d.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("Drafts", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch: %v, %d messages", err, len(msgs))
	}
	if !slices.Contains(msgs[0].Flags, imap.FlagDraft) {
		t.Errorf("flags %v", msgs[0].Flags)
	}
	var body []byte
	for _, b := range msgs[0].BodySection {
		body = b.Bytes
	}
	m := parseDraft(t, string(body))
	if m.Header.Get("In-Reply-To") != "<20261001-pwm-demo-v1-2-aaaa@example.org>" {
		t.Errorf("In-Reply-To %q", m.Header.Get("In-Reply-To"))
	}
	if !bytes.Contains(body, []byte("> +        unsafe { bindings::pwm_chip_period_ns(chip.as_raw()) }")) {
		t.Errorf("draft lacks the quoted hunk:\n%s", body)
	}
}
