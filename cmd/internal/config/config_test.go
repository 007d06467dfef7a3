package config

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

const kernelTreeDir = "../../ferrule/testdata/kernel"

// TestConfigExample: config.example.yaml decodes strictly, validates, and
// documents every key of the file's schema (STYLE.md §3.4).
func TestConfigExample(t *testing.T) {
	b, err := os.ReadFile("../../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decode(b); err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	var walk func(typ reflect.Type)
	walk = func(typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if key != "" && !regexp.MustCompile(`(?m)^[\s-]*`+regexp.QuoteMeta(key)+`:`).Match(b) {
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
	walk(reflect.TypeOf(fileConfig{}))
}

func writeFile(t *testing.T, dir, name, s string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(s), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	check := func(content string, wantErr ...string) {
		t.Helper()
		_, err := Load(writeFile(t, dir, "c.yaml", content, 0o600))
		if len(wantErr) == 0 && err != nil {
			t.Errorf("Load(%q) = %v", content, err)
		}
		for _, w := range wantErr {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("Load(%q) = %v, want it to mention %q", content, err, w)
			}
		}
	}
	check("")
	check("kernel_tree: " + kernelTreeDir + "\n")
	// Every unknown key is reported, with its line.
	check("kernel_tre: x\nrust:\n  leaf_alow: []\n", "line 1: unknown key kernel_tre (did you mean kernel_tree?)", "line 3: unknown key rust.leaf_alow (did you mean leaf_allow?)")
	// Validation reports all problems with key paths.
	check("kernel_tree: /nonexistent\nrust:\n  leaf_allow: ['']\n", "kernel_tree: \"/nonexistent\" is not a directory", "rust.leaf_allow[0]: empty glob")
	check("digest: {maintainers: some}\n", `digest.maintainers: "some" is not all, none or a list`)
	check("digest: {maintainers: [nobody]}\n", `digest.maintainers[0]: "nobody" is not an address`)
	check("digest: {maintainers: {a: b}}\n", "digest.maintainers: want all, none or a list")
}

const goodDaemon = `mailboxes:
  - name: pwm
    imap: {address: 127.0.0.1:10143, tls: none, username: u, password_cmd: echo secret}
    poll_interval: 30s
smtp: {address: 127.0.0.1:2525, tls: none, username: u, password_cmd: echo x, from: "f <f@example.org>"}
digest: {schedule: 24h, link_template: "https://lore.kernel.org/r/{msgid}", maintainers: [Ada@Example.org], subscriptions: [{email: a@example.org, paths: [drivers/pwm/**]}]}
`

func TestDaemonSections(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(writeFile(t, dir, "good.yaml", goodDaemon, 0o600))
	if err != nil {
		t.Fatalf("good config: %v", err)
	}
	// Typed values.
	m := c.Mailboxes[0]
	if m.PollInterval != 30*time.Second || m.IMAP.TLS != TLSNone || c.Digest.Schedule != 24*time.Hour {
		t.Errorf("typed values: poll %v, tls %q, schedule %v", m.PollInterval, m.IMAP.TLS, c.Digest.Schedule)
	}
	if c.SMTP.From.Email != "f@example.org" || c.SMTP.TLS != TLSNone {
		t.Errorf("smtp = %+v", c.SMTP)
	}
	if !c.Digest.Maintainers.Allows("ada@example.org") || c.Digest.Maintainers.Allows("bob@example.org") {
		t.Errorf("maintainers opt-in = %+v", c.Digest.Maintainers)
	}
	// Drafts default to the first mailbox's server, sharing its secret.
	srv, folder, err := c.DraftsServer()
	if err != nil || folder != "Drafts" || srv.Secret != m.IMAP.Secret || srv.Secret == nil {
		t.Errorf("drafts = %+v %q %v", srv, folder, err)
	}
	// Credentials in a file others can read: refused with the fix.
	if _, err := Load(writeFile(t, dir, "open.yaml", goodDaemon, 0o644)); err == nil || !strings.Contains(err.Error(), "chmod 600") {
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
	_, err = Load(writeFile(t, dir, "bad.yaml", bad, 0o600))
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
}

func TestSecretSources(t *testing.T) {
	ctx := context.Background()
	if pw, err := NewSecret("printf 'hunter2\\n'", "").Get(ctx); err != nil || pw != "hunter2" {
		t.Errorf("password_cmd = %q, %v", pw, err)
	}
	pf := writeFile(t, t.TempDir(), "pw", "s3cret\n", 0o600)
	if pw, err := NewSecret("", pf).Get(ctx); err != nil || pw != "s3cret" {
		t.Errorf("password_file = %q, %v", pw, err)
	}
	os.Chmod(pf, 0o644)
	if _, err := NewSecret("", pf).Get(ctx); err == nil {
		t.Error("a world-readable password_file was accepted")
	}
}

// TestSecretCachesOnlySuccess: a password_cmd that fails once, then works,
// is run again after the failure and never after the success.
func TestSecretCachesOnlySuccess(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	// Fails on its first run, prints the password on later ones.
	cmd := `echo x >> ` + runs + `; [ $(wc -l < ` + runs + `) -gt 1 ] || { echo down >&2; exit 1; }; echo pw`
	s := NewSecret(cmd, "")
	ctx := context.Background()
	if _, err := s.Get(ctx); err == nil || !strings.Contains(err.Error(), "down") {
		t.Fatalf("first Get = %v, want the command's failure", err)
	}
	for i := 0; i < 3; i++ {
		if pw, err := s.Get(ctx); err != nil || pw != "pw" {
			t.Fatalf("Get #%d = %q, %v", i+2, pw, err)
		}
	}
	b, _ := os.ReadFile(runs)
	if n := strings.Count(string(b), "x"); n != 2 {
		t.Errorf("password_cmd ran %d times, want 2 (a failure, then one success)", n)
	}
}

// TestSecretBounded: a password_cmd whose child keeps stdout open does not
// outlast its context (nor the timeout) by more than WaitDelay.
func TestSecretBounded(t *testing.T) {
	defer func(d time.Duration) { passwordTimeout = d }(passwordTimeout)
	for _, c := range []struct {
		name    string
		timeout time.Duration
		cancel  time.Duration
	}{
		{"cancelled", time.Minute, 200 * time.Millisecond},
		{"timeout", 200 * time.Millisecond, time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			passwordTimeout = c.timeout
			ctx, cancel := context.WithTimeout(context.Background(), c.cancel)
			defer cancel()
			start := time.Now()
			// sh forks sleep, which inherits the pipe.
			_, err := NewSecret("sleep 60; echo pw", "").Get(ctx)
			if err == nil {
				t.Fatal("a hanging password_cmd succeeded")
			}
			if el := time.Since(start); el > 200*time.Millisecond+passwordWaitDelay+2*time.Second {
				t.Errorf("Get returned after %v", el)
			}
		})
	}
}

func TestLoadOrDefault(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ferrule.yaml")
	if err := os.WriteFile(path, []byte("kernel_tree: "+dir+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, tree, want string
	}{
		{"", "", ""},
		{"", "/tmp/tree", "/tmp/tree"},
		{path, "", dir},
		{path, "/tmp/tree", "/tmp/tree"}, // --tree wins over kernel_tree
	} {
		c, err := LoadOrDefault(tc.path, tc.tree)
		if err != nil {
			t.Errorf("LoadOrDefault(%q, %q): %v", tc.path, tc.tree, err)
			continue
		}
		if c.KernelTree != tc.want || c.Weights == nil {
			t.Errorf("LoadOrDefault(%q, %q): kernel tree %q, want %q with weights", tc.path, tc.tree, c.KernelTree, tc.want)
		}
	}
	if _, err := LoadOrDefault(filepath.Join(dir, "missing.yaml"), ""); err == nil {
		t.Error("a missing config file was accepted")
	}
}
