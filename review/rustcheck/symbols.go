package rustcheck

import (
	"bufio"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// How Rust reaches a C symbol (the KIND column of rust-c-symbols.tsv).
const (
	// UseBinding: bindings::NAME in a Rust file.
	UseBinding = "binding"
	// UseIndirect: NAME reached through a macro or a glob import.
	UseIndirect = "binding-indirect"
	// UseHelper: rust/helpers/FILE defines rust_helper_NAME (Rust calls
	// it as bindings::NAME).
	UseHelper = "helper"
	// UseHelperCall: a helper body in FILE calls NAME (a C function or
	// macro the helper wraps).
	UseHelperCall = "helper-calls"
	// UseConstHelper: RUST_CONST_HELPER_NAME in bindings_helper.h.
	UseConstHelper = "const-helper"
)

// ParseSymbolTable reads rust-c-symbols.tsv (NAME, KIND, FILE, COUNT;
// `#` lines are comments) into uses keyed by C name. Rows of unknown
// kinds (nova-core's firmware bindings) are skipped: they are not kernel
// C. A malformed row is an error naming its line.
func ParseSymbolTable(text string) (map[string][]Use, error) {
	out := map[string][]Use{}
	sc := bufio.NewScanner(strings.NewReader(text))
	n := 0
	for sc.Scan() {
		n++
		t := sc.Text()
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("rust-c-symbols.tsv:%d: want 4 tab-separated fields, have %d", n, len(f))
		}
		count, err := strconv.Atoi(f[3])
		if err != nil {
			return nil, fmt.Errorf("rust-c-symbols.tsv:%d: count: %w", n, err)
		}
		switch f[1] {
		case UseBinding, UseIndirect, UseHelper, UseHelperCall, UseConstHelper:
			out[f[0]] = append(out[f[0]], Use{File: f[2], Kind: f[1], Count: count})
		}
	}
	return out, sc.Err()
}

// SymbolTable renders uses as rust-c-symbols.tsv rows (without the
// comment header), sorted by name, kind and file; kernel-snapshot writes
// it from a tree.
func SymbolTable(uses map[string][]Use) string {
	type row struct {
		name, kind, file string
		count            int
	}
	agg := map[[3]string]int{}
	for name, us := range uses {
		for _, u := range us {
			kind := u.Kind
			if kind == "" {
				kind = UseBinding
			}
			c := u.Count
			if c == 0 {
				c = 1
			}
			agg[[3]string{name, kind, u.File}] += c
		}
	}
	rows := make([]row, 0, len(agg))
	for k, c := range agg {
		rows = append(rows, row{k[0], k[1], k[2], c})
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return a.file < b.file
	})
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%d\n", r.name, r.kind, r.file, r.count)
	}
	return b.String()
}

// ParseArchSupport reads rust-arch-support.txt: the architectures the
// kernel builds Rust for, one per line (first field; `#` comments).
func ParseArchSupport(text string) map[string]bool {
	out := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		if f := strings.Fields(l); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			out[f[0]] = true
		}
	}
	return out
}

// ParseArchSupportRST reads the table of a tree's
// Documentation/rust/arch-support.rst (rows start with “arch“).
func ParseArchSupportRST(text string) map[string]bool {
	out := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(l, "``"); ok {
			if name, _, ok := strings.Cut(rest, "``"); ok && name != "" {
				out[name] = true
			}
		}
	}
	return out
}

// RustArch reports whether Rust code can see a file: anything outside
// arch/, or under arch/NAME/ for an architecture the kernel builds Rust
// for. Without an architecture list every file counts.
func (k *Knowledge) RustArch(file string) bool {
	rest, ok := strings.CutPrefix(file, "arch/")
	if !ok || len(k.Arches) == 0 {
		return true
	}
	name, _, _ := strings.Cut(rest, "/")
	return k.Arches[name]
}

// Impact is how Rust reaches one C symbol.
type Impact struct {
	Symbol string
	// Users are the Rust files that use the symbol, directly or through
	// the helper that wraps it, sorted.
	Users []string
	// Helpers are the rust/helpers files that define rust_helper_SYMBOL
	// or call SYMBOL in a helper body, sorted.
	Helpers []string
	// Wrapped: a helper defines rust_helper_SYMBOL or calls it, so Rust
	// reaches an inline function or function-like macro of that name.
	Wrapped bool
	// Direct: a Rust file names the symbol itself (bindings::SYMBOL),
	// which works only for real (exported) functions, types and
	// constants, never for a static inline or a function-like macro.
	Direct bool
	// Unsafe: a Rust line using it is in an unsafe block or an Opaque
	// wrapper (known from a tree's lines only).
	Unsafe bool
	// where is each user as FILE:LINE (its first use) when lines are
	// known, else FILE.
	where map[string]string
}

// Where lists the helper files and the Rust users with the line of
// their first use when a tree gave it, for messages.
func (im *Impact) Where() []string {
	var out []string
	for _, f := range im.Files() {
		if w := im.where[f]; w != "" {
			f = w
		}
		out = append(out, f)
	}
	return out
}

// Files returns the helper files and the Rust users, for messages.
func (im *Impact) Files() []string {
	return append(append([]string{}, im.Helpers...), im.Users...)
}

