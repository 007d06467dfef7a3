package rustcheck

import (
	"bufio"
	"embed"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"
)

// Knowledge is what the checker knows about a kernel tree: which C
// headers bindgen sees, which helpers exist, and (from a real tree) where
// Rust uses each C symbol. Without a tree, [Snapshot] gives the embedded
// defaults taken from a recent kernel.
type Knowledge struct {
	// Headers are repository paths of headers bindgen reads (from
	// bindings_helper.h, uapi_helper.h, rust/helpers includes and
	// srctree links in rust/kernel).
	Headers map[string]bool
	// HelperFiles are the files under rust/helpers/.
	HelperFiles map[string]bool
	// Helpers maps a C function or macro name to the helper file that
	// defines rust_helper_<name> (known from a tree only).
	Helpers map[string]string
	// RustUses maps a C symbol to where the Rust layer uses it: Rust
	// lines naming bindings::NAME, rust_helper_NAME or
	// RUST_CONST_HELPER_NAME, and helper files that define or call it.
	// From a tree each use has its line; the embedded snapshot
	// (rust-c-symbols.tsv) has files and counts.
	RustUses map[string][]Use
	// Arches are the architectures the kernel builds Rust for; code under
	// arch/<other>/ never reaches Rust. Empty means unknown (all count).
	Arches map[string]bool
	// HeaderLinks maps a rust/kernel file to the C headers its
	// srctree/include links name (known from a tree only).
	HeaderLinks map[string][]string
	// KernelFiles are the Rust files under rust/kernel/.
	KernelFiles []string
	// FromTree says whether the knowledge came from a real tree.
	// enums indexes RustUses by the constant ending a bindgen enum name
	// (dma_data_direction_DMA_BIDIRECTIONAL under DMA_BIDIRECTIONAL),
	// built on first use, once the knowledge is complete.
	enumsOnce sync.Once
	enums     map[string][]string
	FromTree  bool
}

// Use is one place where the Rust layer uses a C symbol.
type Use struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"` // 0 when known from the snapshot
	Text string `json:"text,omitempty"`
	// Kind is how the symbol is reached: UseBinding, UseHelper, … .
	Kind string `json:"kind"`
	// Count is the number of uses in File (snapshot rows), else 1.
	Count int `json:"count,omitempty"`
}

//go:embed snapshot/*.txt snapshot/*.tsv snapshot/MAINTAINERS
var snapshotFS embed.FS

var includeRe = regexp.MustCompile(`#include\s+[<"]([^>"]+)[>"]`)

// Snapshot returns the embedded knowledge (RULES.md's kernel snapshots;
// regenerate with `ferrule kernel-snapshot TREE`). It is read once and
// shared: callers must not modify it.
func Snapshot() *Knowledge { return snapshotOnce() }

var snapshotOnce = sync.OnceValue(func() *Knowledge {
	sub, err := fs.Sub(snapshotFS, "snapshot")
	if err != nil {
		return SnapshotFS(snapshotFS)
	}
	return SnapshotFS(sub)
})

// SnapshotFS reads snapshot files (as written by `ferrule kernel-snapshot`)
// from fsys.
func SnapshotFS(fsys fs.FS) *Knowledge {
	k := &Knowledge{Headers: map[string]bool{}, HelperFiles: map[string]bool{}, Helpers: map[string]string{},
		RustUses: map[string][]Use{}, HeaderLinks: map[string][]string{}}
	if b, err := fs.ReadFile(fsys, "bindings_helper-includes.txt"); err == nil {
		section := ""
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			t := sc.Text()
			if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") && !strings.Contains(t, "#include") {
				section = t
				continue
			}
			if m := includeRe.FindStringSubmatch(t); m != nil {
				k.Headers[headerPath(section, m[1])] = true
			}
		}
	}
	if b, err := fs.ReadFile(fsys, "rust-c-symbols.tsv"); err == nil {
		if uses, err := ParseSymbolTable(string(b)); err == nil {
			k.RustUses = uses
			k.indexHelpers()
		}
	}
	if b, err := fs.ReadFile(fsys, "rust-arch-support.txt"); err == nil {
		k.Arches = ParseArchSupport(string(b))
	}
	if b, err := fs.ReadFile(fsys, "rust-kernel-files.txt"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], "rust/kernel/") {
				k.KernelFiles = append(k.KernelFiles, f[0])
			}
		}
	}
	if b, err := fs.ReadFile(fsys, "rust-helpers-files.txt"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], "rust/helpers/") {
				k.HelperFiles[f[0]] = true
			}
		}
	}
	return k
}

// headerPath turns an #include of bindings_helper.h or uapi_helper.h into
// a repository path.
func headerPath(section, inc string) string {
	switch {
	case strings.HasPrefix(inc, "../../"):
		return path.Clean(strings.TrimPrefix(inc, "../../"))
	case strings.Contains(section, "uapi"):
		return "include/uapi/" + inc
	}
	return "include/" + inc
}

