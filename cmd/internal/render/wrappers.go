package render

import (
	"encoding/json"
	"io"
	"strings"

	"ferrule/review/rustcheck"
)

// Wrappers prints a C maintainer's wrapper map: per home file, the
// symbols Rust uses, how (bindings, helper) and from where; then the Rust
// files that use them or that the maintainer's sections cover.
func Wrappers(w io.Writer, wm *rustcheck.WrapperMap) error {
	ew := newErrWriter(w)
	var from []string
	if wm.Maintainer != "" {
		from = append(from, "what "+wm.Maintainer+" maintains")
	}
	from = append(from, wm.Paths...)
	ew.printf("Rust uses %s from %s", plural(len(wm.Symbols), "C symbol", "C symbols"), strings.Join(from, " and "))
	if len(wm.Sections) > 0 {
		ew.printf(" (%s)", strings.Join(wm.Sections, ", "))
	}
	ew.printf("\n")
	if wm.ByName {
		ew.printf("(homes matched by name, as kernel symbols are named after their subsystem; --tree finds the defining files)\n")
	}
	home := ""
	for _, s := range wm.Symbols {
		if s.Home != home {
			home = s.Home
			ew.printf("\n%s\n", home)
		}
		via := strings.Join(s.Via, "+")
		where := strings.Join(s.Users, ", ")
		if len(s.Helpers) > 0 {
			where = strings.Join(s.Helpers, ", ") + " → " + where
		}
		ew.printf("  %-36s %-15s %s\n", s.Symbol, via, strings.TrimSuffix(where, " → "))
	}
	if len(wm.RustFiles) > 0 {
		ew.printf("\nRust files to co-maintain:\n")
		for _, f := range wm.RustFiles {
			ew.printf("  %-36s %s\n", f.Path, strings.Join(f.Why, "; "))
		}
	}
	return ew.done()
}

// WrappersJSON is the wrapper map as indented JSON.
func WrappersJSON(w io.Writer, wm *rustcheck.WrapperMap) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(wm)
}
