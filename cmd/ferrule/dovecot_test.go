package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

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
		addr, user := memServer(t)
		for _, m := range msgs {
			user.Append("INBOX", lit{bytes.NewReader(m)}, &imap.AppendOptions{})
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