// SnapshotArches returns the architectures of the embedded snapshot (for
// a tree without Documentation/rust/arch-support.rst).
func SnapshotArches() map[string]bool {
	b, _ := snapshotFS.ReadFile("snapshot/rust-arch-support.txt")
	return ParseArchSupport(string(b))
}

// MaintainersSnapshot returns the embedded MAINTAINERS: a complete recent
// copy of the kernel's file (regenerate with `ferrule kernel-snapshot`).
func MaintainersSnapshot() string {
	b, _ := snapshotFS.ReadFile("snapshot/MAINTAINERS")
	return string(b)
}

// indexHelpers fills Helpers (C name → helper file) from the helper rows
// of RustUses.
func (k *Knowledge) indexHelpers() {
	for name, us := range k.RustUses {
		for _, u := range us {
			if u.Kind == UseHelper {
				k.Helpers[name] = u.File
			}
		}
	}
}

// NewKnowledge returns empty tree knowledge, to be filled with the Add
// methods from a kernel checkout.
func NewKnowledge() *Knowledge {
	return &Knowledge{Headers: map[string]bool{}, HelperFiles: map[string]bool{}, Helpers: map[string]string{},
		RustUses: map[string][]Use{}, HeaderLinks: map[string][]string{}, FromTree: true}
}

var (
	bindingsNameRe = regexp.MustCompile(`\bbindings::(\w+)`)
	helperNameRe   = regexp.MustCompile(`\brust_helper_(\w+)\s*\(`)
	srctreeLinkRe  = regexp.MustCompile(`srctree/((?:include|arch)/[\w./-]+\.h)`)
)

// AddRustSource indexes one .rs file under rust/ (or a driver): every
// bindings::NAME, rust_helper_NAME and RUST_CONST_HELPER_NAME use, and the
// srctree/include links of abstractions.
func (k *Knowledge) AddRustSource(path string, content []byte) {
	if strings.HasPrefix(path, "rust/kernel/") {
		k.KernelFiles = append(k.KernelFiles, path)
	}
	for i, l := range strings.Split(string(content), "\n") {
		for _, re := range []*regexp.Regexp{bindingsNameRe, helperNameRe, constHelperRe} {
			for _, m := range re.FindAllStringSubmatch(l, -1) {
				k.RustUses[m[1]] = append(k.RustUses[m[1]], Use{File: path, Line: i + 1, Text: strings.TrimSpace(l), Kind: UseBinding, Count: 1})
			}
		}
		for _, m := range srctreeLinkRe.FindAllStringSubmatch(l, -1) {
			k.Headers[m[1]] = true
			if !containsStr(k.HeaderLinks[path], m[1]) {
				k.HeaderLinks[path] = append(k.HeaderLinks[path], m[1])
			}
		}
	}
}

// AddHelperSource indexes a rust/helpers/*.c file: its rust_helper_NAME
// definitions and the headers it includes.
func (k *Knowledge) AddHelperSource(path string, content []byte) {
	k.HelperFiles[path] = true
	k.addHelperCalls(path, string(content))
	for _, l := range strings.Split(string(content), "\n") {
		if m := helperNameRe.FindStringSubmatch(l); m != nil && !strings.HasSuffix(strings.TrimSpace(l), ";") {
			k.Helpers[m[1]] = path
		}
		if m := includeRe.FindStringSubmatch(l); m != nil && !strings.HasSuffix(m[1], ".c") {
			k.Headers["include/"+m[1]] = true
		}
	}
}

// AddBindingsHelper indexes rust/bindings/bindings_helper.h or
// rust/uapi/uapi_helper.h.
func (k *Knowledge) AddBindingsHelper(path string, content []byte) {
	section := "[bindings_helper.h]"
	if strings.Contains(path, "uapi") {
		section = "[uapi_helper.h]"
	}
	for _, l := range strings.Split(string(content), "\n") {
		if m := includeRe.FindStringSubmatch(l); m != nil {
			k.Headers[headerPath(section, m[1])] = true
		}
	}
}

// WrappedHeaders returns the C headers an abstraction or helper file
// wraps: its srctree links (from a tree), else the header of the same name
// that bindgen reads (rust/kernel/clk.rs and rust/helpers/clk.c wrap
// include/linux/clk.h).
func (k *Knowledge) WrappedHeaders(file string) []string {
	if links := k.HeaderLinks[file]; len(links) > 0 {
		return links
	}
	base := path.Base(file)
	if base == "mod.rs" {
		base = path.Base(path.Dir(file))
	}
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".rs"), ".c")
	var out []string
	for _, h := range []string{"include/linux/" + base + ".h", "include/linux/" + strings.ReplaceAll(base, "_", "-") + ".h"} {
		if k.Headers[h] && !containsStr(out, h) {
			out = append(out, h)
		}
	}
	return out
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
