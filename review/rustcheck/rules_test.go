package rustcheck

import (
	"fmt"
	"strings"
	"testing"

	"ferrule/review"
	"ferrule/review/diff"
)

// hunk builds a one-file diff from lines prefixed " ", "+" or "-", with a
// correct hunk header starting at line start of both images.
func hunk(path string, start int, section string, body string) string {
	// Bodies are Go raw strings, which cannot hold backticks: ~ stands
	// for one.
	body = strings.ReplaceAll(body, "~", "`")
	lines := strings.Split(strings.TrimPrefix(body, "\n"), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	old, new := 0, 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "+"):
			new++
		case strings.HasPrefix(l, "-"):
			old++
		default:
			old++
			new++
		}
	}
	oldStart := start
	if old == 0 {
		oldStart = 0
	}
	hdr := fmt.Sprintf("diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n@@ -%d,%d +%d,%d @@ %s\n", path, path, path, path, oldStart, old, start, new, section)
	if old == 0 {
		hdr = fmt.Sprintf("diff --git a/%s b/%s\nnew file mode 100644\n--- /dev/null\n+++ b/%s\n@@ -0,0 +1,%d @@\n", path, path, path, new)
	}
	return hdr + strings.Join(lines, "\n") + "\n"
}

func run(t *testing.T, patch string) []review.Finding {
	t.Helper()
	p, err := diff.Parse(patch)
	if err != nil {
		t.Fatalf("diff.Parse: %v\n%s", err, patch)
	}
	return New(nil).Check(&review.CheckInput{Files: p.Files})
}

// expect asserts that rule is (or, with line < 0, is not) reported; a
// positive line also pins the post-image line, conf the confidence.
type expect struct {
	rule string
	line int // 0: any line; -1: must not be reported; -N: not at line N
	conf review.Confidence
}

