package analysis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"ferrule/mail"
	"ferrule/review"
)

// FormatPatch is the mbox of `git format-patch --stdout A..B` in the
// current directory, as a source.
func FormatPatch(ctx context.Context, gitRange string) (mail.Source, error) {
	patches, err := exec.CommandContext(ctx, "git", "format-patch", "--stdout", gitRange).Output()
	if err != nil {
		return nil, fmt.Errorf("git format-patch %s: %w", gitRange, gitError(err))
	}
	return mail.NewMboxReader(bytes.NewReader(patches), gitRange, nil), nil
}

// GitRange is the source and analysis for `ferrule check --git-range
// A..B` in the current directory: the commits' patches, checked against
// the checkout's own Rust knowledge and MAINTAINERS and its files at A,
// unless a tree was given (opts already has it).
func GitRange(ctx context.Context, gitRange string, opts *review.IngestOptions, treeGiven bool, leafAllow []string) (mail.Source, error) {
	base, _, ok := strings.Cut(gitRange, "..")
	if !ok || base == "" {
		return nil, fmt.Errorf("--git-range wants A..B, got %q", gitRange)
	}
	src, err := FormatPatch(ctx, gitRange)
	if err != nil {
		return nil, err
	}
	if !treeGiven {
		if k, m, err := LoadTree("."); err == nil {
			opts.Checkers, opts.Route = Checkers(k, m, leafAllow)
		}
		opts.Tree = GitTree{Ctx: ctx, Rev: base}
	}
	return src, nil
}

// GitTree reads files at a revision of the git checkout in the current
// directory (review.Tree).
type GitTree struct {
	Ctx context.Context
	Rev string
}

// ReadFile is `git show REV:PATH`; paths that could leave the tree or be
// read as options are refused.
func (g GitTree) ReadFile(path string) ([]byte, bool) {
	if strings.HasPrefix(path, "-") || strings.Contains(path, "..") {
		return nil, false
	}
	out, err := exec.CommandContext(g.Ctx, "git", "show", g.Rev+":"+path).Output()
	return out, err == nil
}

// gitError is git's own message, when it wrote one.
func gitError(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return errors.New(strings.TrimSpace(string(ee.Stderr)))
	}
	return err
}
