package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"ferrule/mail"
	"ferrule/mail/imappoll"
	"ferrule/review"
)

// Config is a loaded, validated configuration. The zero value (no file)
// is valid: defaults everywhere, no servers.
type Config struct {
	// StorePath is the sqlite store; "" for the default ([DefaultDBPath]).
	StorePath string
	// Mailboxes are the IMAP folders `ferrule watch` follows.
	Mailboxes []Mailbox
	// HTTPListen is an address for /healthz and /metrics ("" for none).
	HTTPListen string
	// SMTP is where digests are sent from; nil when not configured.
	SMTP *SMTP
	// Digest is when and to whom digests go; nil when not configured.
	Digest *Digest
	// Drafts is where --imap-drafts appends; nil when there is neither a
	// drafts section nor a mailbox.
	Drafts *Drafts
	// Templates is a directory overriding the embedded templates.
	Templates string
	// KernelTree is a kernel checkout (like --tree).
	KernelTree string
	// LeafAllow lists leaf paths where direct bindings use is a known
	// exception.
	LeafAllow []string
	// Weights are the ranking weights: review.DefaultWeights under the
	// ranking section.
	Weights *review.Weights
	// Me are the reader's addresses: series MAINTAINERS routes to them
	// weigh more and come first in their tier.
	Me []string
	// StaleAfter is how long a thread may be silent before an open series
	// is stale (0: review.DefaultStaleAfter).
	StaleAfter time.Duration
	// Warnings are what `config check` reports of a valid file: settings
	// that will not work as the user may think.
	Warnings []string
}

// TLSMode is how a connection to a server is secured.
type TLSMode string

// The TLS modes. Plaintext is allowed only to loopback addresses.
const (
	TLSImplicit TLSMode = "implicit" // TLS from the first byte
	TLSStartTLS TLSMode = "starttls" // plaintext, then STARTTLS
	TLSNone     TLSMode = "none"     // plaintext
)

// Server is how to reach and log in to an IMAP or SMTP server.
type Server struct {
	Address  string
	TLS      TLSMode
	Username string
	// Anonymous: an IMAP server logged in to with SASL ANONYMOUS (auth:
	// anonymous, as public-inbox offers); no username and no secret.
	Anonymous bool
	// Secret is nil when the server needs no login.
	Secret *Secret
}

// Password is the server's password function for imappoll and smtpsend;
// nil without a secret.
func (s Server) Password() func(context.Context) (string, error) {
	if s.Secret == nil {
		return nil
	}
	return s.Secret.Get
}

// Mailbox is one followed folder.
type Mailbox struct {
	Name         string
	IMAP         Server
	Folder       string
	PollInterval time.Duration // 0: the poller's default
	BatchSize    int           // 0: the poller's default
	// Start is where the first sync begins when the store has no cursor
	// for the mailbox (start: all, now or YYYY-MM-DD).
	Start imappoll.Start
}

// SMTP is the server digests go through, and their sender.
type SMTP struct {
	Server
	From mail.Address
}

// Drafts is the IMAP folder reply drafts are appended to.
type Drafts struct {
	IMAP   Server
	Folder string
}

// Digest is when and to whom digests go.
type Digest struct {
	// Schedule is how often the daemon sends digests; 0: only by hand.
	Schedule     time.Duration
	LinkTemplate string // contains {msgid}; "" for lore's redirector
	// Maintainers says which people MAINTAINERS routes series to may be
	// mailed: none unless the config opts in.
	Maintainers   OptIn
	Subscriptions []review.Subscription
}

// OptIn is digest.maintainers: the MAINTAINERS-routed people who agreed
// to get digests.
type OptIn struct {
	All       bool
	Addresses []string // lower case
}

// Allows reports whether a routed person may be mailed.
func (o OptIn) Allows(email string) bool {
	if o.All {
		return true
	}
	email = strings.ToLower(email)
	for _, a := range o.Addresses {
		if a == email {
			return true
		}
	}
	return false
}

// None reports whether no routed person may be mailed.
func (o OptIn) None() bool { return !o.All && len(o.Addresses) == 0 }

// Load reads and validates a config file. Unknown keys are errors; all
// problems are reported together, each with its key path. Secrets are
// built here, once: every user of a server shares its cache.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	f, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	c, err := f.build()
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	if f.holdsSecrets() {
		if err := privateFile(path); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// LoadOrDefault is [Load], or the defaults when path is "", with tree
// (a --tree flag) in place of kernel_tree unless it is "".
func LoadOrDefault(path, tree string) (*Config, error) {
	c := Default()
	if path != "" {
		var err error
		if c, err = Load(path); err != nil {
			return nil, err
		}
	}
	if tree != "" {
		c.KernelTree = tree
	}
	return c, nil
}

// Default is the configuration without a file.
func Default() *Config {
	w := review.DefaultWeights
	return &Config{Weights: &w}
}

// decode decodes strictly: unknown keys and wrong types are errors, all
// reported, with their lines.
func decode(b []byte) (*fileConfig, error) {
	var c fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for i, m := range te.Errors {
				te.Errors[i] = unknownKey(b, m)
			}
			return nil, fmt.Errorf("\n  %s", strings.Join(te.Errors, "\n  "))
		}
		return nil, fmt.Errorf(" %w", err)
	}
	return &c, nil
}

// holdsSecrets reports whether the file says how to get a password.
func (f *fileConfig) holdsSecrets() bool {
	has := func(s *fileServer) bool { return s != nil && (s.PasswordCmd != "" || s.PasswordFile != "") }
	for i := range f.Mailboxes {
		if has(&f.Mailboxes[i].IMAP) {
			return true
		}
	}
	if f.Drafts != nil && has(f.Drafts.IMAP) {
		return true
	}
	return f.SMTP != nil && has(&f.SMTP.fileServer)
}

// DraftsServer is the server and folder for --imap-drafts: drafts.imap,
// else the first mailbox's server that is not anonymous.
func (c *Config) DraftsServer() (Server, string, error) {
	if c.Drafts == nil {
		return Server{}, "", errors.New("--imap-drafts needs drafts.imap or a mailbox that logs in (anonymous servers are read-only)")
	}
	return c.Drafts.IMAP, c.Drafts.Folder, nil
}

// DefaultDBPath is $XDG_DATA_HOME/ferrule/ferrule.db (PRODUCT.md
// "Config"), with XDG's default of ~/.local/share; "" without HOME.
func DefaultDBPath(getenv func(string) string) string {
	dir := getenv("XDG_DATA_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "ferrule", "ferrule.db")
}
