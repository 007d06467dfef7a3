package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"ferrule/review"
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
	// Ranking overrides the attention score's weights; unset ones keep
	// review.DefaultWeights.
	Ranking RankingConfig `yaml:"ranking"`
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
