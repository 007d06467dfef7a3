// Package applied finds where the patches of a series landed in a git
// tree, for b4-ty-style "commit:" lines in a thanks reply: each patch's
// "git patch-id --stable" is looked up among the recent commits of the
// tree (git log -p --since=…, bounded), and a patch with no match is
// matched by its subject when exactly one commit of that range has it.
//
// It runs git as a subprocess; nothing else is read or written.
package applied

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"ferrule/review/diff"
)

// Options configures [Find].
type Options struct {
	// Tree is the git work tree (or git directory) to search.
	Tree string
	// Rev is where history starts; default HEAD.
	Rev string
	// Since bounds the search to commits committed after it (b4 ty uses
	// the series date less a day). Zero searches the last MaxCommits
	// commits.
	Since time.Time
	// MaxCommits bounds the search; default 20,000.
	MaxCommits int
	// Git is the git program; default "git".
	Git string
}

// Patch is one patch to look for.
type Patch struct {
	Number int
	Title  string // subject without the [PATCH …] prefix
	// Text is the patch mail's text (commit message and diff); only the
	// diff is used.
	Text string
}

// Commit is where one patch landed.
type Commit struct {
	Number int
	Title  string
	// Hash is the full commit id, "" when the patch was not found.
	Hash    string
	Subject string // the commit's subject
	// BySubject is set when the diff matched no commit and the commit was
	// found by its subject alone (the patch was changed when applied).
	BySubject bool
}

// Find looks up every patch in the tree. It fails only when git cannot be
// run on the tree; patches that are not found have an empty Hash.
func Find(ctx context.Context, patches []Patch, opts *Options) ([]Commit, error) {
	o := Options{Rev: "HEAD", MaxCommits: 20000, Git: "git"}
	if opts != nil {
		o.Tree, o.Since = opts.Tree, opts.Since
		if opts.Rev != "" {
			o.Rev = opts.Rev
		}
		if opts.MaxCommits > 0 {
			o.MaxCommits = opts.MaxCommits
		}
		if opts.Git != "" {
			o.Git = opts.Git
		}
	}
	if o.Tree == "" {
		return nil, errors.New("applied: no tree given")
	}
	if strings.HasPrefix(o.Rev, "-") {
		return nil, fmt.Errorf("applied: bad revision %q", o.Rev)
	}
	want, err := patchIDs(ctx, &o, patches)
	if err != nil {
		return nil, err
	}
	scope := []string{"log", "--no-merges", "-n", strconv.Itoa(o.MaxCommits)}
	if !o.Since.IsZero() {
		scope = append(scope, "--since="+strconv.FormatInt(o.Since.Unix(), 10))
	}
	subjects, order, err := commitSubjects(ctx, &o, scope)
	if err != nil {
		return nil, err
	}
	have, err := treePatchIDs(ctx, &o, scope)
	if err != nil {
		return nil, err
	}
	out := make([]Commit, len(patches))
	for i, p := range patches {
		c := Commit{Number: p.Number, Title: p.Title}
		if id := want[i]; id != "" {
			if h, ok := have[id]; ok {
				c.Hash, c.Subject = h, subjects[h]
			}
		}
		if c.Hash == "" && p.Title != "" {
			var found []string
			for _, h := range order {
				if subjects[h] == p.Title {
					found = append(found, h)
				}
			}
			if len(found) == 1 {
				c.Hash, c.Subject, c.BySubject = found[0], p.Title, true
			}
		}
		out[i] = c
	}
	return out, nil
}

