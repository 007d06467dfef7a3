// Package templates renders the mail ferrule writes: review reply drafts,
// "applied" thank-you replies and maintainer digests (text and HTML).
//
// A template is a set of header lines, a blank line, and a body (aerc's
// convention). The defaults are embedded from templates/default; a user
// directory overrides any of them by file name. Mail text uses
// text/template, the HTML digest html/template (every value escaped). A
// thanks template may instead use b4 ty's ${variable} syntax. Functions
// read well in pipelines (quote, wrap N, trimSignature, names, emails,
// dateFormat LAYOUT, join SEP, firstName); none runs a program.
//
// Load renders every template once with sample data, so a broken one fails
// at start-up with its file and line, not at send time. Threading headers
// (In-Reply-To, References) and addresses are set by the caller, not by
// templates. A Set is safe for concurrent use.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"
)

//go:embed default/*.tmpl
var defaults embed.FS

// Names of the templates ferrule needs.
const (
	Reply      = "reply"
	Thanks     = "thanks"
	DigestText = "digest.txt"
	DigestHTML = "digest.html"
)

var all = []string{Reply, Thanks, DigestText, DigestHTML}

// Set is a loaded, checked set of templates.
type Set struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
	b4   map[string]string // thanks templates in b4's ${var} syntax
	file map[string]string // where each came from, for errors
}

// Mail is a rendered template: header fields in order, then the body.
type Mail struct {
	Headers [][2]string
	Body    string
}

// Header returns the first value of a header field, or "".
func (m *Mail) Header(name string) string {
	for _, h := range m.Headers {
		if strings.EqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

// Load reads the defaults, overlays the templates found in userDir (may be
// ""), and renders each once with sample data.
func Load(userDir string) (*Set, error) {
	s := &Set{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}, b4: map[string]string{}, file: map[string]string{}}
	for _, name := range all {
		src, file, err := source(userDir, name)
		if err != nil {
			return nil, err
		}
		s.file[name] = file
		switch {
		case name == Thanks && strings.Contains(src, "${"):
			s.b4[name] = src
		case name == DigestHTML:
			t, err := htmltemplate.New(file).Funcs(htmltemplate.FuncMap(funcs)).Parse(src)
			if err != nil {
				return nil, fmt.Errorf("template %w", err)
			}
			s.html[name] = t
		default:
			t, err := texttemplate.New(file).Funcs(funcs).Option("missingkey=error").Parse(src)
			if err != nil {
				return nil, fmt.Errorf("template %w", err)
			}
			s.text[name] = t
		}
	}
	for name, data := range samples() {
		if _, err := s.Render(name, data); err != nil {
			return nil, fmt.Errorf("template %s does not render sample data: %w", s.file[name], err)
		}
	}
	return s, nil
}

func source(userDir, name string) (string, string, error) {
	if userDir != "" {
		p := filepath.Join(userDir, name)
		b, err := os.ReadFile(p)
		if err == nil {
			return string(b), p, nil
		}
		if !os.IsNotExist(err) {
			return "", "", fmt.Errorf("read template: %w", err)
		}
	}
	b, err := fs.ReadFile(defaults, "default/"+name+".tmpl")
	if err != nil {
		return "", "", fmt.Errorf("default template %s: %w", name, err)
	}
	return string(b), "templates/default/" + name + ".tmpl", nil
}

// Render executes a template and splits headers from body.
func (s *Set) Render(name string, data any) (*Mail, error) {
	var buf bytes.Buffer
	switch {
	case s.b4[name] != "":
		vars, ok := data.(B4Vars)
		if !ok {
			v, ok := data.(*ThanksData)
			if !ok {
				return nil, fmt.Errorf("%s: b4-style template needs ThanksData", s.file[name])
			}
			vars = v.B4Vars()
		}
		// b4 templates are all body: b4 sets every header itself.
		return &Mail{Body: substituteB4(s.b4[name], vars)}, nil
	case s.html[name] != nil:
		if err := s.html[name].Execute(&buf, data); err != nil {
			return nil, err
		}
	case s.text[name] != nil:
		if err := s.text[name].Execute(&buf, data); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("no template %q", name)
	}
	return split(buf.String())
}

// split parses "Key: value" lines up to the first blank line.
func split(out string) (*Mail, error) {
	m := &Mail{}
	head, body, ok := strings.Cut(out, "\n\n")
	if !ok {
		return nil, fmt.Errorf("no blank line between headers and body")
	}
	for _, line := range strings.Split(head, "\n") {
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("bad header line %q", line)
		}
		m.Headers = append(m.Headers, [2]string{k, strings.TrimSpace(v)})
	}
	m.Body = strings.TrimLeft(body, "\n")
	if !strings.HasSuffix(m.Body, "\n") {
		m.Body += "\n"
	}
	return m, nil
}
