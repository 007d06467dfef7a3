// Package maintainers reads the kernel's MAINTAINERS file and says who is
// responsible for a set of paths, the way scripts/get_maintainer.pl does
// (RULES.md §5): F: and X: globs with the trailing-slash and same-depth
// rules, N: path regexes, K: content keywords, sections ordered most
// specific first, and M:/R:/L: turned into roles.
//
// It does not run the git fallback (it needs history) and does not apply
// .mailmap. Parsing is lenient: lines that are neither tags nor section
// titles (the file's preamble, comment lines starting with '#' or '=') are
// skipped, and a pattern Go's regexp cannot compile is reported and
// ignored. The package is pure, does no I/O, and its types are safe for
// concurrent reads once built.
package maintainers

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Section is one MAINTAINERS entry.
type Section struct {
	Title    string
	Status   string   // S:
	Maintain []string // M: "Name <address>"
	Review   []string // R:
	Lists    []string // L: with any "(moderated …)" suffix
	Files    []string // F:
	Excludes []string // X:
	Regexes  []string // N:
	Keywords []string // K:
	Trees    []string // T:

	files, excludes []*pattern
	regexes         []*regexp.Regexp
	keywords        []*regexp.Regexp
	// regexNeeds and keywordNeeds hold, per N: and K: regex, strings
	// one of which every match contains (nil when unknown): a cheap test
	// before the regex.
	regexNeeds, keywordNeeds [][]need
}

// pattern is a compiled F: or X: glob.
type pattern struct {
	raw string
	// compile returns the regex of a pattern with wildcards, compiled on
	// first use (most patterns of a 30,000-line file are never tried
	// with a wildcard); nil for a literal, which is a prefix match.
	compile func() *regexp.Regexp
	// pieces are the literal runs between a wildcard pattern's '*' and
	// '?': a path without one of them cannot match, and a substring
	// search is cheaper than the regex.
	pieces []string
	dir    bool // ends in '/': prefix match
	slashN int
	depth  int
	any    bool // contains "**": any depth
}

// File is a parsed MAINTAINERS file.
type File struct {
	Sections []*Section

	// candidates indexes the sections by the directory part of each F:
	// pattern's literal prefix (everything before its first wildcard, up
	// to and including the last '/'): a pattern can only match a path
	// that starts with that directory, so ForPaths tries the sections
	// under the path's ancestors ("", "drivers/", "drivers/pwm/") and
	// not the whole file. Sections with N: regexes sit under "". Built
	// by Parse; nil for a File assembled by hand, which is searched
	// whole.
	candidates map[string][]int
	// keyworded lists the sections with K: regexes, in file order (a
	// few hundred of the thousands); built by Parse with candidates.
	keyworded []int
	// paths and lines remember what pathHits and lineKeywords found:
	// a list's series touch the same files again and again.
	paths memo[[]pathHit]
	lines memo[[]keywordHit]
}

// splitTag splits "X:<space>value" into {line, "X", "value"}, or
// returns nil for other lines (section titles).
func splitTag(line string) []string {
	if len(line) < 2 || line[1] != ':' || line[0] < 'A' || line[0] > 'Z' {
		return nil
	}
	return []string{line, line[:1], strings.TrimLeft(line[2:], " \t")}
}

// Parse reads MAINTAINERS text. It returns the sections it could parse and
// an error per pattern it had to ignore.
func Parse(text string) (*File, []error) {
	f := &File{}
	var errs []error
	var cur *Section
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			cur = nil
			continue
		}
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "=") || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		m := splitTag(line)
		if m == nil {
			cur = &Section{Title: strings.TrimSpace(line)}
			f.Sections = append(f.Sections, cur)
			continue
		}
		if cur == nil {
			continue // a tag in the preamble
		}
		v := strings.TrimSpace(m[2])
		switch m[1] {
		case "M":
			cur.Maintain = append(cur.Maintain, v)
		case "R":
			cur.Review = append(cur.Review, v)
		case "L":
			cur.Lists = append(cur.Lists, v)
		case "S":
			cur.Status = v
		case "T":
			cur.Trees = append(cur.Trees, v)
		case "F", "X":
			p := compileGlob(v)
			if m[1] == "F" {
				cur.Files, cur.files = append(cur.Files, v), append(cur.files, p)
			} else {
				cur.Excludes, cur.excludes = append(cur.Excludes, v), append(cur.excludes, p)
			}
		case "N", "K":
			re, err := regexp.Compile(perlToGo(v))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %s: %w", cur.Title, m[1], v, err))
				continue
			}
			if m[1] == "N" {
				cur.Regexes, cur.regexes = append(cur.Regexes, v), append(cur.regexes, re)
				cur.regexNeeds = append(cur.regexNeeds, needs(re))
			} else {
				cur.Keywords, cur.keywords = append(cur.Keywords, v), append(cur.keywords, re)
				cur.keywordNeeds = append(cur.keywordNeeds, needs(re))
			}
		}
	}
	f.index()
	return f, errs
}

