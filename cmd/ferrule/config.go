package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	netmail "net/mail"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"ferrule/review"
)

// Config is ferrule's configuration file. Every field is documented in
// config.example.yaml (a test checks that). Secrets are never inline: a
// password comes from password_cmd or password_file.
type Config struct {
	Store struct {
		// Path of the sqlite store; default $XDG_DATA_HOME/ferrule/ferrule.db.
		Path string `yaml:"path"`
	} `yaml:"store"`
	// Mailboxes are the IMAP folders `ferrule watch` follows.
	Mailboxes []MailboxConfig `yaml:"mailboxes"`
	HTTP      struct {
		// Listen is an address for /healthz and /metrics ("" for none).
		Listen string `yaml:"listen"`
	} `yaml:"http"`
	SMTP   *SMTPConfig   `yaml:"smtp"`
	Digest *DigestConfig `yaml:"digest"`
	// Drafts is the IMAP folder `ferrule reply --imap-drafts` appends to.
	Drafts *DraftsConfig `yaml:"drafts"`
	// Templates is a directory whose reply, thanks, digest.txt and
	// digest.html override the embedded templates.
	Templates string `yaml:"templates"`
	// KernelTree is a kernel checkout for whole-file analysis and the
	// tree's MAINTAINERS (like --tree).
	KernelTree string `yaml:"kernel_tree"`
	Rust       struct {
		// LeafAllow lists leaf paths where direct bindings use is a known
		// exception (globs, ** for any depth).
		LeafAllow []string `yaml:"leaf_allow"`
	} `yaml:"rust"`
	// Ranking overrides the attention score's weights; unset ones keep
	// review.DefaultWeights.
	Ranking RankingConfig `yaml:"ranking"`
}

// MailboxConfig is one followed folder.
type MailboxConfig struct {
	Name         string     `yaml:"name"`
	IMAP         IMAPConfig `yaml:"imap"`
	Folder       string     `yaml:"folder"`
	PollInterval string     `yaml:"poll_interval"`
	BatchSize    int        `yaml:"batch_size"`
}

// IMAPConfig says how to reach and log in to an IMAP server.
type IMAPConfig struct {
	Address      string `yaml:"address"`
	TLS          string `yaml:"tls"`
	Username     string `yaml:"username"`
	PasswordCmd  string `yaml:"password_cmd"`
	PasswordFile string `yaml:"password_file"`
}

// SMTPConfig is where digests are sent (used by `ferrule digest`).
type SMTPConfig struct {
	Address      string `yaml:"address"`
	TLS          string `yaml:"tls"`
	Username     string `yaml:"username"`
	PasswordCmd  string `yaml:"password_cmd"`
	PasswordFile string `yaml:"password_file"`
	From         string `yaml:"from"`
}

// DraftsConfig says where reply drafts are appended over IMAP.
type DraftsConfig struct {
	// IMAP defaults to the first mailbox's server and login.
	IMAP   *IMAPConfig `yaml:"imap"`
	Folder string      `yaml:"folder"`
}

// DigestConfig is when and to whom digests go.
type DigestConfig struct {
	Schedule      string               `yaml:"schedule"`
	LinkTemplate  string               `yaml:"link_template"`
	Subscriptions []SubscriptionConfig `yaml:"subscriptions"`
}

// SubscriptionConfig asks for the series touching some paths.
type SubscriptionConfig struct {
	Email string   `yaml:"email"`
	Paths []string `yaml:"paths"`
}

// RankingConfig is the ranking section; pointers tell unset from zero.
type RankingConfig struct {
	Critical    *float64 `yaml:"critical"`
	High        *float64 `yaml:"high"`
	Medium      *float64 `yaml:"medium"`
	Low         *float64 `yaml:"low"`
	Info        *float64 `yaml:"info"`
	NitCap      *float64 `yaml:"nit_cap"`
	Uncertain   *float64 `yaml:"uncertain"`
	BlastRadius *float64 `yaml:"blast_radius"`
	Unreviewed  *float64 `yaml:"unreviewed"`
	UnsafeDelta *float64 `yaml:"unsafe_delta"`
	MustLook    *float64 `yaml:"must_look"`
	ShouldLook  *float64 `yaml:"should_look"`
}

