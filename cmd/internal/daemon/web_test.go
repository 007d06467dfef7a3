package daemon

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/cmd/internal/config"
	"ferrule/store"
)

// kernelTree writes a kernel tree whose MAINTAINERS has one section,
// title, for tree@example.org.
func kernelTree(t *testing.T, title string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "rust", "kernel"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"MAINTAINERS":         title + "\nM:\tTree Person <tree@example.org>\nS:\tMaintained\nF:\tdrivers/pwm/\n",
		"rust/kernel/lib.rs":  "//! kernel\n",
		"drivers/pwm/pwm-x.c": "int x;\n",
		"include/linux/pwm.h": "int pwm_x(void);\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestWebUsesKernelTree: the daemon's web view reads the kernel tree's
// MAINTAINERS when kernel_tree is set (as the review does), and a reload
// that changes kernel_tree changes the web view.
func TestWebUsesKernelTree(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ferrule.db")
	cfgPath := filepath.Join(dir, "ferrule.yaml")
	write := func(tree string) {
		text := "store: {path: " + dbPath + "}\n"
		if tree != "" {
			text += "kernel_tree: " + tree + "\n"
		}
		if err := os.WriteFile(cfgPath, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	write("")
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cfg, Options{ConfigPath: cfgPath, DB: db, Log: slog.New(slog.DiscardHandler), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	page := func() string {
		resp, err := srv.Client().Get(srv.URL + "/m/tree@example.org")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	steps := []struct {
		tree string
		want string
	}{
		{"", "MAINTAINERS names this address in no section"}, // the embedded MAINTAINERS
		{kernelTree(t, "TREE PWM SECTION"), "Sections: TREE PWM SECTION"},
		{kernelTree(t, "RELOADED PWM SECTION"), "Sections: RELOADED PWM SECTION"},
	}
	for i, s := range steps {
		if i > 0 {
			write(s.tree)
			d.reload(context.Background())
		}
		if p := page(); !strings.Contains(p, s.want) {
			t.Errorf("step %d (kernel_tree %q): the maintainer page lacks %q:\n%.1500s", i, s.tree, s.want, p)
		}
	}
	// The review uses the same MAINTAINERS.
	if _, s := d.current(); len(s.opts.Route.Maintainers.SectionsOf("tree@example.org")) != 1 {
		t.Error("the review's routing does not use the reloaded kernel tree's MAINTAINERS")
	}
}

// TestWebView: `ferrule serve`'s view reads the kernel tree of its config
// as the daemon's does, the embedded MAINTAINERS without one, and a
// kernel_tree that cannot be read is an error, not an empty view.
func TestWebView(t *testing.T) {
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "ferrule.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	page := func(cfg *config.Config) string {
		h, err := WebView(cfg, db, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/m/tree@example.org", nil))
		return rec.Body.String()
	}
	if p := page(nil); !strings.Contains(p, "MAINTAINERS names this address in no section") {
		t.Errorf("without a config: %.800s", p)
	}
	if p := page(&config.Config{KernelTree: kernelTree(t, "SERVED PWM SECTION")}); !strings.Contains(p, "Sections: SERVED PWM SECTION") {
		t.Errorf("with kernel_tree: %.800s", p)
	}
	if _, err := WebView(&config.Config{KernelTree: filepath.Join(t.TempDir(), "none")}, db, nil); err == nil {
		t.Error("a missing kernel_tree was accepted")
	}
}

// OpenStore lets one daemon hold a store: a second is refused, naming the
// lock, until the first closes it.
func TestOpenStoreLocks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ferrule.db")
	db, closeFirst, err := OpenStore(ctx, path)
	if err != nil || db == nil {
		t.Fatalf("first: %v", err)
	}
	if _, _, err := OpenStore(ctx, path); !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), store.LockPath(path)) {
		t.Errorf("second while the first holds it: %v", err)
	}
	closeFirst()
	_, closeAgain, err := OpenStore(ctx, path)
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	closeAgain()
}
