package rustcheck

import (
	"path"
	"sort"
	"strconv"
	"strings"

	"ferrule/review/maintainers"
)

// WrapperMap is what a C maintainer asks of the Rust layer ("a clear
// picture of this wrapper overhead"): which of the C symbols in the files
// they own Rust uses, from which Rust files and how, and which Rust files
// are theirs to co-maintain.
type WrapperMap struct {
	// Maintainer is the address asked about ("" when PATHS were given).
	Maintainer string `json:"maintainer,omitempty"`
	// Paths are the C files or directories asked about.
	Paths []string `json:"paths,omitempty"`
	// Sections are the MAINTAINERS sections that name the maintainer.
	Sections []string `json:"sections,omitempty"`
	// ByName says that the symbols' home files were matched by name
	// (kernel naming: pwmchip_alloc belongs to pwm) because no tree was
	// given; with a tree they are the files that define them.
	ByName  bool      `json:"by_name"`
	Symbols []Wrapped `json:"symbols"`
	// RustFiles are the Rust and helper files that use those symbols or
	// that the maintainer's sections cover.
	RustFiles []RustFile `json:"rust_files"`
}

// Wrapped is one C symbol the Rust layer uses.
type Wrapped struct {
	Symbol string `json:"symbol"`
	// Home is the C file (or the owned F: pattern, matched by name) the
	// symbol belongs to.
	Home string `json:"home"`
	// Via is "bindings" (Rust calls bindings::NAME directly) and/or
	// "helper" (a rust/helpers function wraps it).
	Via     []string `json:"via"`
	Helpers []string `json:"helpers,omitempty"`
	Users   []string `json:"users"`
}

// RustFile is a Rust-side file related to the maintainer's C files.
type RustFile struct {
	Path string `json:"path"`
	// Why: "uses N of your symbols", "in SECTION".
	Why []string `json:"why"`
}

// WrapperOptions selects what Wrappers maps.
type WrapperOptions struct {
	// Maintainer maps the files of every section naming this address.
	Maintainer string
	// Paths map these C files or directories (repository-relative; a
	// trailing "/" is optional) instead of, or besides, a maintainer's.
	Paths []string
	// Homes, when set (kernel tree mode), gives the file defining each C
	// symbol; without it symbols are matched to owned files by name.
	Homes map[string]string
	// RustFiles lists the Rust files of the tree (rust/kernel, drivers),
	// to find those the maintainer's sections cover; nil uses the
	// snapshot's list.
	RustFiles []string
}

// Wrappers builds the wrapper map of a maintainer or of paths.
func (k *Knowledge) Wrappers(m *maintainers.File, o WrapperOptions) *WrapperMap {
	wm := &WrapperMap{Maintainer: o.Maintainer, Paths: o.Paths, ByName: o.Homes == nil, Symbols: []Wrapped{}, RustFiles: []RustFile{}}
	var owned []*maintainers.Section
	if o.Maintainer != "" && m != nil {
		owned = m.SectionsOf(o.Maintainer)
		for _, s := range owned {
			wm.Sections = append(wm.Sections, s.Title)
		}
	}
	var paths []string
	for _, p := range o.Paths {
		paths = append(paths, strings.TrimSuffix(p, "/"))
	}
	covers := func(file string) bool {
		for _, p := range paths {
			if file == p || strings.HasPrefix(file, p+"/") {
				return true
			}
		}
		for _, s := range owned {
			if s.Covers(file) {
				return true
			}
		}
		return false
	}
	var byName []nameHome
	if o.Homes == nil {
		for _, s := range owned {
			for _, f := range s.Files {
				byName = appendNameHome(byName, f)
			}
		}
		for _, p := range o.Paths {
			byName = appendNameHome(byName, p)
		}
		// Symbols are declared in headers: on a tie a header wins.
		sort.SliceStable(byName, func(i, j int) bool {
			return strings.HasSuffix(byName[i].home, ".h") && !strings.HasSuffix(byName[j].home, ".h")
		})
	}

	rustWhy := map[string][]string{}
	uses := map[string]int{}
	for name := range k.RustUses {
		im := k.ImpactOf(name)
		if im == nil || len(im.Users)+len(im.Helpers) == 0 {
			continue
		}
		home := ""
		if o.Homes != nil {
			if h := o.Homes[name]; h != "" && covers(h) {
				home = h
			}
		} else {
			home = homeByName(byName, name)
		}
		if home == "" {
			continue
		}
		w := Wrapped{Symbol: name, Home: home, Helpers: im.Helpers, Users: im.Users}
		if im.Direct {
			w.Via = append(w.Via, "bindings")
		}
		if im.Wrapped {
			w.Via = append(w.Via, "helper")
		}
		wm.Symbols = append(wm.Symbols, w)
		for _, f := range im.Files() {
			uses[f]++
		}
	}
	sort.Slice(wm.Symbols, func(i, j int) bool {
		a, b := wm.Symbols[i], wm.Symbols[j]
		if a.Home != b.Home {
			return a.Home < b.Home
		}
		return strings.TrimLeft(a.Symbol, "_") < strings.TrimLeft(b.Symbol, "_")
	})
	for f, n := range uses {
		rustWhy[f] = append(rustWhy[f], usesYours(n))
	}
	base := o.RustFiles
	if base == nil {
		base = k.KernelFiles
	}
	// a new slice: base may be the shared knowledge's
	rustFiles := append([]string{}, base...)
	for f := range k.HelperFiles {
		rustFiles = append(rustFiles, f)
	}
	for _, f := range rustFiles {
		for _, s := range owned {
			if s.Covers(f) && !containsStr(rustWhy[f], "in "+s.Title) {
				rustWhy[f] = append(rustWhy[f], "in "+s.Title)
			}
		}
	}
	for f, why := range rustWhy {
		wm.RustFiles = append(wm.RustFiles, RustFile{Path: f, Why: why})
	}
	sort.Slice(wm.RustFiles, func(i, j int) bool { return wm.RustFiles[i].Path < wm.RustFiles[j].Path })
	return wm
}