// patchIDs returns the stable patch-id of every patch ("" for one without
// a diff), computed by one git patch-id run: each diff is preceded by a
// "commit <index>" line, which patch-id echoes.
func patchIDs(ctx context.Context, o *Options, patches []Patch) ([]string, error) {
	var in bytes.Buffer
	for i, p := range patches {
		start := diff.Find(p.Text)
		if start < 0 {
			continue
		}
		fmt.Fprintf(&in, "commit %040x\n", i+1)
		in.WriteString(p.Text[start:])
		if !strings.HasSuffix(p.Text, "\n") {
			in.WriteByte('\n')
		}
	}
	out := make([]string, len(patches))
	if in.Len() == 0 {
		return out, nil
	}
	cmd := exec.CommandContext(ctx, o.Git, "-C", o.Tree, "patch-id", "--stable")
	cmd.Stdin = &in
	res, err := run(cmd)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(res, "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		n, err := strconv.ParseUint(f[1], 16, 32)
		if err != nil || n < 1 || int(n) > len(patches) {
			continue
		}
		out[n-1] = f[0]
	}
	return out, nil
}

// treePatchIDs maps the patch-ids of the commits in range to the newest
// commit having each, streaming git log -p into git patch-id.
func treePatchIDs(ctx context.Context, o *Options, scope []string) (map[string]string, error) {
	args := append([]string{"-C", o.Tree}, scope...)
	args = append(args, "-p", "--format=commit %H", o.Rev, "--")
	logCmd := exec.CommandContext(ctx, o.Git, args...)
	pidCmd := exec.CommandContext(ctx, o.Git, "-C", o.Tree, "patch-id", "--stable")
	pipe, err := logCmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("git log: %w", err)
	}
	pidCmd.Stdin = pipe
	var logErr, pidErr bytes.Buffer
	logCmd.Stderr, pidCmd.Stderr = &logErr, &pidErr
	out, err := pidCmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("git patch-id: %w", err)
	}
	if err := logCmd.Start(); err != nil {
		return nil, fmt.Errorf("git log: %w", err)
	}
	if err := pidCmd.Start(); err != nil {
		_ = logCmd.Process.Kill()
		_ = logCmd.Wait()
		return nil, fmt.Errorf("git patch-id: %w", err)
	}
	have := map[string]string{}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 {
			if _, seen := have[f[0]]; !seen {
				have[f[0]] = f[1]
			}
		}
	}
	_, _ = io.Copy(io.Discard, out)
	perr := pidCmd.Wait()
	lerr := logCmd.Wait()
	if lerr != nil {
		return nil, fmt.Errorf("git log in %s: %w: %s", o.Tree, lerr, strings.TrimSpace(logErr.String()))
	}
	if perr != nil {
		return nil, fmt.Errorf("git patch-id: %w: %s", perr, strings.TrimSpace(pidErr.String()))
	}
	return have, nil
}

// commitSubjects returns the subject of every commit in range, and the
// commits newest first.
func commitSubjects(ctx context.Context, o *Options, scope []string) (map[string]string, []string, error) {
	args := append([]string{"-C", o.Tree}, scope...)
	args = append(args, "--format=%H%x00%s", o.Rev, "--")
	res, err := run(exec.CommandContext(ctx, o.Git, args...))
	if err != nil {
		return nil, nil, err
	}
	subjects := map[string]string{}
	var order []string
	for _, line := range strings.Split(res, "\n") {
		h, s, ok := strings.Cut(line, "\x00")
		if ok {
			subjects[h] = s
			order = append(order, h)
		}
	}
	return subjects, order, nil
}

func run(cmd *exec.Cmd) (string, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w: %s", strings.Join(cmd.Args[3:], " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// Lines formats commits as b4 ty's summary: "[n/total] title" and, under
// it, "      commit: <12 hex>" or "      (no commit info)".
func Lines(total int, commits []Commit) string {
	var b strings.Builder
	for i, c := range commits {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "[%d/%d] %s\n", c.Number, max(total, 1), c.Title)
		if c.Hash == "" {
			b.WriteString("      (no commit info)")
			continue
		}
		h := c.Hash
		if len(h) > 12 {
			h = h[:12]
		}
		b.WriteString("      commit: " + h)
	}
	return b.String()
}