// weights applies the section over review.DefaultWeights.
func (r RankingConfig) weights() *review.Weights {
	w := review.DefaultWeights
	for _, x := range []struct {
		v   *float64
		dst *float64
	}{
		{r.Critical, &w.Critical}, {r.High, &w.High}, {r.Medium, &w.Medium}, {r.Low, &w.Low}, {r.Info, &w.Info},
		{r.NitCap, &w.NitCap}, {r.Uncertain, &w.Uncertain}, {r.BlastRadius, &w.BlastRadius},
		{r.Unreviewed, &w.Unreviewed}, {r.UnsafeDelta, &w.UnsafeDelta}, {r.MustLook, &w.MustLook}, {r.ShouldLook, &w.ShouldLook},
	} {
		if x.v != nil {
			*x.dst = *x.v
		}
	}
	return &w
}

// configuredWeights returns the ranking weights of the config file, or the
// defaults without one.
func configuredWeights(path string) (*review.Weights, error) {
	if path == "" {
		return &review.DefaultWeights, nil
	}
	c, err := loadConfig(path)
	if err != nil {
		return nil, err
	}
	return c.Ranking.weights(), nil
}

// loadConfig reads and validates a config file. Unknown keys are errors;
// all problems are reported together, each with its key path.
func loadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := decodeConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	if c.holdsSecrets() {
		if err := privateFile(path); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// holdsSecrets reports whether the file says how to get a password.
func (c *Config) holdsSecrets() bool {
	for _, m := range c.Mailboxes {
		if m.IMAP.PasswordCmd != "" || m.IMAP.PasswordFile != "" {
			return true
		}
	}
	if c.Drafts != nil && c.Drafts.IMAP != nil && (c.Drafts.IMAP.PasswordCmd != "" || c.Drafts.IMAP.PasswordFile != "") {
		return true
	}
	return c.SMTP != nil && (c.SMTP.PasswordCmd != "" || c.SMTP.PasswordFile != "")
}

// draftsIMAP is the server and folder for --imap-drafts.
func (c *Config) draftsIMAP() (IMAPConfig, string, error) {
	folder := "Drafts"
	if c.Drafts != nil && c.Drafts.Folder != "" {
		folder = c.Drafts.Folder
	}
	switch {
	case c.Drafts != nil && c.Drafts.IMAP != nil:
		return *c.Drafts.IMAP, folder, nil
	case len(c.Mailboxes) > 0:
		return c.Mailboxes[0].IMAP, folder, nil
	}
	return IMAPConfig{}, "", errors.New("--imap-drafts needs drafts.imap or a mailbox in the config")
}

// privateFile refuses a file group or others can read (aerc and mox do
// the same for credential-bearing files).
func privateFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s holds credentials and is readable by others (mode %04o): run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	return nil
}