func TestRules(t *testing.T) {
	const (
		abs  = "rust/kernel/foo.rs"
		leaf = "drivers/foo/foo.rs"
	)
	cases := []struct {
		name  string
		patch string
		want  []expect
	}{
		// A. unsafe surface
		{"unsafe block with SAFETY", hunk(abs, 10, "impl Foo {", `
 fn a(&self) {
+    // SAFETY: ~self.ptr~ is valid for the lifetime of ~self~.
+    unsafe { bindings::foo(self.ptr) }
 }`), []expect{{"unsafe-block-added", 12, review.Certain}, {"safety-comment-missing", -1, ""}}},
		{"unsafe block without SAFETY", hunk(leaf, 10, "fn a() {", `
 fn a() {
+    let x = 1;
+    unsafe { f(x) }
 }`), []expect{{"unsafe-block-added", 12, ""}, {"safety-comment-missing", 12, review.Certain}}},
		{"SAFETY above the statement", hunk(abs, 10, "", `
 fn a() {
+    // SAFETY: The pointer comes from ~Box::into_raw~.
+    let b = Box::from_raw(
+        unsafe { p.cast() },
+    );
 }`), []expect{{"safety-comment-missing", -1, ""}}},
		{"SAFETY above attributes, blank lines skipped, lower case", hunk(abs, 10, "", `
 fn a() {
+    // safety: The caller holds the lock.
+
+    #[allow(clippy::foo)]
+    unsafe { g() };
 }`), []expect{{"safety-comment-missing", -1, ""}}},
		{"SAFETY in a block comment", hunk(abs, 10, "", `
 fn a() {
+    /* SAFETY: ~g~ has no preconditions. */
+    unsafe { g() };
 }`), []expect{{"safety-comment-missing", -1, ""}}},
		{"look-up runs off the hunk", hunk(abs, 40, "", `
+    unsafe { g() };
 }`), []expect{{"safety-comment-missing", 40, review.NeedsPostImage}}},
		{"look-up at the top of the file is definite", hunk(abs, 1, "", `
+unsafe impl Send for Foo {}
 `), []expect{{"safety-comment-missing", 1, review.Certain}, {"unsafe-impl-send-sync", 1, ""}}},
		{"existing block body changed", hunk(abs, 10, "", `
 // SAFETY: Fine.
 unsafe {
-    f(1);
+    f(2);
 }`), []expect{{"unsafe-block-changed", 12, ""}, {"unsafe-block-added", -1, ""}, {"safety-comment-missing", -1, ""}}},
		{"unsafe in a doc-test", hunk(abs, 10, "", `
 /// Example:
+/// ~~~
+/// let v = unsafe { foo() };
+/// ~~~
 pub fn foo() {}`), []expect{{"unsafe-block-added", 12, ""}, {"safety-comment-missing", 12, review.Certain}}},
		{"weak SAFETY comment", hunk(abs, 10, "", `
 fn a() {
+    // SAFETY: FFI call.
+    unsafe { bindings::g() };
 }`), []expect{{"safety-comment-weak", 11, ""}}},
		{"good SAFETY comment is not weak", hunk(abs, 10, "", `
 fn a() {
+    // SAFETY: ~g~ has no safety requirements.
+    unsafe { bindings::g() };
 }`), []expect{{"safety-comment-weak", -1, ""}, {"safety-comment-format", -1, ""}}},
		{"SAFETY comment format", hunk(abs, 10, "", `
 fn a() {
+    //SAFETY: the pointer is valid and aligned
+    unsafe { g() };
 }`), []expect{{"safety-comment-format", 11, ""}}},
		{"unnecessary SAFETY comment", hunk(abs, 10, "", `
 fn a() {
+    // SAFETY: This is not unsafe at all, really.
+    let x = g();
 }`), []expect{{"unnecessary-safety-comment", 11, ""}}},
		{"SAFETY comment over unsafe is necessary", hunk(abs, 10, "", `
 fn a() {
+    // SAFETY: ~g~ has no safety requirements.
+    let x = unsafe { g() };
 }`), []expect{{"unnecessary-safety-comment", -1, ""}}},
		// Agreement with clippy's undocumented_unsafe_blocks and
		// unnecessary_safety_comment (its UI tests).
		{"SAFETY trailing the unfinished statement above", hunk(abs, 10, "", `
 fn a() {
+    let x = // SAFETY: ~g~ has no safety requirements.
+        unsafe { g() };
 }`), []expect{{"safety-comment-missing", -1, ""}, {"unnecessary-safety-comment", -1, ""}}},
		{"SAFETY first inside a block that is an initialiser", hunk(abs, 10, "", `
 fn a() {
+    let x = unsafe {
+        // SAFETY: ~g~ has no safety requirements.
+        g()
+    };
 }`), []expect{{"safety-comment-missing", -1, ""}, {"unnecessary-safety-comment", -1, ""}}},
		{"SAFETY inside a bare block does not count", hunk(abs, 10, "", `
 fn a() {
+    unsafe {
+        // SAFETY: ~g~ has no safety requirements.
+        g()
+    }
 }`), []expect{{"safety-comment-missing", 11, ""}, {"unnecessary-safety-comment", -1, ""}}},
		{"attribute inside the comment run", hunk(abs, 10, "", `
 fn a() {
+    // SAFETY: ~g~ has no safety requirements.
+    #[allow(unused)]
+    // More words.
+    unsafe { g() };
 }`), []expect{{"safety-comment-missing", -1, ""}}},
		{"trailing SAFETY belongs to its own line", hunk(abs, 10, "", `
 fn a() {
+    unsafe { g() } // SAFETY: Fine, really fine.
+    unsafe { h() };
 }`), []expect{{"safety-comment-missing", 11, ""}, {"safety-comment-missing", 12, ""}, {"unnecessary-safety-comment", -1, ""}}},
		{"SAFETY without a colon is no SAFETY comment", hunk(abs, 10, "", `
 fn a() {
+    // SAFETY the caller holds the lock.
+    let x = 1;
 }`), []expect{{"unnecessary-safety-comment", -1, ""}}},
		{"SAFETY comment above an unsafe fn", hunk(abs, 10, "", `
 }
+// SAFETY: Callers must hold the lock.
+unsafe fn f() {}
 `), []expect{{"unnecessary-safety-comment", 11, ""}}},
		{"SAFETY comment above a macro call may justify its expansion", hunk(abs, 10, "", `
 fn a() {
+    // SAFETY: The macro's expansion only reads ~p~, which is valid.
+    read_it!(p);
 }`), []expect{{"unnecessary-safety-comment", -1, ""}}},
		{"# Implementation safety heading", hunk(abs, 10, "", `
 }
+/// A marker.
+///
+/// # Implementation safety
+///
+/// Implementers must be zeroable.
+pub unsafe trait Marker {}
 `), []expect{{"unsafe-trait-missing-safety-doc", -1, ""}}},
		{"unsafe fn in a macro invocation is low confidence", hunk(abs, 10, "", `
 }
+external! {
+    pub unsafe fn oy_vey() {}
+}
 `), []expect{{"unsafe-fn-missing-safety-doc", 12, review.Heuristic}}},
		{"unsafe ops rustc knows in an unsafe fn", hunk(abs, 10, "", `
 }
+unsafe fn unsf() {}
+static mut BAZ: i32 = 0;
+/// # Safety
+///
+/// ~x~ is valid.
+pub unsafe fn bar(x: *const i32) -> i32 {
+    unsf();
+    let y = *x;
+    let z = 2 * x.len();
+    y + BAZ
+}
 `), []expect{{"unsafe-op-in-unsafe-fn", 17, review.Certain}, {"unsafe-op-in-unsafe-fn", 18, review.Certain},
			{"unsafe-op-in-unsafe-fn", -19, ""}, {"unsafe-op-in-unsafe-fn", 20, review.Certain}}},
		{"unsafe fn without # Safety", hunk(abs, 10, "impl Foo {", `
 impl Foo {
+    /// Frees the thing.
+    pub unsafe fn free(p: *mut Foo) {}
 }`), []expect{{"unsafe-fn-missing-safety-doc", 12, review.Certain}}},
		{"unsafe fn with # Safety", hunk(abs, 10, "impl Foo {", `
 impl Foo {
+    /// Frees the thing.
+    ///
+    /// # Safety
+    ///
+    /// ~p~ must come from ~Foo::new~.
+    pub unsafe fn free(p: *mut Foo) {}
 }`), []expect{{"unsafe-fn-missing-safety-doc", -1, ""}}},
		{"unsafe fn in a trait impl needs no # Safety", hunk(abs, 10, "", `
 impl Bar for Foo {
+    unsafe fn free(p: *mut Foo) {}
 }`), []expect{{"unsafe-fn-missing-safety-doc", -1, ""}}},
		{"unsafe trait without # Safety", hunk(abs, 10, "", `
 }
+/// A marker.
+pub unsafe trait Marker {}
 `), []expect{{"unsafe-trait-missing-safety-doc", 12, ""}}},
		{"unsafe trait with # Safety", hunk(abs, 10, "", `
 }
+/// A marker.
+///
+/// # Safety
+///
+/// Implementers must be zeroable.
+pub unsafe trait Marker {}
 `), []expect{{"unsafe-trait-missing-safety-doc", -1, ""}}},
		{"# Safety on a safe fn", hunk(abs, 10, "", `
 }
+/// # Safety
+///
+/// None.
+pub fn safe() {}
 `), []expect{{"safety-doc-on-safe-item", 14, ""}}},
		{"/// SAFETY: tag", hunk(abs, 10, "", `
 }
+/// SAFETY: callers must hold the lock.
+pub unsafe fn f() {}
 `), []expect{{"safety-doc-as-tagged-comment", 11, ""}}},
		{"# Safety text changed", hunk(abs, 10, "", `
 /// # Safety
 ///
-/// ~p~ must be valid.
+/// ~p~ must be valid and aligned.
 pub unsafe fn f(p: *mut u8) {}`), []expect{{"safety-contract-changed", 12, ""}}},
		{"unsafe removed from a signature", hunk(abs, 10, "", `
 /// Does it.
-pub unsafe fn f(p: *mut u8) {}
+pub fn f(p: *mut u8) {}`), []expect{{"safety-contract-changed", 11, ""}}},
		{"unsafe impl Sync", hunk(abs, 10, "", `
 }
+// SAFETY: ~Foo~ only holds a pointer that is never written through.
+unsafe impl Sync for Foo {}
 `), []expect{{"unsafe-impl-send-sync", 12, ""}, {"safety-comment-missing", -1, ""}}},
		{"unsafe impl of another trait", hunk(abs, 10, "", `
 }
+// SAFETY: All-zero bytes are a valid ~Foo~.
+unsafe impl Zeroable for Foo {}
 `), []expect{{"unsafe-impl-other", 12, ""}, {"unsafe-impl-send-sync", -1, ""}}},
		{"unsafe op in unsafe fn", hunk(abs, 10, "", `
 /// # Safety
 ///
 /// None.
 pub unsafe fn f() {
+    bindings::g();
 }`), []expect{{"unsafe-op-in-unsafe-fn", 14, review.Certain}}},
		{"unsafe op wrapped in unsafe fn", hunk(abs, 10, "", `
 pub unsafe fn f() {
+    // SAFETY: By the function's safety requirements.
+    unsafe { bindings::g() };
 }`), []expect{{"unsafe-op-in-unsafe-fn", -1, ""}}},
		{"raw pointer ops", hunk(leaf, 10, "", `
 fn a(p: *mut u8) {
+    let q = p.cast::<u32>();
+    let r = ptr as *const u8;
 }`), []expect{{"raw-pointer-ops", 12, ""}}},
		{"no raw pointer ops in comments", hunk(leaf, 10, "", `
 fn a() {
+    // we used to do p.cast() and ptr::read here
+    let s = "ptr::read";
 }`), []expect{{"raw-pointer-ops", -1, ""}}},
		{"transmute", hunk(abs, 10, "", `
 fn a() {
+    let x: u32 = unsafe { core::mem::transmute(y) };
 }`), []expect{{"transmute-and-uninit", 11, ""}}},
		{"ffi integer cast", hunk(abs, 10, "", `
 fn a(d: Delta) {
+    unsafe { bindings::ktime_add_ns(self.inner, d.as_nanos() as u64) }
 }`), []expect{{"ffi-integer-cast", 11, ""}}},
		{"cast outside FFI is fine", hunk(abs, 10, "", `
 fn a(d: u32) -> u64 {
+    d as u64
 }`), []expect{{"ffi-integer-cast", -1, ""}}},
		{"static mut and extern block", hunk(leaf, 10, "", `
 }
+static mut COUNTER: u32 = 0;
+extern "C" {
+    fn foo();
+}
 `), []expect{{"unsafe-globals-asm-ffi-decl", 11, ""}, {"unsafe-globals-asm-ffi-decl", 12, ""}}},
		{"lint suppressed", hunk(leaf, 10, "", `
 }
+#[allow(clippy::undocumented_unsafe_blocks)]
+fn a() {}
 `), []expect{{"safety-lint-suppressed", 11, ""}, {"lint-allow-not-expect", -1, ""}}},
		{"allow instead of expect", hunk(abs, 10, "", `
 }
+#[allow(dead_code)]
+fn a() {}
 `), []expect{{"lint-allow-not-expect", 11, ""}}},
		{"expect is fine", hunk(abs, 10, "", `
 }
+#[expect(dead_code)]
+fn a() {}
 `), []expect{{"lint-allow-not-expect", -1, ""}}},
		// B. invariants
		{"# Invariants changed", hunk(abs, 10, "", `
 /// # Invariants
 ///
-/// ~ptr~ is valid.
+/// ~ptr~ is valid and non-null.
 pub struct Foo { ptr: *mut u8 }`), []expect{{"invariants-doc-changed", 12, ""}}},
		{"construction without INVARIANT", hunk(abs, 10, "", `
 /// # Invariants
 ///
 /// ~n~ is even.
 pub struct Foo { n: u32 }
 impl Foo {
     fn new() -> Self {
+        Self { n: 2 }
     }
 }`), []expect{{"invariant-comment-missing", 16, ""}}},
		{"construction with INVARIANT", hunk(abs, 10, "", `
 /// # Invariants
 ///
 /// ~n~ is even.
 pub struct Foo { n: u32 }
 impl Foo {
     fn new() -> Self {
+        // INVARIANT: 2 is even.
+        Self { n: 2 }
     }
 }`), []expect{{"invariant-comment-missing", -1, ""}}},
		{"checkable precondition", hunk(abs, 10, "", `
 }
+/// Gets an element.
+///
+/// # Safety
+///
+/// ~i~ must be less than ~self.len()~.
+pub unsafe fn get(&self, i: usize) -> u8 {
+    // SAFETY: By the safety requirements, ~i~ is in bounds.
+    unsafe { *self.ptr.add(i) }
+}
 `), []expect{{"unsafe-precondition-unchecked", 16, ""}}},
		// C. abstraction boundary
		{"bindings in leaf code", hunk(leaf, 10, "", `
 fn a() {
+    let v = unsafe { bindings::foo() };
 }`), []expect{{"bindings-outside-abstractions", 11, ""}}},
		{"multi-line use of bindings", hunk(leaf, 10, "", `
 // SPDX-License-Identifier: GPL-2.0
+use kernel::{
+    bindings,
+    prelude::*,
+};`), []expect{{"bindings-outside-abstractions", 12, ""}}},
		{"bindings in an abstraction are fine", hunk(abs, 10, "", `
 fn a() {
+    // SAFETY: No requirements.
+    let v = unsafe { bindings::foo() };
 }`), []expect{{"bindings-outside-abstractions", -1, ""}}},
		{"allow-listed leaf", hunk("drivers/android/binder/process.rs", 10, "", `
 fn a() {
+    let v = bindings::foo;
 }`), []expect{{"bindings-outside-abstractions", 11, ""}}},
		{"uapi in leaf", hunk(leaf, 10, "", `
 fn a() {
+    let v = kernel::uapi::FOO;
 }`), []expect{{"uapi-in-leaf", 11, ""}}},
		{"raw handle escape", hunk(leaf, 10, "", `
 fn a(d: &Device) {
+    let p: *mut bindings::device = d.as_raw();
 }`), []expect{{"raw-handle-escape-in-leaf", 11, ""}}},
		{"duplicate abstraction", hunk(leaf, 10, "", `
 }
+struct Inode(*mut bindings::inode);
 `), []expect{{"duplicate-abstraction", 11, ""}}},
		{"abstraction changed and public API removed", hunk(abs, 10, "", `
 impl Foo {
-    pub fn old(&self) {}
+    pub fn new_name(&self) {}
 }`), []expect{{"abstraction-changed", 0, ""}, {"public-api-changed", 0, ""}}},
		{"new abstraction without C header link", hunk("rust/kernel/widget.rs", 1, "", `
+// SPDX-License-Identifier: GPL-2.0
+
+//! Widgets.
+pub struct Widget;`), []expect{{"new-abstraction-added", 0, ""}, {"abstraction-missing-c-header-link", 0, ""}}},
		{"new abstraction with C header link", hunk("rust/kernel/widget.rs", 1, "", `
+// SPDX-License-Identifier: GPL-2.0
+
+//! Widgets.
+//!
+//! C header: [~include/linux/widget.h~](srctree/include/linux/widget.h)
+pub struct Widget;`), []expect{{"new-abstraction-added", 0, ""}, {"abstraction-missing-c-header-link", -1, ""}}},
		{"pub mod in lib.rs", hunk("rust/kernel/lib.rs", 50, "", `
 pub mod uaccess;
+pub mod widget;
 pub mod workqueue;`), []expect{{"new-abstraction-added", 0, ""}}},
		// D. bindings, helpers, C side
		{"bindings_helper.h", hunk("rust/bindings/bindings_helper.h", 20, "", `
 #include <linux/wait.h>
+#include <linux/widget.h>
+#include <linux/aaa.h>
 #include <linux/workqueue.h>`), []expect{{"bindings-header-changed", 21, ""}, {"bindings-header-changed", 22, ""}}},
		{"helper changed, trivial", hunk("rust/helpers/widget.c", 5, "", `
 #include <linux/widget.h>
+
+__rust_helper int rust_helper_widget_get(struct widget *w)
+{
+	return widget_get(w);
+}`), []expect{{"helper-changed", 0, ""}, {"helper-nontrivial", -1, ""}}},
		{"helper with logic", hunk("rust/helpers/widget.c", 5, "", `
 #include <linux/widget.h>
+
+int widget_put_checked(struct widget *w)
+{
+	if (!w)
+		return -EINVAL;
+	widget_put(w);
+	return 0;
+}
+EXPORT_SYMBOL_GPL(widget_put_checked);`), []expect{{"helper-changed", 7, ""}, {"helper-nontrivial", 7, ""}}},
		{"C header read by bindgen", hunk("include/linux/clk.h", 100, "struct clk {", `
 struct clk;
-int clk_prepare(struct clk *clk);
+int clk_prepare(struct clk *clk, bool atomic);
 `), []expect{{"c-header-used-by-rust-changed", 0, review.Certain}}},
		{"C header not read by bindgen", hunk("include/linux/unrelated_thing.h", 100, "", `
-int foo(void);
+int foo(int);`), []expect{{"c-header-used-by-rust-changed", -1, ""}}},
		{"inline in a header a helper wraps", hunk("include/linux/clk.h", 100, "", `
 }
+static inline int clk_enable(struct clk *clk)
+{
+	return 0;
+}`), []expect{{"c-inline-or-macro-wrapped-by-helper-changed", 101, review.Certain}}},
		// E and F
		{"panic in kernel", hunk(abs, 10, "", `
 fn a() {
+    let v = x.unwrap();
 }`), []expect{{"panic-in-kernel", 11, ""}}},
		{"no panic in doc-tests", hunk(abs, 10, "", `
 /// ~~~
+/// let v = x.unwrap();
 /// ~~~
 fn a() {}`), []expect{{"panic-in-kernel", -1, ""}}},
		{"float", hunk(leaf, 10, "", `
 fn a() {
+    let v: f32 = 1.5;
 }`), []expect{{"float-arithmetic", 11, ""}}},
		{"tuple fields are not floats", hunk(leaf, 10, "", `
 fn a() {
+    let v = self.0.1;
 }`), []expect{{"float-arithmetic", -1, ""}}},
		{"disallowed api", hunk(abs, 10, "", `
 fn a() {
+    dbg!(x);
+    let s = unsafe { CStr::from_ptr(p) };
 }`), []expect{{"disallowed-api", 11, ""}, {"disallowed-api", 12, ""}}},
		{"core::ffi types", hunk(abs, 10, "", `
 }
+fn a(x: core::ffi::c_int) {}
 `), []expect{{"disallowed-api", 11, ""}}},
		{"printk without newline", hunk(leaf, 10, "", `
 fn a() {
+    pr_info!("probed {}", x);
+    dev_err!(dev, "failed: {:?}\n", e);
 }`), []expect{{"printk-missing-newline", 11, ""}, {"printk-missing-newline", -12, ""}}},
		{"sleep under spinlock", hunk(leaf, 10, "", `
 struct S { inner: SpinLock<u32> }
 fn a(s: &S) {
     let guard = s.inner.lock();
+    msleep(10);
     drop(guard);
 }`), []expect{{"atomic-context-sleep", 13, review.Certain}}},
		{"sleep after the guard is dropped", hunk(leaf, 10, "", `
 fn a(s: &S) {
     let guard = s.inner.lock();
     drop(guard);
+    msleep(10);
 }`), []expect{{"atomic-context-sleep", -1, ""}}},
		{"sleep under a mutex is fine", hunk(leaf, 10, "", `
 struct S { inner: Mutex<u32> }
 fn a(s: &S) {
     let guard = s.inner.lock();
+    msleep(10);
 }`), []expect{{"atomic-context-sleep", -1, ""}}},
		{"allocation under an unknown lock", hunk(leaf, 10, "", `
 fn a(s: &S) {
     let guard = s.inner.lock();
+    let b = KBox::new(1, GFP_KERNEL)?;
 }`), []expect{{"atomic-context-sleep", 12, review.Heuristic}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := run(t, c.patch)
			for _, w := range c.want {
				found := false
				for _, f := range got {
					if f.Rule != w.rule {
						continue
					}
					if w.line > 0 && f.Line != w.line || w.line < -1 && f.Line != -w.line {
						continue
					}
					if w.conf != "" && f.Confidence != w.conf {
						continue
					}
					found = true
				}
				switch {
				case w.line < 0 && found:
					t.Errorf("%s reported, want none; findings:\n%s", w.rule, dump(got))
				case w.line >= 0 && !found:
					t.Errorf("want %s at line %d (confidence %q); findings:\n%s", w.rule, w.line, w.conf, dump(got))
				}
			}
		})
	}
}