// ImpactOf returns how Rust uses a C symbol, or nil when it does not. An
// upper-case enum constant also matches bindgen's ENUM_CONSTANT names.
func (k *Knowledge) ImpactOf(name string) *Impact {
	uses := k.RustUses[name]
	if enumLike(name) {
		for _, key := range k.enumKeys(name) {
			uses = append(uses, k.RustUses[key]...)
		}
	}
	if len(uses) == 0 {
		return nil
	}
	im := &Impact{Symbol: name, where: map[string]string{}}
	users, helpers := map[string]bool{}, map[string]bool{}
	for _, u := range uses {
		if u.Line > 0 {
			if _, ok := im.where[u.File]; !ok {
				im.where[u.File] = u.File + ":" + strconv.Itoa(u.Line)
			}
			im.Unsafe = im.Unsafe || strings.Contains(u.Text, "unsafe") || strings.Contains(u.Text, "Opaque<")
		}
		switch {
		case u.Kind == UseHelper || u.Kind == UseHelperCall:
			im.Wrapped = true
			helpers[u.File] = true
		case u.Kind == UseConstHelper:
			im.Direct = true
		case strings.HasSuffix(u.File, ".rs"):
			im.Direct = true
			users[u.File] = true
		}
	}
	im.Users, im.Helpers = sortedSet(users), sortedSet(helpers)
	return im
}

// mayImpact reports whether ImpactOf(name) is non-nil, without building
// the Impact.
func (k *Knowledge) mayImpact(name string) bool {
	if len(k.RustUses[name]) > 0 {
		return true
	}
	if !enumLike(name) {
		return false
	}
	for _, key := range k.enumKeys(name) {
		if len(k.RustUses[key]) > 0 {
			return true
		}
	}
	return false
}

// enumLike reports whether name, a C identifier (ASCII), may be an enum
// constant whose bindgen names (enumKeys) Rust uses: upper case, longer
// than three, not an include guard.
func enumLike(name string) bool {
	return len(name) > 3 && !strings.HasSuffix(name, "_H") && strings.IndexFunc(name, unicode.IsLower) < 0
}

// enumKeys lists the indexed names bindgen would build for an enum
// constant (<enum>_<CONSTANT>), from an index made once.
func (k *Knowledge) enumKeys(constant string) []string {
	k.enumsOnce.Do(func() {
		k.enums = map[string][]string{}
		for key := range k.RustUses {
			for i := strings.IndexByte(key, '_'); i >= 0 && i+1 < len(key); {
				if suffix := key[i+1:]; strings.ToUpper(suffix) == suffix && len(suffix) > 3 {
					k.enums[suffix] = append(k.enums[suffix], key)
				}
				j := strings.IndexByte(key[i+1:], '_')
				if j < 0 {
					break
				}
				i += j + 1
			}
		}
		for c := range k.enums {
			sort.Strings(k.enums[c])
		}
	})
	return k.enums[constant]
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// describeFiles lists at most three files, then "and N more".
func describeFiles(files []string) string {
	if len(files) > 3 {
		return strings.Join(files[:3], ", ") + fmt.Sprintf(" and %d more", len(files)-3)
	}
	switch len(files) {
	case 0:
		return ""
	case 1:
		return files[0]
	}
	return strings.Join(files[:len(files)-1], ", ") + " and " + files[len(files)-1]
}

var cCallRe = regexp.MustCompile(`\b([A-Za-z_]\w*)\s*\(`)

// helperCalls returns, for each rust_helper_NAME defined in a helper
// file, the identifiers its body calls (the C it wraps).
func helperCalls(content string) map[string][]string {
	out := map[string][]string{}
	cur, depth := "", 0
	for _, l := range strings.Split(content, "\n") {
		if depth == 0 {
			if m := helperNameRe.FindStringSubmatch(l); m != nil && !strings.HasSuffix(strings.TrimSpace(l), ";") {
				cur = m[1]
			}
		}
		if cur != "" && depth > 0 {
			for _, m := range cCallRe.FindAllStringSubmatch(l, -1) {
				if !cKeywords[m[1]] && !cTypeWords[m[1]] && !containsStr(out[cur], m[1]) {
					out[cur] = append(out[cur], m[1])
				}
			}
		}
		depth += strings.Count(l, "{") - strings.Count(l, "}")
		if depth <= 0 {
			depth = 0
			if strings.Contains(l, "}") {
				cur = ""
			}
		}
	}
	return out
}

var cTypeWords = map[string]bool{"typeof": true, "__typeof__": true, "unsigned": true, "int": true, "long": true,
	"void": true, "char": true, "bool": true, "struct": true, "union": true, "enum": true, "const": true}

// addHelperCalls indexes the helper bodies of one rust/helpers file.
func (k *Knowledge) addHelperCalls(file, content string) {
	for helper, calls := range helperCalls(content) {
		k.RustUses[helper] = append(k.RustUses[helper], Use{File: file, Kind: UseHelper, Count: 1})
		for _, c := range calls {
			k.RustUses[c] = append(k.RustUses[c], Use{File: file, Kind: UseHelperCall, Count: 1})
		}
	}
}
