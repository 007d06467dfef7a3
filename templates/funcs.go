package templates

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"ferrule/mail"
)

// funcs are the template functions. The piped value comes last, so they
// read well in pipelines: {{.Body | trimSignature | quote}}.
var funcs = map[string]any{
	"quote":         quote,
	"wrap":          wrap,
	"trimSignature": trimSignature,
	"names":         names,
	"emails":        emails,
	"dateFormat":    dateFormat,
	"join":          join,
	"firstName":     firstName,
	"plural":        plural,
}

// plural is "1 thing" or "n things": {{plural "change" "changes" .N}}.
func plural(one, many string, n int) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// quote prefixes every line with "> " (">" for empty lines).
func quote(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = ">"
		} else {
			lines[i] = "> " + l
		}
	}
	return strings.Join(lines, "\n")
}

// wrap fills paragraphs to width columns; quoted and indented lines are
// kept as they are.
func wrap(width int, s string) string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if strings.HasPrefix(para, ">") || strings.HasPrefix(para, " ") || len(para) <= width {
			out = append(out, para)
			continue
		}
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				out = append(out, line)
				line = w
				continue
			}
			if line == "" {
				line = w
			} else {
				line += " " + w
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

var sigRe = regexp.MustCompile(`(?m)^-- ?$`)

// trimSignature cuts a body at its "-- " signature separator.
func trimSignature(s string) string {
	if loc := sigRe.FindStringIndex(s); loc != nil {
		return strings.TrimRight(s[:loc[0]], "\n") + "\n"
	}
	return s
}

// names lists the display names (or addresses) of addresses.
func names(as []mail.Address) string {
	var out []string
	for _, a := range as {
		out = append(out, a.DisplayName())
	}
	return strings.Join(out, ", ")
}

// emails lists the addresses.
func emails(as []mail.Address) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Email)
	}
	return strings.Join(out, ", ")
}

func dateFormat(layout string, t time.Time) string { return t.Format(layout) }

func join(sep string, list []string) string { return strings.Join(list, sep) }

// firstName is the first word of a display name ("Ada" of "Ada Example").
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return strings.Trim(f[0], `"',`)
	}
	return name
}
