package diff

import (
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for path, want := range map[string]Class{
		"rust/kernel/pwm.rs":                       Abstraction,
		"rust/kernel/io/mem.rs":                    Abstraction,
		"rust/bindings/bindings_helper.h":          BindingsGlue,
		"rust/uapi/uapi_helper.h":                  BindingsGlue,
		"rust/bindgen_parameters":                  BindingsGlue,
		"rust/helpers/clk.c":                       Helper,
		"rust/macros/module.rs":                    RustInfra,
		"rust/pin-init/src/lib.rs":                 RustInfra,
		"rust/ffi.rs":                              RustInfra,
		"rust/Makefile":                            RustInfra,
		"scripts/generate_rust_analyzer.py":        RustInfra,
		"scripts/rustdoc_test_gen.rs":              RustInfra,
		".clippy.toml":                             RustInfra,
		"Documentation/rust/coding-guidelines.rst": RustInfra,
		"drivers/pwm/pwm_th1520.rs":                LeafRust,
		"samples/rust/rust_minimal.rs":             LeafRust,
		"include/linux/pwm.h":                      CHeader,
		"arch/x86/include/asm/smp.h":               CHeader,
		"drivers/base/base.h":                      CHeader,
		"drivers/android/binder/rust_binder.h":     CHeader,
		"drivers/pwm/core.c":                       CSource,
		"drivers/pwm/internal.h":                   CSource,
		"Documentation/devicetree/bindings/pwm/thead,th1520-pwm.yaml": Other,
		"MAINTAINERS": Other,
	} {
		if got := Classify(path); got != want {
			t.Errorf("Classify(%q) = %s, want %s", path, got, want)
		}
	}
}

func TestFind(t *testing.T) {
	check := func(in string, want int) {
		t.Helper()
		if got := Find(in); got != want {
			t.Errorf("Find(%q) = %d, want %d", in, got, want)
		}
	}
	check("msg\n---\n x | 1 +\n\ndiff --git a/x b/x\n", 18)
	check("diff --git a/x b/x\n", 0)
	check("text\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n", 5)
	check("text\nIndex: x\n===========\n", 5)
	check("no diff here\n--- not a file header\nbut close\n", -1)
	check("difficult and Different lines\n", -1)
	check("", -1)
}

const sample = `diff --git a/rust/kernel/pwm.rs b/rust/kernel/pwm.rs
index 1111111..2222222 100644
--- a/rust/kernel/pwm.rs
+++ b/rust/kernel/pwm.rs
@@ -10,6 +10,7 @@ impl Chip {
     fn a() {
         // SAFETY: the pointer is valid.
-        unsafe { old() }
+        unsafe { new() }
+        extra();
     }
 }
 
diff --git a/old.c b/new.c
similarity index 100%
rename from old.c
rename to new.c
diff --git a/img.png b/img.png
new file mode 100644
index 0000000..e69de29
Binary files /dev/null and b/img.png differ
`

func TestParse(t *testing.T) {
	p, err := Parse(sample)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 3 {
		t.Fatalf("files = %d, want 3", len(p.Files))
	}
	f := p.Files[0]
	if f.Path != "rust/kernel/pwm.rs" || f.Class != Abstraction || f.Added != 2 || f.Deleted != 1 {
		t.Errorf("file 0 = %+v", f)
	}
	h := f.Hunks[0]
	if h.Section != "impl Chip {" || h.NewStart != 10 || len(h.Lines) != 8 {
		t.Errorf("hunk = %+v", h)
	}
	// Post-image numbers count context and added lines.
	var added []int
	for _, l := range h.Lines {
		if l.Op == Add {
			added = append(added, l.New)
		}
		if l.Op == Delete && (l.Old != 12 || l.New != 0) {
			t.Errorf("deleted line numbers = old %d new %d, want 12, 0", l.Old, l.New)
		}
	}
	if len(added) != 2 || added[0] != 12 || added[1] != 13 {
		t.Errorf("added lines at %v, want [12 13]", added)
	}
	if r := p.Files[1]; !r.Rename || r.OldPath != "old.c" || r.Path != "new.c" {
		t.Errorf("rename = %+v", r)
	}
	if b := p.Files[2]; !b.Binary || !b.New {
		t.Errorf("binary = %+v", b)
	}
}

func TestPatchIDIgnoresLineNumbersAndWhitespace(t *testing.T) {
	a, err := Parse(sample)
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(sample, "@@ -10,6 +10,7 @@", "@@ -40,6 +42,7 @@", 1)
	moved = strings.Replace(moved, "+        extra();", "+\textra();", 1)
	b, err := Parse(moved)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := Parse(strings.Replace(sample, "new()", "newer()", 1))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID {
		t.Errorf("patch-id changed with line numbers/white space: %s vs %s", a.ID, b.ID)
	}
	if a.ID == changed.ID {
		t.Error("patch-id did not change with the content")
	}
}

func TestRestoreContext(t *testing.T) {
	// A mail client stripped the space of the empty and tab-led context
	// lines.
	mangled := "diff --git a/Makefile b/Makefile\n--- a/Makefile\n+++ b/Makefile\n@@ -1,4 +1,4 @@\n" +
		"\t$(CC) -c x.c\n\n-old\n+new\n \tdone\n"
	p, err := Parse(mangled)
	if err != nil {
		t.Fatalf("Parse(mangled) = %v", err)
	}
	if p.Repaired != 2 || p.Files[0].Added != 1 || p.Files[0].Deleted != 1 {
		t.Errorf("Repaired = %d, file = %+v", p.Repaired, p.Files[0])
	}
	if _, err := Parse("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,1 +1,1 @@\n a\n"); err == nil {
		t.Error("a hunk without changes parsed without error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
	f.Add("--- a/x\n+++ b/x\n@@@ -1,1 +1,1 @@@\n-a\n+b\n")
	f.Add("diff --git a/x b/x\nGIT binary patch\nliteral 5\nMcmZ?b\n\nliteral 0\nHcmV?d00001\n\n")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse(text)
		if err == nil && p == nil {
			t.Fatal("nil patch without error")
		}
		_ = Find(text)
		_, _ = restoreContext(text)
	})
}

func TestApply(t *testing.T) {
	pre := []byte("a\nb\nc\nd\n")
	p, err := Parse("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d\n")
	if err != nil {
		t.Fatal(err)
	}
	post, err := p.Files[0].Apply(pre)
	if err != nil || string(post) != "a\nB\nc\nd\n" {
		t.Errorf("Apply = %q, %v", post, err)
	}
	if _, err := p.Files[0].Apply([]byte("x\ny\nz\nw\n")); err == nil {
		t.Error("Apply on mismatched context succeeded")
	}
	p.Files[0].DropHunks()
	if _, err := p.Files[0].Apply(pre); err == nil {
		t.Error("Apply without hunks succeeded")
	}
}
