package main

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestConfigExample: config.example.yaml decodes strictly and documents
// every field of Config (STYLE.md §3.4).
func TestConfigExample(t *testing.T) {
	b, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeConfig(b); err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	var walk func(typ reflect.Type)
	walk = func(typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if !regexp.MustCompile(`(?m)^[\s-]*` + regexp.QuoteMeta(key) + `:`).Match(b) {
				t.Errorf("config.example.yaml does not document %q", key)
			}
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type)
			}
			if (f.Type.Kind() == reflect.Pointer || f.Type.Kind() == reflect.Slice) && f.Type.Elem().Kind() == reflect.Struct {
				walk(f.Type.Elem())
			}
		}
	}
	walk(reflect.TypeOf(Config{}))
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	check := func(content string, wantErr ...string) {
		t.Helper()
		_, err := loadConfig(write(content))
		if len(wantErr) == 0 && err != nil {
			t.Errorf("loadConfig(%q) = %v", content, err)
		}
		for _, w := range wantErr {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("loadConfig(%q) = %v, want it to mention %q", content, err, w)
			}
		}
	}
	check("")
	check("kernel_tree: " + kernelTreeDir + "\n")
	// Every unknown key is reported, with its line.
	check("kernel_tre: x\nrust:\n  leaf_alow: []\n", "line 1: field kernel_tre not found", "line 3: field leaf_alow not found")
	// Validation reports all problems with key paths.
	check("kernel_tree: /nonexistent\nrust:\n  leaf_allow: ['']\n", "kernel_tree: \"/nonexistent\" is not a directory", "rust.leaf_allow[0]: empty glob")
	// -c kernel_tree works like --tree.
	p := write("kernel_tree: " + kernelTreeDir + "\n")
	code, out, stderr := runCmd(t, "", "review", "-c", p, kernelPatches)
	if code != exitOK || !strings.Contains(out, "clk_get_rate changed and Rust uses it") {
		t.Errorf("review -c: exit %d, stderr %q; tree-mode finding missing", code, stderr)
	}
}

func TestConfigDaemonSections(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `mailboxes:
  - name: pwm
    imap: {address: 127.0.0.1:10143, tls: none, username: u, password_cmd: echo secret}
    poll_interval: 30s
smtp: {address: 127.0.0.1:2525, tls: none, username: u, password_cmd: echo x, from: "f <f@example.org>"}
digest: {schedule: 24h, link_template: "https://lore.kernel.org/r/{msgid}", subscriptions: [{email: a@example.org, paths: [drivers/pwm/**]}]}
`
	if _, err := loadConfig(write("good.yaml", good, 0o600)); err != nil {
		t.Errorf("good config: %v", err)
	}
	// Credentials in a file others can read: refused with the fix.
	if _, err := loadConfig(write("open.yaml", good, 0o644)); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable config with password_cmd = %v", err)
	}
	bad := `mailboxes:
  - name: pwm
    imap: {address: imap.example.org:143, tls: none, username: u}
    poll_interval: soon
  - name: pwm
    imap: {address: nohost, tls: maybe, username: u, password_cmd: a, password_file: b}
digest: {link_template: "https://x/", schedule: 1s}
`
	_, err := loadConfig(write("bad.yaml", bad, 0o600))
	for _, want := range []string{
		"mailboxes[0].imap.tls: none is allowed only for loopback",
		"mailboxes[0].imap: password_cmd or password_file required",
		"mailboxes[0].poll_interval",
		`mailboxes[1].name: "pwm" used twice`,
		"mailboxes[1].imap.address",
		"mailboxes[1].imap.tls: \"maybe\"",
		"mailboxes[1].imap: give password_cmd or password_file, not both",
		"digest.link_template: must contain {msgid}",
		"digest.schedule",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad config: error lacks %q:\n%v", want, err)
		}
	}
	// config check.
	if code, out, _ := runCmd(t, "", "config", "check", "-c", write("ok.yaml", good, 0o600)); code != exitOK || !strings.Contains(out, "ok (1 mailboxes") {
		t.Errorf("config check: exit %d, %q", code, out)
	}
	if code, _, stderr := runCmd(t, "", "config", "check", "-c", filepath.Join(dir, "bad.yaml")); code != exitUsage || !strings.Contains(stderr, "used twice") {
		t.Errorf("config check bad: exit %d, %q", code, stderr)
	}
	// Secrets resolve from a command or a private file.
	if pw, err := resolvePassword(t.Context(), "printf 'hunter2\\n'", ""); err != nil || pw != "hunter2" {
		t.Errorf("password_cmd = %q, %v", pw, err)
	}
	pf := write("pw", "s3cret\n", 0o600)
	if pw, err := resolvePassword(t.Context(), "", pf); err != nil || pw != "s3cret" {
		t.Errorf("password_file = %q, %v", pw, err)
	}
	os.Chmod(pf, 0o644)
	if _, err := resolvePassword(t.Context(), "", pf); err == nil {
		t.Error("a world-readable password_file was accepted")
	}
}
