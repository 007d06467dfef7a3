package main

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestConfigExample: config.example.yaml decodes strictly and documents
// every field of Config (STYLE.md §3.4).
func TestConfigExample(t *testing.T) {
	b, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeConfig(b); err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	var walk func(typ reflect.Type)
	walk = func(typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			key := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(key) + `:`).Match(b) {
				t.Errorf("config.example.yaml does not document %q", key)
			}
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type)
			}
			if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
				walk(f.Type.Elem())
			}
		}
	}
	walk(reflect.TypeOf(Config{}))
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	check := func(content string, wantErr ...string) {
		t.Helper()
		_, err := loadConfig(write(content))
		if len(wantErr) == 0 && err != nil {
			t.Errorf("loadConfig(%q) = %v", content, err)
		}
		for _, w := range wantErr {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("loadConfig(%q) = %v, want it to mention %q", content, err, w)
			}
		}
	}
	check("")
	check("kernel_tree: " + kernelTreeDir + "\n")
	// Every unknown key is reported, with its line.
	check("kernel_tre: x\nrust:\n  leaf_alow: []\n", "line 1: field kernel_tre not found", "line 3: field leaf_alow not found")
	// Validation reports all problems with key paths.
	check("kernel_tree: /nonexistent\nrust:\n  leaf_allow: ['']\n", "kernel_tree: \"/nonexistent\" is not a directory", "rust.leaf_allow[0]: empty glob")
	// -c kernel_tree works like --tree.
	p := write("kernel_tree: " + kernelTreeDir + "\n")
	code, out, stderr := runCmd(t, "", "review", "-c", p, kernelPatches)
	if code != exitOK || !strings.Contains(out, "clk_get_rate changed and Rust uses it") {
		t.Errorf("review -c: exit %d, stderr %q; tree-mode finding missing", code, stderr)
	}
}