// index builds f.candidates and f.keyworded.
func (f *File) index() {
	f.candidates = map[string][]int{}
	add := func(dir string, i int) {
		if l := f.candidates[dir]; len(l) == 0 || l[len(l)-1] != i {
			f.candidates[dir] = append(l, i)
		}
	}
	for i, s := range f.Sections {
		for _, p := range s.files {
			lit := p.raw
			if j := strings.IndexAny(lit, "*?"); j >= 0 {
				lit = lit[:j]
			}
			add(lit[:strings.LastIndexByte(lit, '/')+1], i)
		}
		if len(s.regexes) > 0 {
			add("", i)
		}
		if len(s.keywords) > 0 {
			f.keyworded = append(f.keyworded, i)
		}
	}
}

// allSections returns the indexes of every section.
func (f *File) allSections() []int {
	all := make([]int, len(f.Sections))
	for i := range all {
		all[i] = i
	}
	return all
}

// sectionsFor returns the indexes of the sections that may cover file, in
// file order.
func (f *File) sectionsFor(file string) []int {
	if f.candidates == nil {
		return f.allSections()
	}
	out := f.candidates[""]
	owned := false
	for i := 0; i < len(file); i++ {
		if file[i] != '/' {
			continue
		}
		if l := f.candidates[file[:i+1]]; len(l) > 0 {
			if !owned {
				out, owned = append([]int(nil), out...), true
			}
			out = append(out, l...)
		}
	}
	if owned {
		sort.Ints(out)
		out = slices.Compact(out)
	}
	return out
}

// compileGlob turns an F:/X: value into get_maintainer.pl's regex:
// '.' literal, '*' any run, '?' one character.
func compileGlob(v string) *pattern {
	p := &pattern{raw: v, dir: strings.HasSuffix(v, "/"), slashN: strings.Count(v, "/"), any: strings.Contains(v, "**")}
	p.depth = p.slashN
	if !p.dir {
		p.depth++
	}
	if strings.HasPrefix(v, "*") {
		p.depth = -1
	}
	if !strings.ContainsAny(v, "*?") {
		return p // a literal: a prefix match, no regex needed
	}
	p.compile = sync.OnceValue(func() *regexp.Regexp { return globRegexp(v) })
	p.pieces = strings.FieldsFunc(v, func(r rune) bool { return r == '*' || r == '?' })
	return p
}

// globRegexp is get_maintainer.pl's translation of a glob.
func globRegexp(v string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range v {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return regexp.MustCompile(b.String())
}

// perlToGo accepts the Perl extended-regex spellings MAINTAINERS uses
// that Go's RE2 spells differently.
func perlToGo(v string) string {
	return strings.ReplaceAll(v, `\Q`, "")
}

func (p *pattern) match(file string) bool {
	if p.compile == nil {
		if !strings.HasPrefix(file, p.raw) {
			return false
		}
	} else {
		for _, piece := range p.pieces {
			if !strings.Contains(file, piece) {
				return false
			}
		}
		if !p.compile().MatchString(file) {
			return false
		}
	}
	return p.dir || p.any || strings.Count(file, "/") == p.slashN
}

// Match is a section that covers some of the paths, and why.
type Match struct {
	Section *Section
	// Depth orders matches: the number of '/' in the best F: pattern
	// (plus one unless it ends in '/'), 0 for N: and K: matches.
	Depth int
	// Why names what matched: "F: rust/kernel/alloc/", "N: …", "K: …".
	Why   string
	Files []string // the paths it covers (none for keyword matches)
}

// ForPaths returns the sections covering paths, most specific first, and
// then those whose K: keywords match the patch lines (patchLines may be
// nil). Lines before the first "---"/"+++" are all tested; after it, only
// "+"/"-" lines, as get_maintainer.pl does.
func (f *File) ForPaths(paths []string, patchLines []string) []Match {
	byTitle := map[*Section]*Match{}
	var order []*Section
	for _, file := range paths {
		file = strings.TrimPrefix(file, "./")
		for _, h := range f.pathHits(file) {
			s := f.Sections[h.section]
			m := byTitle[s]
			if m == nil {
				m = &Match{Section: s, Depth: h.depth, Why: h.why}
				byTitle[s] = m
				order = append(order, s)
			} else if h.depth > m.Depth {
				m.Depth, m.Why = h.depth, h.why
			}
			m.Files = append(m.Files, file)
		}
	}
	if len(patchLines) > 0 {
		// get_maintainer.pl: each section's first keyword (in K: order)
		// on the first line that has one.
		first := map[int]string{}
		inDiff := false
		for _, l := range patchLines {
			if strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ ") {
				inDiff = true
			}
			if inDiff && !(strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-")) {
				continue
			}
			for _, h := range f.lineKeywords(l) {
				if _, ok := first[h.section]; !ok {
					first[h.section] = h.keyword
				}
			}
		}
		for _, i := range f.keywordSections() { // in file order
			s := f.Sections[i]
			if kw, ok := first[i]; ok && byTitle[s] == nil {
				byTitle[s] = &Match{Section: s, Depth: 0, Why: "K: " + kw}
				order = append(order, s)
			}
		}
	}
	out := make([]Match, 0, len(order))
	for _, s := range order {
		out = append(out, *byTitle[s])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Depth > out[j].Depth })
	return out
}