func usesYours(n int) string {
	if n == 1 {
		return "uses 1 of your symbols"
	}
	return "uses " + strconv.Itoa(n) + " of your symbols"
}

// nameHome is an owned C file or directory and the name its symbols carry
// by kernel convention (drivers/pwm/ and include/linux/pwm.h: pwm).
type nameHome struct {
	name, home string
}

// Words that name no subsystem: directories every path goes through.
var genericDirs = map[string]bool{"linux": true, "include": true, "drivers": true, "asm": true, "uapi": true,
	"asm-generic": true, "kernel": true, "lib": true, "arch": true, "dt-bindings": true, "soc": true,
	"misc": true, "core": true, "common": true, "platform": true, "net": true, "fs": true}

func appendNameHome(list []nameHome, pattern string) []nameHome {
	p := strings.TrimSuffix(pattern, "/")
	if strings.ContainsAny(p, "*?[") || p == "" {
		return list
	}
	for _, skip := range []string{"Documentation/", "tools/", "rust/", "scripts/", "samples/"} {
		if strings.HasPrefix(p+"/", skip) {
			return list
		}
	}
	ext := path.Ext(p)
	if ext != "" && ext != ".h" && ext != ".c" {
		return list
	}
	name := strings.TrimSuffix(path.Base(p), ext)
	name = strings.ReplaceAll(name, "-", "_")
	if len(name) < 2 || genericDirs[name] {
		return list
	}
	return append(list, nameHome{name, pattern})
}

// homeByName returns the owned home whose name the symbol carries as its
// first or last "_"-separated words (case-insensitive; pwm_ops,
// put_device), or, for names of three letters or more, as the start of
// its first word (pwmchip_alloc: pwm). A name in the middle
// (PHY_RST_AFTER_CLK_EN) is not the symbol's subsystem. The longest name
// wins.
func homeByName(list []nameHome, symbol string) string {
	words := strings.Split(strings.ToLower(strings.Trim(symbol, "_")), "_")
	best, home := 0, ""
	for _, nh := range list {
		parts := strings.Split(nh.name, "_")
		for _, i := range []int{0, len(words) - len(parts)} {
			if i < 0 {
				continue
			}
			ok := true
			for j, p := range parts {
				w := words[i+j]
				last := j == len(parts)-1
				if w != p && !(last && len(p) >= 3 && strings.HasPrefix(w, p)) {
					ok = false
					break
				}
			}
			if ok && len(nh.name) > best {
				best, home = len(nh.name), nh.home
			}
		}
	}
	return home
}

// AddCDefinitions records in homes the file that defines each symbol of
// the Rust layer found in a C source or header: a function definition or
// prototype, a type, a macro, an enum constant or an export. The first
// definition seen wins, so callers pass headers before sources.
func (k *Knowledge) AddCDefinitions(homes map[string]string, file string, content []byte) {
	for _, l := range strings.Split(string(content), "\n") {
		if l == "" {
			continue
		}
		var name string
		macro, _ := defineName(l)
		inline, isInline := inlineName(l)
		typ, isType := typeDefName(l)
		switch {
		case exportNameRe.MatchString(l):
			name = exportNameRe.FindStringSubmatch(l)[1]
		case macro != "":
			name = macro
		case isInline:
			name = inline
		case isType:
			name = typ
		case l[0] != ' ' && l[0] != '\t' && l[0] != '#' && !strings.HasPrefix(l, "static ") && cProtoRe.MatchString(l):
			name = cProtoRe.FindStringSubmatch(l)[1]
		case cEnumConstRe.MatchString(l):
			name = cEnumConstRe.FindStringSubmatch(l)[1]
		}
		if name == "" || homes[name] != "" {
			continue
		}
		if _, used := k.RustUses[name]; used {
			homes[name] = file
		}
	}
}