// resolvePassword runs password_cmd (once, through sh -c, stdout trimmed)
// or reads password_file.
func resolvePassword(ctx context.Context, cmd, file string) (string, error) {
	switch {
	case cmd != "":
		out, err := exec.CommandContext(ctx, "sh", "-c", cmd).Output()
		if err != nil {
			return "", fmt.Errorf("password_cmd: %w", gitError(err))
		}
		return strings.TrimRight(string(out), "\r\n"), nil
	case file != "":
		if err := privateFile(file); err != nil {
			return "", err
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("password_file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return "", errors.New("no password_cmd or password_file")
}

// decodeConfig decodes strictly: unknown keys and wrong types are errors,
// all reported, with their lines.
func decodeConfig(b []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("\n  %s", strings.Join(te.Errors, "\n  "))
		}
		return nil, fmt.Errorf(" %w", err)
	}
	return &c, nil
}

// validate checks values, reporting every problem with its key path.
func (c *Config) validate() error {
	var problems []string
	if c.KernelTree != "" {
		if fi, err := os.Stat(c.KernelTree); err != nil || !fi.IsDir() {
			problems = append(problems, fmt.Sprintf("kernel_tree: %q is not a directory", c.KernelTree))
		}
	}
	names := map[string]bool{}
	for i := range c.Mailboxes {
		m := &c.Mailboxes[i]
		key := fmt.Sprintf("mailboxes[%d]", i)
		if m.Name == "" {
			problems = append(problems, key+".name: required")
		} else if names[m.Name] {
			problems = append(problems, fmt.Sprintf("%s.name: %q used twice", key, m.Name))
		}
		names[m.Name] = true
		problems = append(problems, checkServer(key+".imap", m.IMAP.Address, m.IMAP.TLS, m.IMAP.Username, m.IMAP.PasswordCmd, m.IMAP.PasswordFile, true)...)
		if m.BatchSize < 0 || m.BatchSize > 10000 {
			problems = append(problems, fmt.Sprintf("%s.batch_size: %d is not between 1 and 10000", key, m.BatchSize))
		}
		if m.PollInterval != "" {
			if d, err := time.ParseDuration(m.PollInterval); err != nil || d < time.Second {
				problems = append(problems, fmt.Sprintf("%s.poll_interval: %q is not a duration of at least 1s", key, m.PollInterval))
			}
		}
	}
	if c.SMTP != nil {
		problems = append(problems, checkServer("smtp", c.SMTP.Address, c.SMTP.TLS, c.SMTP.Username, c.SMTP.PasswordCmd, c.SMTP.PasswordFile, false)...)
		if _, err := netmail.ParseAddress(c.SMTP.From); err != nil {
			problems = append(problems, fmt.Sprintf("smtp.from: %q is not an address", c.SMTP.From))
		}
	}
	if c.Drafts != nil && c.Drafts.IMAP != nil {
		problems = append(problems, checkServer("drafts.imap", c.Drafts.IMAP.Address, c.Drafts.IMAP.TLS, c.Drafts.IMAP.Username, c.Drafts.IMAP.PasswordCmd, c.Drafts.IMAP.PasswordFile, true)...)
	}
	if c.Templates != "" {
		if fi, err := os.Stat(c.Templates); err != nil || !fi.IsDir() {
			problems = append(problems, fmt.Sprintf("templates: %q is not a directory", c.Templates))
		}
	}
	if d := c.Digest; d != nil {
		if d.Schedule != "" {
			if v, err := time.ParseDuration(d.Schedule); err != nil || v < time.Minute {
				problems = append(problems, fmt.Sprintf("digest.schedule: %q is not a duration of at least 1m", d.Schedule))
			}
		}
		if d.LinkTemplate != "" && !strings.Contains(d.LinkTemplate, "{msgid}") {
			problems = append(problems, "digest.link_template: must contain {msgid}")
		}
		for i, s := range d.Subscriptions {
			if _, err := netmail.ParseAddress(s.Email); err != nil {
				problems = append(problems, fmt.Sprintf("digest.subscriptions[%d].email: %q is not an address", i, s.Email))
			}
			if len(s.Paths) == 0 {
				problems = append(problems, fmt.Sprintf("digest.subscriptions[%d].paths: at least one glob", i))
			}
		}
	}
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			problems = append(problems, fmt.Sprintf("http.listen: %v", err))
		}
	}
	w := c.Ranking.weights()
	if w.NitCap >= w.High {
		problems = append(problems, fmt.Sprintf("ranking.nit_cap: %v must stay below ranking.high (%v) so nits never outrank a soundness finding", w.NitCap, w.High))
	}
	for name, v := range map[string]float64{"critical": w.Critical, "high": w.High, "medium": w.Medium, "low": w.Low, "info": w.Info,
		"uncertain": w.Uncertain, "blast_radius": w.BlastRadius, "unreviewed": w.Unreviewed, "unsafe_delta": w.UnsafeDelta} {
		if v < 0 {
			problems = append(problems, fmt.Sprintf("ranking.%s: %v is negative", name, v))
		}
	}
	for i, g := range c.Rust.LeafAllow {
		if strings.TrimSpace(g) == "" {
			problems = append(problems, fmt.Sprintf("rust.leaf_allow[%d]: empty glob", i))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

// checkServer validates an IMAP or SMTP server section: host:port, TLS
// mode (plaintext only to loopback), a user, exactly one password source.
func checkServer(key, address, tlsMode, user, pwCmd, pwFile string, needUser bool) []string {
	var problems []string
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		problems = append(problems, fmt.Sprintf("%s.address: %q is not host:port", key, address))
	}
	switch tlsMode {
	case "", "implicit", "starttls":
	case "none":
		if err == nil && !isLoopback(host) {
			problems = append(problems, fmt.Sprintf("%s.tls: none is allowed only for loopback addresses, not %q", key, host))
		}
	default:
		problems = append(problems, fmt.Sprintf("%s.tls: %q is not implicit, starttls or none", key, tlsMode))
	}
	if needUser && user == "" {
		problems = append(problems, key+".username: required")
	}
	switch {
	case pwCmd != "" && pwFile != "":
		problems = append(problems, key+": give password_cmd or password_file, not both")
	case pwCmd == "" && pwFile == "" && user != "":
		problems = append(problems, key+": password_cmd or password_file required")
	}
	return problems
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
