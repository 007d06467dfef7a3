package am

import (
	"regexp"
	"strings"
)

// trailerish is a line git and b4 take for a trailer: "Token: value".
var trailerish = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*:[ \t]`)

// messageEnd returns the offset where the commit message of text ends: the
// first line that git mailinfo takes for the start of the patch ("---"
// alone or followed by white space or " filename", "diff -", "Index: "),
// or len(text).
func messageEnd(text string) int {
	for off := 0; off < len(text); {
		line := text[off:]
		next := len(text)
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
			next = off + i + 1
		}
		if patchBreak(strings.TrimRight(line, "\r")) {
			return off
		}
		off = next
	}
	return len(text)
}

func patchBreak(line string) bool {
	switch {
	case strings.HasPrefix(line, "diff -"), strings.HasPrefix(line, "Index: "):
		return true
	case strings.HasPrefix(line, "---"):
		rest := line[3:]
		if len(rest) > 1 && rest[0] == ' ' && rest[1] != ' ' && rest[1] != '\t' {
			return true // "--- a/file"
		}
		return strings.TrimSpace(rest) == ""
	}
	return false
}

// InsertTrailers adds lines (each one trailer, possibly followed by
// "\n"-separated extinfo lines) at the end of the commit message part of
// text: below the last trailer block when the message ends with one, else
// as a new paragraph, and above the first "---" line or diff. text may be
// a whole patch mail body or a commit message; what follows the message is
// kept byte for byte.
func InsertTrailers(text string, lines []string) string {
	if len(lines) == 0 {
		return text
	}
	end := messageEnd(text)
	head, tail := text[:end], text[end:]
	msg := strings.TrimRight(head, " \t\r\n")
	gap := head[len(msg):]
	if !strings.Contains(gap, "\n") {
		gap = "\n"
	}
	block := strings.Join(lines, "\n")
	var b strings.Builder
	b.Grow(len(text) + len(block) + 4)
	switch {
	case msg == "":
	case endsWithTrailers(msg):
		b.WriteString(msg)
		b.WriteString("\n")
	default:
		b.WriteString(msg)
		b.WriteString("\n\n")
	}
	b.WriteString(block)
	if tail == "" {
		b.WriteString("\n")
	} else {
		b.WriteString(gap)
	}
	b.WriteString(tail)
	return b.String()
}

// endsWithTrailers reports whether the last paragraph of msg is a trailer
// block: its first line is a trailer and every other line is a trailer,
// an indented continuation or a "[…]" note.
func endsWithTrailers(msg string) bool {
	para := msg
	if i := strings.LastIndex(msg, "\n\n"); i >= 0 {
		para = msg[i+2:]
	} else if strings.Count(msg, "\n") == 0 {
		// A single line is the subject-less body of a one-line message;
		// a lone trailer still counts.
		return trailerish.MatchString(msg)
	}
	lines := strings.Split(para, "\n")
	if !trailerish.MatchString(strings.TrimRight(lines[0], "\r")) {
		return false
	}
	for _, l := range lines[1:] {
		l = strings.TrimRight(l, "\r")
		t := strings.TrimSpace(l)
		if trailerish.MatchString(l) || l != t || strings.HasPrefix(t, "[") || t == "" {
			continue
		}
		return false
	}
	return true
}

// hasLine reports whether the commit message part of text holds line
// (compared without surrounding white space, ignoring case).
func hasLine(text, line string) bool {
	for _, l := range strings.Split(text[:messageEnd(text)], "\n") {
		if strings.EqualFold(strings.TrimSpace(l), line) {
			return true
		}
	}
	return false
}
