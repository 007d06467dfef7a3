package rustcheck

import (
	"bufio"
	"embed"
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
	k := &Knowledge{Headers: map[string]bool{}, HelperFiles: map[string]bool{}, Helpers: map[string]string{}, RustUses: map[string][]Use{}}
	if b, err := snapshotFS.ReadFile("snapshot/bindings_helper-includes.txt"); err == nil {
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
	if b, err := snapshotFS.ReadFile("snapshot/rust-helpers-files.txt"); err == nil {
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
