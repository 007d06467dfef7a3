package analysis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"ferrule/mail"
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
