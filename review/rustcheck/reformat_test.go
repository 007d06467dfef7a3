package rustcheck

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/diff"
)

// newUnsafe counts the findings that say a function gained unsafe.
func newUnsafe(fs []review.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Rule == "unsafe-block-added" && f.Severity != review.Info {
			n++
		}
	}
	return n
}

func has(fs []review.Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// TestNewUnsafeCountedPerFunction: an unsafe block is new only when its
// function has more unsafe than before; reformatting adds none.
func TestNewUnsafeCountedPerFunction(t *testing.T) {
	const abs = "rust/kernel/pwm.rs"
	for _, c := range []struct {
		name      string
		patch     string
		newUnsafe int
		info      bool // an info finding for a rewritten block
	}{
		{"multi-line block folded onto one line", hunk(abs, 250, "unsafe fn serialize_wfhw(", `
         // SAFETY: The caller guarantees ~wfhw_ptr~ is valid for ~size~ bytes.
-        unsafe {
-            core::ptr::copy_nonoverlapping(src, wfhw_ptr.cast::<u8>(), size);
-        }
+        unsafe { core::ptr::copy_nonoverlapping(src, wfhw_ptr.cast::<u8>(), size) };
         Ok(())`), 0, false},
		{"folded block next to a new line", hunk(abs, 250, "unsafe fn serialize_wfhw(", `
         // SAFETY: The caller guarantees ~wfhw_ptr~ is valid for ~size~ bytes.
-        unsafe {
-            core::ptr::copy_nonoverlapping(src, wfhw_ptr.cast::<u8>(), size);
-        }
+        unsafe { core::ptr::copy_nonoverlapping(src, wfhw_ptr.cast::<u8>(), size) };
+        let _ = 1;
         Ok(())`), 0, false},
		{"let folded into the call", hunk(abs, 129, "pub fn set_waveform(&self, wf: &Waveform, exact: bool) -> Result {", `
         // SAFETY: ~self.as_raw()~ provides a valid ~*mut pwm_device~ pointer.
-        let ret = unsafe { bindings::pwm_set_waveform_might_sleep(self.as_raw(), &c_wf, exact) };
-        to_result(ret)
+        to_result(unsafe { bindings::pwm_set_waveform_might_sleep(self.as_raw(), &c_wf, exact) })
     }`), 0, true},
		{"a second block in the function is new", hunk(abs, 607, "pub fn new<'a>(", `
         // SAFETY: We construct the ~T~ object in-place in the allocated private memory.
-        unsafe { data.__pinned_init(drvdata_ptr.cast())? };
+        unsafe { data.__pinned_init(drvdata_ptr.cast()) }.inspect_err(|_| {
+            // SAFETY: ~c_chip_ptr~ comes from ~pwmchip_alloc()~ and is not used after this.
+            unsafe { bindings::pwmchip_put(c_chip_ptr) }
+        })?;
 `), 1, true},
		{"a block added to a new function is new", hunk(abs, 120, "impl Chip {", `
     }
+    /// Returns the default period.
+    pub fn period_ns(&self) -> u64 {
+        // SAFETY: ~self.as_raw()~ is valid for the lifetime of ~self~.
+        unsafe { bindings::pwm_chip_period_ns(self.as_raw()) }
+    }
 }`), 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := run(t, c.patch)
			if n := newUnsafe(got); n != c.newUnsafe {
				t.Errorf("new unsafe = %d, want %d:\n%s", n, c.newUnsafe, dump(got))
			}
			info := false
			for _, f := range got {
				info = info || f.Rule == "unsafe-block-changed"
			}
			if info != c.info {
				t.Errorf("rewritten-block info finding = %v, want %v:\n%s", info, c.info, dump(got))
			}
		})
	}
}

// TestReformatOnly: hunks that only reformat or move code give no
// findings about their lines, and a moved pub mod is no new abstraction.
func TestReformatOnly(t *testing.T) {
	lib := hunk("rust/kernel/lib.rs", 121, "", `
 pub mod ptr;
+#[cfg(CONFIG_RUST_PWM_ABSTRACTIONS)]
+pub mod pwm;
 pub mod rbtree;
`) + strings.SplitN(hunk("rust/kernel/lib.rs", 131, "", `
 mod static_assert;
-#[cfg(CONFIG_RUST_PWM_ABSTRACTIONS)]
-pub mod pwm;
 #[doc(hidden)]
`), "\n", 4)[3]
	pwm := hunk("rust/kernel/pwm.rs", 250, "fn write(", `
         let p = self.as_raw();
-        let v = unsafe { (*p).field.cast::<u32>().read() };
+        let v =
+            unsafe { (*p).field.cast::<u32>().read() };
         Ok(v)`)
	for name, patch := range map[string]string{"moved pub mod": lib, "split line": pwm} {
		got := run(t, patch)
		for _, f := range got {
			if f.Rule != "abstraction-changed" {
				t.Errorf("%s: %s reported on a reformat: %s", name, f.Rule, f.Message)
			}
		}
	}
	// A real change next to a reformat is still seen.
	got := run(t, hunk("rust/kernel/pwm.rs", 250, "fn write(", `
         let p = self.as_raw();
-        let v = unsafe { (*p).field.cast::<u32>().read() };
+        let v = unsafe { (*p).other.cast::<u32>().read() };
         Ok(v)`))
	if !has(got, "raw-pointer-ops") {
		t.Errorf("a changed line next to nothing else is not a reformat:\n%s", dump(got))
	}
}

// TestArchiveReformats: the two reformatting patches on linux-pwm add no
// new unsafe and no new abstraction.
func TestArchiveReformats(t *testing.T) {
	if testing.Short() {
		t.Skip("whole-archive test skipped in -short mode")
	}
	r, stop := mailtest.OpenArchive(t)
	defer stop()
	want := map[string]bool{
		"[PATCH] pwm: fix Rust formatting":                                          false,
		"[PATCH v2 2/2] rust: pwm: Simplify to_result call sites and unsafe blocks": false,
	}
	src := mail.NewMboxReader(r, "linux-pwm.mbox", nil)
	ctx := context.Background()
	for {
		raw, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(raw.Bytes, []byte("formatting")) && !bytes.Contains(raw.Bytes, []byte("Simplify to_result")) {
			continue
		}
		m, err := mail.Parse(raw)
		if err != nil {
			continue
		}
		if _, ok := want[m.Subject]; !ok {
			continue
		}
		want[m.Subject] = true
		start := diff.Find(m.Text)
		if start < 0 {
			t.Fatalf("%s: no diff", m.Subject)
		}
		p, err := diff.Parse(m.Text[start:])
		if err != nil {
			t.Fatal(err)
		}
		got := New(nil).Check(&review.CheckInput{Files: p.Files})
		if n := newUnsafe(got); n != 0 || has(got, "new-abstraction-added") {
			t.Errorf("%s: %d new unsafe blocks, new abstraction %v:\n%s", m.Subject, n, has(got, "new-abstraction-added"), dump(got))
		}
	}
	for s, seen := range want {
		if !seen {
			t.Errorf("%q not found in the archive", s)
		}
	}
}
