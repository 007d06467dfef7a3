package maintainers

import (
	"strings"
	"sync"
)

// pathHit is a section whose F: or N: patterns cover one path.
type pathHit struct {
	section int
	depth   int    // as Match.Depth
	why     string // as Match.Why
}

// pathHits returns the sections covering file (not excluded by their X:
// patterns), in file order, each with its most specific pattern.
func (f *File) pathHits(file string) []pathHit {
	return f.paths.get(file, func() []pathHit {
		var out []pathHit
		for _, i := range f.sectionsFor(file) {
			s := f.Sections[i]
			if excluded(s, file) {
				continue
			}
			best, why := -2, ""
			for _, p := range s.files {
				if p.match(file) && p.depth > best {
					best, why = p.depth, "F: "+p.raw
				}
			}
			for j, re := range s.regexes {
				if best < 0 && containsAny(file, s.regexNeeds[j]) && re.MatchString(file) {
					best, why = 0, "N: "+s.Regexes[j]
				}
			}
			if best != -2 {
				out = append(out, pathHit{section: i, depth: best, why: why})
			}
		}
		return out
	})
}

func excluded(s *Section, file string) bool {
	for _, p := range s.excludes {
		if p.match(file) {
			return true
		}
	}
	return false
}

// keywordHit is a section one of whose K: regexes matches a line.
type keywordHit struct {
	section int
	keyword string // the first of its K: values that matches
}

// lineKeywords returns the sections with a K: match in line, in file
// order.
func (f *File) lineKeywords(line string) []keywordHit {
	return f.lines.get(line, func() []keywordHit {
		var out []keywordHit
		for _, i := range f.keywordSections() {
			s := f.Sections[i]
			for j, re := range s.keywords {
				if containsAny(line, s.keywordNeeds[j]) && re.MatchString(line) {
					out = append(out, keywordHit{section: i, keyword: s.Keywords[j]})
					break
				}
			}
		}
		return out
	})
}

// keywordSections returns the indexes of the sections with K: regexes:
// all of them for a File assembled by hand.
func (f *File) keywordSections() []int {
	if f.candidates != nil {
		return f.keyworded
	}
	return f.allSections()
}

// memoLimit bounds each memo: a daemon that runs for months sees new
// paths and subjects forever; at the limit the memo starts afresh.
const memoLimit = 1 << 15

// memo is a map from a string to a computed value, safe for concurrent
// use, emptied when it reaches memoLimit entries. Its zero value is
// ready.
type memo[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

func (c *memo[V]) get(key string, compute func() V) V {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return v
	}
	v = compute()
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]V{}
	}
	if len(c.m) >= memoLimit {
		clear(c.m) // a daemon's new paths and subjects get a place
	}
	c.m[strings.Clone(key)] = v
	c.mu.Unlock()
	return v
}
