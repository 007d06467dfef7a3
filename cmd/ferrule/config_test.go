package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/cmd/internal/cli"
)

// The config file through the commands; its parsing and validation are
// tested in cmd/internal/config.
func TestConfigCommands(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// -c kernel_tree works like --tree.
	code, out, stderr := runCmd(t, "", "review", "-c", write("tree.yaml", "kernel_tree: "+kernelTreeDir+"\n"), kernelPatches)
	if code != cli.ExitOK || !strings.Contains(out, "clk_get_rate changed: used by rust/kernel/clk.rs:23") {
		t.Errorf("review -c: exit %d, stderr %q; tree-mode finding missing", code, stderr)
	}
	good := `mailboxes:
  - name: pwm
    imap: {address: 127.0.0.1:10143, tls: none, username: u, password_cmd: echo secret}
    poll_interval: 30s
`
	if code, out, _ := runCmd(t, "", "config", "check", "-c", write("ok.yaml", good)); code != cli.ExitOK || !strings.Contains(out, "ok (1 mailboxes") {
		t.Errorf("config check: exit %d, %q", code, out)
	}
	bad := "mailboxes:\n  - name: pwm\n    imap: {address: 127.0.0.1:1, tls: none, username: u, password_cmd: x}\n  - name: pwm\n    imap: {address: 127.0.0.1:1, tls: none, username: u, password_cmd: x}\n"
	if code, _, stderr := runCmd(t, "", "config", "check", "-c", write("bad.yaml", bad)); code != cli.ExitUsage || !strings.Contains(stderr, "used twice") {
		t.Errorf("config check bad: exit %d, %q", code, stderr)
	}
	// The shipped example, installed 0600 (it names password files),
	// passes its own check; an unknown key is named as the user wrote it.
	example, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCmd(t, "", "config", "check", "-c", write("example.yaml", string(example))); code != cli.ExitOK {
		t.Errorf("config check config.example.yaml: exit %d, %q %q", code, out, stderr)
	}
	code, _, stderr = runCmd(t, "", "config", "check", "-c", write("typo.yaml", "store:\n  pth: /x.db\n"))
	if code != cli.ExitUsage || !strings.Contains(stderr, "unknown key store.pth (did you mean path?)") || strings.Contains(stderr, "struct") {
		t.Errorf("config check typo: exit %d, %q", code, stderr)
	}
}
