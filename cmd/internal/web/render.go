package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

var funcs = template.FuncMap{
	"score": func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"join":  strings.Join,
	"add":   func(a, b int) int { return a + b },
}

// pages are the page templates, each with the shared layout.
var pages = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range []string{"queue", "series", "maintainer"} {
		out[name] = template.Must(template.New("layout.html").Funcs(funcs).
			ParseFS(templateFS, "templates/layout.html", "templates/rows.html", "templates/"+name+".html"))
	}
	return out
}()

// layoutData is what the layout sees: the page title and the page's model.
type layoutData struct {
	Title string
	Page  any
}

func (h *handler) html(name, title string, model any) (*response, error) {
	var b bytes.Buffer
	if err := pages[name].Execute(&b, layoutData{Title: title, Page: model}); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return &response{contentType: "text/html; charset=utf-8", body: b.Bytes()}, nil
}
