package inputs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"ferrule/cmd/internal/lore"
)

// Inbox says where threads named by Message-ID are fetched from (a
// public-inbox server, as b4 and lei do) and kept.
type Inbox struct {
	// Base is the server's inbox URL (--from-inbox); empty fetches only
	// IDs given as URLs, from the inbox the URL names.
	Base string
	// CacheDir keeps downloaded threads; empty keeps none (CacheDir).
	CacheDir string
}

// CacheDir is $XDG_CACHE_HOME/ferrule/lore, else ~/.cache/ferrule/lore,
// else "" (no cache).
func CacheDir(getenv func(string) string) string {
	dir := getenv("XDG_CACHE_HOME")
	if dir == "" && getenv("HOME") != "" {
		dir = filepath.Join(getenv("HOME"), ".cache")
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "ferrule", "lore")
}

// IsURL reports whether an ID was given as a lore or patch.msgid.link URL.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// Resolve is the ID and inputs of show and am: with a Base, or when the ID
// is a URL and no input is given, the thread is downloaded (or taken from
// the cache) and becomes the input (a cached file, else stdin holding the
// mbox); else they are as given.
func (in *Inbox) Resolve(ctx context.Context, arg string, paths []string, stdin io.Reader) (id string, _ []string, _ io.Reader, err error) {
	if in.Base == "" && (len(paths) > 0 || !IsURL(arg)) {
		return ParseID(arg), paths, stdin, nil
	}
	if len(paths) > 0 {
		return "", nil, nil, fmt.Errorf("--from-inbox takes no INPUT (got %s)", paths[0])
	}
	th, err := lore.Fetch(ctx, arg, &lore.Options{Base: in.Base, CacheDir: in.CacheDir})
	if err != nil {
		return "", nil, nil, &RuntimeError{Err: err}
	}
	if th.Path != "" {
		return th.MessageID, []string{th.Path}, stdin, nil
	}
	r, err := th.Reader()
	if err != nil {
		return "", nil, nil, &RuntimeError{Err: err}
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return "", nil, nil, &RuntimeError{Err: fmt.Errorf("read %s: %w", th.URL, err)}
	}
	return th.MessageID, []string{"-"}, bytes.NewReader(b), nil
}

// Paths is Resolve for review's arguments: each one (with a Base) or each
// URL is a thread to fetch, replaced by its mbox.
func (in *Inbox) Paths(ctx context.Context, args []string, stdin io.Reader) ([]string, io.Reader, error) {
	var paths []string
	for _, a := range args {
		if in.Base == "" && !IsURL(a) {
			paths = append(paths, a)
			continue
		}
		_, p, r, err := in.Resolve(ctx, a, nil, stdin)
		if err != nil {
			return nil, nil, err
		}
		if p[0] == "-" && slices.Contains(paths, "-") {
			return nil, nil, fmt.Errorf("no cache directory (set XDG_CACHE_HOME or HOME) for a second thread")
		}
		paths, stdin = append(paths, p...), r
	}
	return paths, stdin, nil
}

// Replayable lets standard input be read twice (the series, then its raw
// messages) when "-" is among the paths.
func Replayable(stdin io.Reader, paths []string) (func() io.Reader, error) {
	if !slices.Contains(paths, "-") {
		return func() io.Reader { return stdin }, nil
	}
	b, err := io.ReadAll(stdin)
	if err != nil {
		return nil, fmt.Errorf("read stdin: %w", err)
	}
	return func() io.Reader { return bytes.NewReader(b) }, nil
}
