package review

import (
	"regexp"
	"strings"

	"ferrule/mail"
)

// Trailer is one "Name: value" line such as Reviewed-by or Fixes.
type Trailer struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Extinfo is extra text b4 keeps with a trailer: a "[for the foo
	// bits]" line under it or an inline "# comment".
	Extinfo string `json:"extinfo,omitempty"`
	// Person is the parsed address of a person trailer (…-by, Cc).
	Person *mail.Address `json:"-"`
	// ByMessageID is the message that carried the trailer.
	ByMessageID string `json:"by_message_id"`
	// Verified is false for a person trailer given in a reply whose
	// address differs from the reply's sender (b4 refuses those without
	// --sloppy-trailers); such trailers are kept, flagged.
	Verified bool `json:"verified"`
	// Source says how the trailer reached the patch: "patch" (written in
	// it), "reply" (a follow-up to the patch), "cover" (a follow-up to the
	// cover letter, applying to every patch) or "carried" (from the
	// previous revision of an unchanged patch).
	Source string `json:"source"`
	seq    int
}

// IsPerson reports whether the trailer names a person (…-by, Cc).
func (t Trailer) IsPerson() bool { return t.Person != nil }

// String formats the trailer as it appears in a commit message.
func (t Trailer) String() string { return t.Name + ": " + t.Value }

// IsReview reports whether the trailer records human review or testing.
func (t Trailer) IsReview() bool {
	switch strings.ToLower(t.Name) {
	case "reviewed-by", "acked-by", "tested-by":
		return true
	}
	return false
}

var (
	personNameRe  = regexp.MustCompile(`(?i)^[a-z][a-z0-9-]*-by$`)
	fixesValueRe  = regexp.MustCompile(`^[0-9a-fA-F]{7,64}\b`)
	mailtoJunkRe  = regexp.MustCompile(`<mailto:[^<>]*>`)
	extinfoLineRe = regexp.MustCompile(`^\s*\[.*\]\s*$`)
)

// A trailer line is what the regexp trailerLineRe (in the tests, the
// reference the fuzz targets compare with) matches:
//
//	^\s*([A-Za-z][A-Za-z0-9-]*[A-Za-z])\s?:\s+(\S.*?)\s*$
//
// trailerName is the name trailerLineRe would read in line, without the
// regexp engine: ok is false when the line cannot match it (most lines of
// a message); trailerValue decides the others.
func trailerName(line string) (name string, ok bool) {
	const space = " \t\n\f\r" // RE2's \s
	s := strings.TrimLeft(line, space)
	n := 0
	for n < len(s) && (isASCIILetter(s[n]) || s[n] == '-' || s[n] >= '0' && s[n] <= '9') {
		n++
	}
	if n < 2 || !isASCIILetter(s[0]) || !isASCIILetter(s[n-1]) {
		return "", false
	}
	rest := s[n:]
	if rest != "" && strings.IndexByte(space, rest[0]) >= 0 {
		rest = rest[1:]
	}
	if len(rest) < 2 || rest[0] != ':' || strings.IndexByte(space, rest[1]) < 0 {
		return "", false
	}
	return s[:n], true
}

