package main

import (
	"context"
	"flag"
	"fmt"
)

// runConfig is `ferrule config check -c FILE`.
func runConfig(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(e.stderr, "usage: ferrule config check -c FILE")
		return exitUsage
	}
	fs := flag.NewFlagSet("config check", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	path := fs.String("c", "", "config file to check")
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	if *path == "" {
		fmt.Fprintln(e.stderr, "usage: ferrule config check -c FILE")
		return exitUsage
	}
	c, err := loadConfig(*path)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule config: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "%s: ok (%d mailboxes, smtp %v, digest %v)\n", *path, len(c.Mailboxes), c.SMTP != nil, c.Digest != nil)
	return exitOK
}
