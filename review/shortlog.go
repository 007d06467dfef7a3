package review

import "strings"

// ShortlogEntry is one commit a pull request lists in its shortlog
// (git request-pull's "Author (N):" heading and the commit subjects
// indented under it).
type ShortlogEntry struct {
	Author string // the commit author's name, as the heading gives it
	Title  string // the commit subject
}

// maxShortlog bounds the entries read from one pull request (a merge
// window's pull lists a few hundred; a hostile one gets no further).
const maxShortlog = 5000

// parseShortlog reads the shortlog of a pull request body: a heading
// "Name (N):" followed by subject lines indented by six spaces, groups
// separated by blank lines. Other text is skipped; a heading without
// indented lines under it adds nothing.
func parseShortlog(body string) []ShortlogEntry {
	var out []ShortlogEntry
	author := ""
	c := lineCursor{rest: body}
	for line, ok := c.next(); ok && len(out) < maxShortlog; line, ok = c.next() {
		line = strings.TrimRight(line, " \t\r")
		switch {
		case author != "" && strings.HasPrefix(line, "      ") && strings.TrimSpace(line) != "":
			out = append(out, ShortlogEntry{Author: author, Title: strings.Clone(strings.TrimSpace(line))})
		default:
			author = shortlogAuthor(line)
		}
	}
	return out
}

// shortlogAuthor returns the name of a "Name (N):" heading, or "".
func shortlogAuthor(line string) string {
	if !strings.HasSuffix(line, "):") || line == "" || line[0] == ' ' || line[0] == '\t' {
		return ""
	}
	open := strings.LastIndex(line, " (")
	if open <= 0 {
		return ""
	}
	n := line[open+2 : len(line)-2]
	if n == "" || len(n) > 6 || strings.Trim(n, "0123456789") != "" {
		return ""
	}
	return strings.Clone(line[:open])
}