// trailerValue is the value trailerLineRe would read in line (its second
// group): ok is false when the line does not match it.
func trailerValue(line string) (value string, ok bool) {
	const space = " \t\n\f\r" // RE2's \s
	name, ok := trailerName(line)
	if !ok {
		return "", false
	}
	rest := strings.TrimLeft(line, space)[len(name):]
	rest = rest[strings.IndexByte(rest, ':')+1:] // trailerName saw it
	value = strings.TrimRight(strings.TrimLeft(rest, space), space)
	if value == "" || strings.IndexByte(value, '\n') >= 0 { // '.' stops at \n
		return "", false
	}
	return value, true
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func trailerKind(name string) (person, ok bool) {
	switch strings.ToLower(name) {
	case "cc":
		return true, true
	case "fixes", "link", "closes", "buglink":
		return false, true
	}
	return true, personNameRe.MatchString(name)
}

// ParseTrailers finds the trailers in text following b4's rules: quoted
// lines ("> …") are skipped, nothing after a signature separator ("-- ") is
// read, Fixes must start with a commit hash, person trailers wrapped onto a
// second line are joined, "[…]" lines and inline "# …" comments are kept as
// extinfo, and <mailto:…> junk from HTML mailers is removed.
func ParseTrailers(text string) []Trailer {
	var out []Trailer
	for lines := (lineCursor{rest: text}); ; {
		line, more := lines.next()
		if !more {
			break
		}
		line = strings.TrimRight(line, "\r")
		if line == "-- " || line == "--" {
			break
		}
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), ">") {
			continue
		}
		name, maybe := trailerName(line)
		if !maybe {
			continue
		}
		person, ok := trailerKind(name)
		if !ok {
			continue
		}
		value, ok := trailerValue(line)
		if !ok {
			continue
		}
		t := Trailer{Name: name, Value: value}
		if person {
			t.Value = strings.TrimSpace(mailtoJunkRe.ReplaceAllString(t.Value, ""))
			if next, ok := lines.peek(); ok && !strings.Contains(t.Value, "@") {
				next = strings.TrimSpace(next)
				if _, isTrailer := trailerValue(next); strings.Contains(next, "@") && !isTrailer {
					t.Value += " " + next
					lines.next()
				}
			}
			a, ok := mail.ParseAddress(t.Value)
			if !ok {
				continue
			}
			if strings.HasPrefix(t.Value, "<") && a.Name == "" {
				t.Value = a.Email
			}
			t.Person = &a
		} else {
			if strings.EqualFold(t.Name, "fixes") && !fixesValueRe.MatchString(t.Value) {
				continue
			}
			if j := strings.Index(t.Value, " #"); j > 0 {
				k := j
				for k > 0 && t.Value[k-1] == ' ' {
					k--
				}
				t.Extinfo = t.Value[k:]
				t.Value = t.Value[:k]
			}
		}
		if next, ok := lines.peek(); ok && extinfoLineRe.MatchString(next) {
			t.Extinfo = strings.TrimRight(next, "\r")
			lines.next()
		}
		// Clone: the parts are substrings of the whole message body, which
		// must not stay alive for one trailer.
		t.Name, t.Value, t.Extinfo = strings.Clone(t.Name), strings.Clone(t.Value), strings.Clone(t.Extinfo)
		if t.Person != nil {
			t.Person.Name, t.Person.Email = strings.Clone(t.Person.Name), strings.Clone(t.Person.Email)
		}
		out = append(out, t)
	}
	return out
}

// sameTrailer reports whether a and b are the same line, ignoring case
// (b4 keeps "Reviewed-by: A <x@y>" and "Reviewed-by: B <x@y>" both).
func sameTrailer(a, b Trailer) bool {
	return strings.EqualFold(a.Name, b.Name) && strings.EqualFold(a.Value, b.Value)
}

// lineCursor walks the lines of a text, as strings.Split(text, "\n")
// would give them (a final empty line included), without allocating them.
type lineCursor struct {
	rest string
	done bool
}

// next returns the next line; false after the last one.
func (c *lineCursor) next() (line string, ok bool) {
	if c.done {
		return "", false
	}
	if i := strings.IndexByte(c.rest, '\n'); i >= 0 {
		line, c.rest = c.rest[:i], c.rest[i+1:]
	} else {
		line, c.rest, c.done = c.rest, "", true
	}
	return line, true
}

// peek returns the next line without moving past it.
func (c *lineCursor) peek() (string, bool) {
	if c.done {
		return "", false
	}
	if i := strings.IndexByte(c.rest, '\n'); i >= 0 {
		return c.rest[:i], true
	}
	return c.rest, true
}
