package rustcheck

import (
	"testing"

	"ferrule/review"
)

// TestReviewerRules: the rules from what linux-pwm reviewers ask, each on
// code shapes from the list (written anew) that must and must not fire.
func TestReviewerRules(t *testing.T) {
	const (
		abs  = "rust/kernel/pwm.rs"
		leaf = "drivers/pwm/pwm_th1520.rs"
	)
	cases := []struct {
		name  string
		patch string
		want  []expect
	}{
		{"field write and FFI call in one block", hunk(abs, 40, "pub fn chip_add(chip: &mut Chip, ops: &'static PwmOpsVTable) -> Result {", `
 pub fn chip_add(chip: &mut Chip, ops: &'static PwmOpsVTable) -> Result {
+    // SAFETY: Pointers are valid. ~__pwmchip_add~ requires ops to be set.
+    unsafe {
+        let chip_ptr = chip.as_ptr();
+        (*chip_ptr).ops = ops.as_ptr();
+        to_result(bindings::__pwmchip_add(chip_ptr, core::ptr::null_mut()))
+    }
 }`), []expect{{"unsafe-block-multiple-ops", 42, review.Heuristic}}},
		{"one FFI call per block", hunk(abs, 40, "", `
 fn a(&self) -> u64 {
+    // SAFETY: ~self.as_raw()~ is valid for the lifetime of ~self~.
+    let n = unsafe { (*self.as_raw()).npwm };
+    // SAFETY: ~self.as_raw()~ is valid for the lifetime of ~self~.
+    unsafe { bindings::pwm_chip_period_ns(self.as_raw()) }
 }`), []expect{{"unsafe-block-multiple-ops", -1, ""}}},
		{"semicolon inside a one-statement block", hunk(abs, 300, "", `
 fn drop(&mut self) {
+        // SAFETY: ~self.chip~ was registered by ~pwmchip_add~.
+        unsafe {
+            bindings::pwmchip_remove(self.chip.as_raw());
+        }
 }`), []expect{{"unsafe-block-semicolon", 302, ""}}},
		{"a let in the block stays", hunk(abs, 300, "", `
 fn drop(&mut self) {
+        // SAFETY: ~self.chip~ was registered by ~pwmchip_add~.
+        unsafe {
+            let p = self.chip.as_raw();
+            bindings::pwmchip_remove(p);
+        }
 }`), []expect{{"unsafe-block-semicolon", -1, ""}}},
		{"already on one line", hunk(abs, 300, "", `
 fn drop(&mut self) {
+    // SAFETY: ~self.chip~ was registered by ~pwmchip_add~.
+    unsafe { bindings::pwmchip_remove(self.chip.as_raw()) };
 }`), []expect{{"unsafe-block-semicolon", -1, ""}}},
		{"u32 and i32 in a C callback", hunk(abs, 200, "impl<T: PwmOps> Adapter<T> {", `
 impl<T: PwmOps> Adapter<T> {
+    unsafe extern "C" fn request_callback(
+        chip_ptr: *mut bindings::pwm_chip,
+        idx: u32,
+    ) -> i32 {
+        0
+    }
 }`), []expect{{"ffi-fixed-width-int", 203, ""}}},
		{"c_int in a C callback", hunk(abs, 200, "impl<T: PwmOps> Adapter<T> {", `
 impl<T: PwmOps> Adapter<T> {
+    unsafe extern "C" fn request_callback(chip_ptr: *mut bindings::pwm_chip, idx: c_uint) -> c_int {
+        0
+    }
+    fn index(idx: u32) -> u32 { idx }
 }`), []expect{{"ffi-fixed-width-int", -1, ""}}},
		{"core::ffi::c_void", hunk(abs, 250, "", `
 }
+unsafe fn serialize_wfhw(wfhw: &T::WfHw, wfhw_ptr: *mut core::ffi::c_void) -> Result {
 `), []expect{{"disallowed-api", 251, ""}}},
		{"pr_err in a driver that has a device", hunk(leaf, 150, "", `
 impl pwm::PwmOps for Th1520PwmDriverData {
     fn round_waveform_tohw(
         chip: &pwm::Chip<Self>,
         _pwm: &pwm::Device,
         wf: &pwm::Waveform,
     ) -> Result<pwm::RoundedWaveform<Self::WfHw>> {
+        pr_err!("period too large\n");
         Ok(())
     }
 }`), []expect{{"pr-print-in-driver", 156, ""}}},
		{"pr_info in module init has no device", hunk(leaf, 150, "", `
 impl kernel::Module for Th1520Module {
     fn init(_module: &'static ThisModule) -> Result<Self> {
+        pr_info!("loaded\n");
         Ok(Th1520Module)
     }
 }`), []expect{{"pr-print-in-driver", -1, ""}}},
		{"pr_err in an abstraction is not a driver's", hunk(abs, 150, "", `
     fn a(dev: &Device) {
+        pr_err!("no device name here\n");
     }`), []expect{{"pr-print-in-driver", -1, ""}}},
		{"assert without # Panics", hunk(abs, 80, "", `
     /// Sets the number of channels.
     pub fn set_npwm(&mut self, n: u32) {
+        assert!(n > 0);
         self.npwm = n;
     }`), []expect{{"missing-panics-doc", 82, ""}}},
		{"assert with # Panics", hunk(abs, 80, "", `
     /// Sets the number of channels.
     ///
     /// # Panics
     ///
     /// Panics if ~n~ is zero.
     pub fn set_npwm(&mut self, n: u32) {
+        assert!(n > 0);
         self.npwm = n;
     }`), []expect{{"missing-panics-doc", -1, ""}}},
		{"assert in a KUnit test", hunk(abs, 80, "", `
 #[kunit_tests(rust_pwm)]
 mod tests {
     fn npwm() {
+        assert_eq!(chip.npwm(), 4);
     }
 }`), []expect{{"missing-panics-doc", -1, ""}}},
		{"into_foreign in a safe setter", hunk(abs, 680, "impl Chip {", `
 impl Chip {
+    /// Sets the typed driver data of the chip.
+    pub fn set_drvdata<T: 'static + ForeignOwnable>(&mut self, data: T) {
+        // SAFETY: ~self.as_raw()~ is a valid chip pointer.
+        unsafe { bindings::pwmchip_set_drvdata(self.as_raw(), data.into_foreign().cast()) }
+    }
 }`), []expect{{"foreign-ownable-leak", 684, review.Heuristic}}},
		{"into_foreign taken back in release", hunk(abs, 680, "impl Chip {", `
 impl Chip {
+    fn register(&self, data: KBox<T>) {
+        let ptr = data.into_foreign();
+    }
+    extern "C" fn release(dev: *mut bindings::device) {
+        // SAFETY: ~ptr~ came from ~into_foreign~ in ~register~.
+        drop(unsafe { KBox::<T>::from_foreign(ptr) });
+    }
 }`), []expect{{"foreign-ownable-leak", -1, ""}}},
		{"transmute to 'static", hunk(abs, 120, "", `
     fn into_devres(self) -> Devres<Bar<'static, SIZE>> {
+        // SAFETY: The ~Devres~ keeps the mapping alive.
+        let bar: Bar<'static, SIZE> = unsafe { core::mem::transmute(self) };
     }`), []expect{{"static-lifetime-from-raw", 122, review.Heuristic}}},
		{"'static from a static item", hunk(abs, 120, "", `
     fn table() -> &'static Table {
+        // SAFETY: ~TABLE~ is only written before init.
+        unsafe { &*addr_of!(TABLE) }
     }`), []expect{{"static-lifetime-from-raw", -1, ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := run(t, c.patch)
			for _, w := range c.want {
				found := false
				for _, f := range got {
					if f.Rule != w.rule || w.line > 0 && f.Line != w.line || w.line < -1 && f.Line != -w.line {
						continue
					}
					found = found || w.conf == "" || f.Confidence == w.conf
				}
				switch {
				case w.line < 0 && found:
					t.Errorf("%s reported, want none; findings:\n%s", w.rule, dump(got))
				case w.line >= 0 && !found:
					t.Errorf("want %s at line %d; findings:\n%s", w.rule, w.line, dump(got))
				}
			}
		})
	}
}

func TestArithmeticRules(t *testing.T) {
	const leaf = "drivers/pwm/pwm_th1520.rs"
	for _, c := range []struct {
		name string
		body string
		want bool
	}{
		{"product divided afterwards", `
 fn ns_to_cycles(ns: u64, rate_hz: u64) -> u64 {
+    ns * rate_hz / NSEC_PER_SEC
 }`, true},
		{"mul_u64_u64_div_u64", `
 fn ns_to_cycles(ns: u64, rate_hz: u64) -> u64 {
+    mul_u64_u64_div_u64(ns, rate_hz, NSEC_PER_SEC)
 }`, false},
		{"checked product", `
 fn ns_to_cycles(ns: u64, rate_hz: u64) -> u64 {
+    match ns.checked_mul(rate_hz) {
 }`, false},
		{"wrapping_mul", `
 fn cycles(period: u64, rate: u64) -> u64 {
+    period.wrapping_mul(rate)
 }`, true},
		{"sum of ns compared", `
 fn check(wf: &Waveform) -> bool {
+    wf.duty_length_ns + wf.duty_offset_ns >= wf.period_length_ns
 }`, true},
		{"narrowing cast", `
 fn hw(period_cycles: u64) -> Th1520WfHw {
+    Th1520WfHw { period_cycles: period_cycles as u32 }
 }`, true},
		{"narrowing cast after a clamp", `
 fn hw(wf: &Waveform, rate_hz: u64) -> Th1520WfHw {
     let period_cycles = ns_to_cycles(wf.period_length_ns, rate_hz).min(u32::MAX as u64);
+    Th1520WfHw { period_cycles: period_cycles as u32 }
 }`, false},
		{"widening is fine", `
 fn rate(clk: &Clk) -> u64 {
+    let rate_hz = clk.rate().as_hz() as u64;
 }`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := run(t, hunk(leaf, 10, "", c.body))
			if has(got, "driver-arithmetic-overflow") != c.want {
				t.Errorf("driver-arithmetic-overflow = %v, want %v:\n%s", !c.want, c.want, dump(got))
			}
			// The same code in the abstraction is not a driver's.
			if has(run(t, hunk("rust/kernel/pwm.rs", 10, "", c.body)), "driver-arithmetic-overflow") {
				t.Error("reported outside drivers")
			}
		})
	}
}
