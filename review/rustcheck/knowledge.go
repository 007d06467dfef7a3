package rustcheck

import (
	"bufio"
	"embed"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
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
	// RustUses maps a C symbol to the Rust lines that use it as
	// bindings::NAME, rust_helper_NAME or RUST_CONST_HELPER_NAME (known
	// from a tree only).
	RustUses map[string][]Use
	// HeaderLinks maps a rust/kernel file to the C headers its
	// srctree/include links name (known from a tree only).
	HeaderLinks map[string][]string
	// FromTree says whether the knowledge came from a real tree.
	FromTree bool
}

// Use is one Rust line that uses a C symbol.
type Use struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Text string `json:"text"`
}

//go:embed snapshot/*.txt
var snapshotFS embed.FS

var includeRe = regexp.MustCompile(`#include\s+[<"]([^>"]+)[>"]`)

// Snapshot returns the embedded knowledge (RULES.md's kernel snapshots;
// regenerate with `ferrule kernel-snapshot TREE`).
func Snapshot() *Knowledge {
	sub, err := fs.Sub(snapshotFS, "snapshot")
	if err != nil {
		return SnapshotFS(snapshotFS)
	}
	return SnapshotFS(sub)
}

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

// MaintainersSnapshot returns the embedded MAINTAINERS excerpt: the RUST
// stanzas and the C stanzas that own Rust files.
func MaintainersSnapshot() string {
	b, _ := snapshotFS.ReadFile("snapshot/maintainers-rust-stanzas.txt")
	return string(b)
}

// helperFileFor guesses the helper file that wraps a header's inline
// functions: rust/helpers/<base>.c for include/…/<base>.h.
func (k *Knowledge) helperFileFor(header string) string {
	base := strings.TrimSuffix(path.Base(header), ".h")
	f := "rust/helpers/" + base + ".c"
	if k.HelperFiles[f] {
		return f
	}
	return ""
}

// sortedUses returns uses ordered by file and line.
func sortedUses(us []Use) []Use {
	out := append([]Use{}, us...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
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
	for i, l := range strings.Split(string(content), "\n") {
		for _, re := range []*regexp.Regexp{bindingsNameRe, helperNameRe, constHelperRe} {
			for _, m := range re.FindAllStringSubmatch(l, -1) {
				k.RustUses[m[1]] = append(k.RustUses[m[1]], Use{File: path, Line: i + 1, Text: strings.TrimSpace(l)})
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
