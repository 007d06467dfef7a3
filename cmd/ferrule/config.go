package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is ferrule's configuration file. Only keys that something reads
// exist; the daemon, store, digest and SMTP sections arrive with those
// features. Every field is documented in config.example.yaml (a test
// checks that).
type Config struct {
	// KernelTree is a kernel checkout for whole-file analysis and the
	// tree's MAINTAINERS (like --tree).
	KernelTree string `yaml:"kernel_tree"`
	Rust       struct {
		// LeafAllow lists leaf paths where direct bindings use is a known
		// exception (globs, ** for any depth).
		LeafAllow []string `yaml:"leaf_allow"`
	} `yaml:"rust"`
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
	return c, nil
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
	for i, g := range c.Rust.LeafAllow {
		if strings.TrimSpace(g) == "" {
			problems = append(problems, fmt.Sprintf("rust.leaf_allow[%d]: empty glob", i))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}
