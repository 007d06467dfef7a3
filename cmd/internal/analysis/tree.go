package analysis

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"ferrule/review/maintainers"
	"ferrule/review/rustcheck"
)

// KernelTree is a kernel checkout on disk (review.Tree).
type KernelTree struct{ Root string }

// ReadFile reads a repository-relative path; paths leaving the tree are
// refused.
func (t KernelTree) ReadFile(p string) ([]byte, bool) {
	clean := path.Clean(p)
	if clean == ".." || strings.HasPrefix(clean, "../") || path.IsAbs(clean) {
		return nil, false
	}
	b, err := os.ReadFile(filepath.Join(t.Root, filepath.FromSlash(clean)))
	return b, err == nil
}

// LoadTree reads what the Rust checks and the routing need from a kernel
// checkout: the Rust sources, helpers, bindings helpers and MAINTAINERS.
func LoadTree(root string) (*rustcheck.Knowledge, *maintainers.File, error) {
	if fi, err := os.Stat(filepath.Join(root, "rust")); err != nil || !fi.IsDir() {
		return nil, nil, fmt.Errorf("%s: not a kernel tree with Rust support (no rust/ directory)", root)
	}
	k := rustcheck.NewKnowledge()
	err := filepath.WalkDir(filepath.Join(root, "rust"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(rel, ".rs"):
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			k.AddRustSource(rel, b)
		case strings.HasPrefix(rel, "rust/helpers/") && strings.HasSuffix(rel, ".c"):
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			k.AddHelperSource(rel, b)
		case rel == "rust/bindings/bindings_helper.h" || rel == "rust/uapi/uapi_helper.h":
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			k.AddBindingsHelper(rel, b)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read kernel tree: %w", err)
	}
	text, err := os.ReadFile(filepath.Join(root, "MAINTAINERS"))
	if err != nil {
		return nil, nil, fmt.Errorf("read kernel tree: %w", err)
	}
	m, _ := maintainers.Parse(string(text))
	if rst, err := os.ReadFile(filepath.Join(root, "Documentation", "rust", "arch-support.rst")); err == nil {
		k.Arches = rustcheck.ParseArchSupportRST(string(rst))
	} else {
		k.Arches = rustcheck.SnapshotArches()
	}
	return k, m, nil
}