func dump(fs []review.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\t%s %s %s:%d %s: %s\n", f.Severity, f.Confidence, f.File, f.Line, f.Rule, f.Message)
	}
	return b.String()
}

func TestSafetyListStyle(t *testing.T) {
	got := run(t, hunk("rust/kernel/foo.rs", 10, "", `
 fn a() {
+    // SAFETY:
+    // - ~p~ is valid for reads,
+    // - and aligned.
+    unsafe { g(p) };
 }`))
	for _, f := range got {
		if f.Rule == "safety-comment-format" || f.Rule == "safety-comment-weak" || f.Rule == "safety-comment-missing" {
			t.Errorf("bullet-list SAFETY comment flagged: %s", dump(got))
		}
	}
}

func TestKlintAnnotation(t *testing.T) {
	got := run(t, hunk("rust/kernel/foo.rs", 10, "", `
 }
+#[klint::preempt_count(expect = 0)]
+fn a() {}
 `))
	for _, f := range got {
		if f.Rule == "klint-annotation-changed" && f.Line == 11 {
			return
		}
	}
	t.Errorf("klint annotation not reported: %s", dump(got))
}

// TestPromptFitsTheLayer: the question about a new unsafe block asks a
// driver whether the abstraction could do without unsafe, and asks the
// abstraction itself about its SAFETY argument.
func TestPromptFitsTheLayer(t *testing.T) {
	leaf := PromptFor(review.Finding{Rule: "unsafe-block-added", File: "drivers/pwm/pwm_th1520.rs"})
	abs := PromptFor(review.Finding{Rule: "unsafe-block-added", File: "rust/kernel/pwm.rs"})
	if !strings.Contains(leaf, "Could the abstraction offer a safe API") {
		t.Errorf("driver prompt = %q", leaf)
	}
	if strings.Contains(abs, "abstraction offer") || abs == "" || abs != Prompt("unsafe-block-added") {
		t.Errorf("abstraction prompt = %q", abs)
	}
	for _, rule := range []string{"safety-comment-missing", "bindings-outside-abstractions", "atomic-context-sleep", "public-api-changed", "cross-language-series"} {
		if Prompt(rule) == "" {
			t.Errorf("no prompt for %s", rule)
		}
	}
}
