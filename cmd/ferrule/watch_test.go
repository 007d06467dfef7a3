package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ferrule/cmd/internal/cli"
	"ferrule/mail/mailtest"
	"ferrule/store"
)

// A broken template stops the daemon at start-up, naming file and line.
func TestWatchBrokenTemplate(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "digest.txt"), []byte("Subject: x\n\n{{.Nope\n"), 0o644)
	cfgPath := filepath.Join(dir, "ferrule.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`store: {path: %s}
templates: %s
mailboxes:
  - name: demo
    imap: {address: "127.0.0.1:1", tls: none, username: user, password_cmd: echo pass}
`, filepath.Join(dir, "f.db"), dir)), 0o600)
	code, _, stderr := runCmd(t, "", "watch", "-c", cfgPath)
	if code != cli.ExitUsage || !strings.Contains(stderr, "digest.txt:3") {
		t.Errorf("exit %d, stderr %q; want a usage error naming digest.txt:3", code, stderr)
	}
}

// A password_cmd that hangs (a pinentry prompt; here sh forks a sleep that
// keeps the pipe open) does not hold up SIGTERM: the daemon exits within
// the README's bound.
func TestWatchSIGTERMWithHangingPassword(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	addr, _ := mailtest.StartIMAPMem(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "ferrule")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cfgPath := filepath.Join(dir, "ferrule.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`store: {path: %s}
mailboxes:
  - name: demo
    imap: {address: %q, tls: none, username: user, password_cmd: "sleep 60; echo pass"}
`, filepath.Join(dir, "f.db"), addr)), 0o600)
	var logs bytes.Buffer
	cmd := exec.Command(bin, "watch", "-c", cfgPath)
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // connected, waiting for the password
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if el := time.Since(start); el > 6*time.Second {
			t.Errorf("exited %v after SIGTERM", el)
		}
		if err != nil {
			t.Errorf("exit: %v\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 10s after SIGTERM:\n%s", logs.String())
	}
}

// TestWatchStoreLock: a second daemon on the same store is refused.
func TestWatchStoreLock(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ferrule.db")
	cfg := filepath.Join(dir, "ferrule.yaml")
	os.WriteFile(cfg, []byte("store: {path: "+dbPath+"}\nmailboxes:\n  - name: x\n    imap: {address: 127.0.0.1:1, tls: none, username: u, password_cmd: echo p}\n"), 0o600)
	lock, err := store.Acquire(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	code, _, stderr := runCmd(t, "", "watch", "-c", cfg)
	if code != cli.ExitRuntime || !strings.Contains(stderr, "lock") {
		t.Errorf("watch on a locked store: exit %d, stderr %q", code, stderr)
	}
}

// TestServeNeedsAStore: serve refuses a store that does not exist rather
// than serving an empty one.
func TestServeNeedsAStore(t *testing.T) {
	code, _, stderr := runCmd(t, "", "serve", "--db", filepath.Join(t.TempDir(), "none.db"))
	if code != cli.ExitUsage || !strings.Contains(stderr, "review --db") {
		t.Errorf("serve on a missing store: exit %d, stderr %q", code, stderr)
	}
}
