package diff

import (
	"path"
	"strings"
)

// Class is the layer a path belongs to in the kernel's Rust architecture
// (RULES.md §2.1).
type Class string

// Path classes.
const (
	Abstraction  Class = "abstraction"   // rust/kernel/**: the kernel crate
	BindingsGlue Class = "bindings-glue" // rust/bindings/**, rust/uapi/**: what C Rust sees
	Helper       Class = "helper"        // rust/helpers/**: C wrappers for inline functions and macros
	RustInfra    Class = "rust-infra"    // macros, pin-init, build and lint configuration, docs
	LeafRust     Class = "leaf-rust"     // any other .rs: drivers, samples, fs, net
	CHeader      Class = "c-header"      // include/**.h, arch/*/include/**.h and headers bindgen reads
	CSource      Class = "c-source"      // other C sources and headers
	Other        Class = "other"         // everything else
)

// bindgenRelativeHeaders are headers outside include/ that
// rust/bindings/bindings_helper.h includes by relative path.
var bindgenRelativeHeaders = map[string]bool{
	"drivers/base/base.h": true,
}

// Classify returns p's class. p is a repository-relative path with '/'
// separators, as in a git diff.
func Classify(p string) Class {
	p = strings.TrimPrefix(p, "./")
	ext := path.Ext(p)
	switch {
	case strings.HasPrefix(p, "rust/kernel/"):
		return Abstraction
	case strings.HasPrefix(p, "rust/bindings/"), strings.HasPrefix(p, "rust/uapi/"),
		p == "rust/bindgen_parameters":
		return BindingsGlue
	case strings.HasPrefix(p, "rust/helpers/"):
		return Helper
	case isRustInfra(p):
		return RustInfra
	case ext == ".rs":
		return LeafRust
	case ext == ".h" && (strings.HasPrefix(p, "include/") ||
		(strings.HasPrefix(p, "arch/") && strings.Contains(p, "/include/")) ||
		bindgenRelativeHeaders[p] ||
		(strings.HasPrefix(p, "drivers/android/binder/") && strings.HasPrefix(path.Base(p), "rust_binder"))):
		return CHeader
	case ext == ".c" || ext == ".h":
		return CSource
	}
	return Other
}

func isRustInfra(p string) bool {
	switch {
	case strings.HasPrefix(p, "rust/macros/"), strings.HasPrefix(p, "rust/pin-init/"),
		strings.HasPrefix(p, "Documentation/rust/"):
		return true
	case p == "rust/Makefile", p == ".clippy.toml", p == ".rustfmt.toml",
		p == "scripts/generate_rust_analyzer.py":
		return true
	case strings.HasPrefix(p, "rust/") && !strings.Contains(p[len("rust/"):], "/"):
		// rust/ffi.rs, rust/build_error.rs, rust/compiler_builtins.rs, …
		return true
	case strings.HasPrefix(p, "scripts/") && strings.Contains(path.Base(p), "rust"):
		return true
	}
	return false
}

// Rust reports whether c is a Rust-side class (including the C helpers and
// bindings glue, which exist only for Rust).
func (c Class) Rust() bool {
	switch c {
	case Abstraction, BindingsGlue, Helper, RustInfra, LeafRust:
		return true
	}
	return false
}
