package config

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// The file's schema, as written: every value a string or a number, so
// that a bad one is reported by validation with its key path rather than
// by the decoder. Every field is documented in config.example.yaml (a
// test checks that).
type fileConfig struct {
	Store struct {
		Path string `yaml:"path"`
	} `yaml:"store"`
	Mailboxes []fileMailbox `yaml:"mailboxes"`
	HTTP      struct {
		Listen string `yaml:"listen"`
	} `yaml:"http"`
	SMTP       *fileSMTP   `yaml:"smtp"`
	Digest     *fileDigest `yaml:"digest"`
	Drafts     *fileDrafts `yaml:"drafts"`
	Templates  string      `yaml:"templates"`
	KernelTree string      `yaml:"kernel_tree"`
	Rust       struct {
		LeafAllow []string `yaml:"leaf_allow"`
	} `yaml:"rust"`
	Ranking fileRanking `yaml:"ranking"`
	Me      []string    `yaml:"me"`
	Queue   struct {
		StaleAfter string `yaml:"stale_after"`
	} `yaml:"queue"`
}

type fileMailbox struct {
	Name         string     `yaml:"name"`
	IMAP         fileServer `yaml:"imap"`
	Folder       string     `yaml:"folder"`
	PollInterval string     `yaml:"poll_interval"`
	BatchSize    int        `yaml:"batch_size"`
	Start        string     `yaml:"start"`
}

type fileServer struct {
	Address      string `yaml:"address"`
	TLS          string `yaml:"tls"`
	Auth         string `yaml:"auth"` // IMAP only: login (default) or anonymous
	Username     string `yaml:"username"`
	PasswordCmd  string `yaml:"password_cmd"`
	PasswordFile string `yaml:"password_file"`
}

type fileSMTP struct {
	fileServer `yaml:",inline"`
	From       string `yaml:"from"`
}

type fileDrafts struct {
	IMAP   *fileServer `yaml:"imap"`
	Folder string      `yaml:"folder"`
}

type fileDigest struct {
	Schedule      string             `yaml:"schedule"`
	LinkTemplate  string             `yaml:"link_template"`
	Maintainers   fileOptIn          `yaml:"maintainers"`
	Subscriptions []fileSubscription `yaml:"subscriptions"`
}

type fileSubscription struct {
	Email string   `yaml:"email"`
	Paths []string `yaml:"paths"`
}

// fileOptIn is digest.maintainers: "all", "none", or a list of addresses.
type fileOptIn struct {
	scalar string
	list   []string
	isList bool
}

func (o *fileOptIn) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		o.scalar = n.Value
		return nil
	case yaml.SequenceNode:
		o.isList = true
		return n.Decode(&o.list)
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: digest.maintainers: want all, none or a list of addresses", n.Line)}}
}

type fileRanking struct {
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
	PatchDecay  *float64 `yaml:"patch_decay"`
	Mine        *float64 `yaml:"mine"`
}
