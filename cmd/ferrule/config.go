package main

import (
	"context"
	"fmt"

	"ferrule/cmd/internal/cli"
	"ferrule/cmd/internal/config"
)

// runConfig is `ferrule config check -c FILE`.
func runConfig(ctx context.Context, e *env, args []string) int {
	fs := cli.NewFlagSet(e.stderr, "config check",
		"usage: ferrule config check -c FILE",
		"Validates a configuration file (see config.example.yaml) without connecting anywhere:",
		"unknown keys, mailboxes, secrets' file modes, SMTP, digests, templates and ranking.",
	)
	path := fs.String("c", "", "config file to check")
	if len(args) > 0 && args[0] == "check" {
		args = args[1:]
	} else if len(args) == 0 || (args[0] != "-h" && args[0] != "--help") {
		fs.Usage()
		return cli.ExitUsage
	}
	if code, ok := cli.ParseFlags(fs, args); !ok {
		return code
	}
	if *path == "" {
		fmt.Fprintln(e.stderr, "usage: ferrule config check -c FILE")
		return cli.ExitUsage
	}
	c, err := config.Load(*path)
	if err != nil {
		return e.fail("config", err)
	}
	for _, w := range c.Warnings {
		fmt.Fprintf(e.stdout, "%s: warning: %s\n", *path, w)
	}
	fmt.Fprintf(e.stdout, "%s: ok (%d mailboxes, smtp %v, digest %v)\n", *path, len(c.Mailboxes), c.SMTP != nil, c.Digest != nil)
	return cli.ExitOK
}

// dbPath is the store to use: the flag, else store.path, else the default.
func (e *env) dbPath(flagValue string, cfg *config.Config) string {
	switch {
	case flagValue != "":
		return flagValue
	case cfg != nil && cfg.StorePath != "":
		return cfg.StorePath
	}
	return config.DefaultDBPath(e.getenv)
}
