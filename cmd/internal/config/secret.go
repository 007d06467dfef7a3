package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Bounds on password_cmd: how long it may run, and how long its output
// pipe may stay open after the shell exits or is killed (a child of sh
// may keep it).
var (
	passwordTimeout   = 2 * time.Minute
	passwordWaitDelay = time.Second
)

// Secret is a server's password source: password_cmd or password_file. It
// is resolved when first asked; only a success is cached. Safe for
// concurrent use.
type Secret struct {
	cmd, file string

	mu    sync.Mutex
	value string
	ok    bool
}

// NewSecret returns the secret of a password_cmd or a password_file (one
// of them non-empty).
func NewSecret(cmd, file string) *Secret { return &Secret{cmd: cmd, file: file} }

// Get returns the password, resolving it on the first call and after a
// failure.
func (s *Secret) Get(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ok {
		return s.value, nil
	}
	v, err := resolvePassword(ctx, s.cmd, s.file)
	if err != nil {
		return "", err
	}
	s.value, s.ok = v, true
	return v, nil
}

// resolvePassword runs password_cmd (through sh -c, stdout trimmed) or
// reads password_file.
func resolvePassword(ctx context.Context, cmd, file string) (string, error) {
	switch {
	case cmd != "":
		ctx, cancel := context.WithTimeout(ctx, passwordTimeout)
		defer cancel()
		c := exec.CommandContext(ctx, "sh", "-c", cmd)
		c.WaitDelay = passwordWaitDelay
		out, err := c.Output()
		if err != nil {
			if ctx.Err() != nil {
				return "", fmt.Errorf("password_cmd: %w", ctx.Err())
			}
			return "", fmt.Errorf("password_cmd: %w", execError(err))
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

// execError is a failed command's error with its stderr, when it wrote
// any.
func execError(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%s", strings.TrimSpace(string(ee.Stderr)))
	}
	return err
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