// Recipient is one person or list to tell, with get_maintainer.pl's role.
type Recipient struct {
	Name    string `json:"name,omitempty"`
	Email   string `json:"email"`
	Role    string `json:"role"` // "maintainer:RUST", "reviewer:RUST [ALLOC]", "open list:RUST", …
	Section string `json:"section"`
}

// Recipients lists who the matches reach, in match order, each address
// once.
func Recipients(matches []Match) []Recipient {
	var out []Recipient
	seen := map[string]bool{}
	add := func(v, role string, s *Section) {
		name, email := splitAddress(v)
		key := strings.ToLower(email)
		if email == "" || seen[key] || penguinChiefs[key] {
			return
		}
		seen[key] = true
		out = append(out, Recipient{Name: name, Email: email, Role: role + ":" + s.Title, Section: s.Title})
	}
	for _, m := range matches {
		s := m.Section
		for _, v := range s.Maintain {
			add(v, maintainerRole(s.Status), s)
		}
		for _, v := range s.Review {
			add(v, "reviewer", s)
		}
		for _, v := range s.Lists {
			lower := strings.ToLower(v)
			switch {
			case strings.Contains(lower, "subscribers-only"):
				continue
			case strings.Contains(lower, "moderated"):
				add(v, "moderated list", s)
			default:
				add(v, "open list", s)
			}
		}
	}
	return out
}

// penguinChiefs are left out as get_maintainer.pl does by default
// (--git-chief-penguins off): THE REST names Linus Torvalds for every
// file, which routes nothing.
var penguinChiefs = map[string]bool{"torvalds@linux-foundation.org": true, "akpm@linux-foundation.org": true}

func maintainerRole(status string) string {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "supported":
		return "supporter"
	case "odd fixes":
		return "odd fixer"
	case "orphan":
		return "orphan minder"
	case "obsolete":
		return "obsolete minder"
	}
	return "maintainer"
}

// splitAddress splits "Name <addr>" or a bare address (list lines may end
// in a comment: "list@x (moderated for non-subscribers)").
func splitAddress(v string) (name, email string) {
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return strings.Trim(strings.TrimSpace(v[:i]), `"`), v[i+1 : i+j]
		}
	}
	if f := strings.Fields(v); len(f) > 0 {
		return "", f[0]
	}
	return "", ""
}

// Covers reports whether the section's F: or N: patterns take file and
// no X: pattern excludes it.
func (s *Section) Covers(file string) bool {
	if excluded(s, file) {
		return false
	}
	for _, p := range s.files {
		if p.match(file) {
			return true
		}
	}
	for _, re := range s.regexes {
		if re.MatchString(file) {
			return true
		}
	}
	return false
}

// SectionsOf returns the sections that name email as a maintainer (M:)
// or reviewer (R:), in file order.
func (f *File) SectionsOf(email string) []*Section {
	var out []*Section
	for _, s := range f.Sections {
		for _, v := range append(append([]string{}, s.Maintain...), s.Review...) {
			if _, e := splitAddress(v); strings.EqualFold(e, email) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}
