package analysis

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ferrule/review/maintainers"
	"ferrule/review/rustcheck"
)

// TreeHomes finds in a kernel checkout the file that defines each C
// symbol the Rust layer uses, among the files of sections (their literal
// F: patterns: files and directories) and paths, headers before sources:
// the exact homes of the wrapper map under --tree.
func TreeHomes(root string, k *rustcheck.Knowledge, sections []*maintainers.Section, paths []string) map[string]string {
	var roots []string
	for _, s := range sections {
		for _, f := range s.Files {
			if !strings.ContainsAny(f, "*?[") {
				roots = append(roots, strings.TrimSuffix(f, "/"))
			}
		}
	}
	roots = append(roots, paths...)
	var headers, sources []string
	for _, r := range roots {
		_ = filepath.WalkDir(filepath.Join(root, filepath.FromSlash(r)), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			switch {
			case strings.HasSuffix(rel, ".h"):
				headers = append(headers, rel)
			case strings.HasSuffix(rel, ".c"):
				sources = append(sources, rel)
			}
			return nil
		})
	}
	sort.Strings(headers)
	sort.Strings(sources)
	homes := map[string]string{}
	for _, f := range append(headers, sources...) {
		if b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f))); err == nil {
			k.AddCDefinitions(homes, f, b)
		}
	}
	return homes
}

// Wrappers is the wrapper map of a maintainer and paths: from a kernel
// tree (its MAINTAINERS, Rust sources and the files defining each symbol)
// when tree is set, else from the embedded knowledge. An address that no
// MAINTAINERS section names is an error.
func Wrappers(tree, maintainer string, paths []string) (*rustcheck.WrapperMap, error) {
	o := rustcheck.WrapperOptions{Maintainer: maintainer, Paths: paths}
	k, m, err := Knowledge(tree)
	if err != nil {
		return nil, err
	}
	if tree != "" {
		o.Homes = TreeHomes(tree, k, m.SectionsOf(maintainer), paths)
	}
	if maintainer != "" && len(m.SectionsOf(maintainer)) == 0 {
		return nil, fmt.Errorf("MAINTAINERS names no section for %s", maintainer)
	}
	return k.Wrappers(m, o), nil
}
