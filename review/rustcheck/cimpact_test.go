package rustcheck

import (
	"strings"
	"testing"
)

// TestCImpact checks the symbol-level C→Rust impact against the embedded
// rust-c-symbols.tsv, on hunk shapes taken from real linux-pwm patches.
func TestCImpact(t *testing.T) {
	check := func(name, patch, want string) {
		t.Helper()
		var got []string
		for _, f := range run(t, patch) {
			switch f.Rule {
			case "c-header-used-by-rust-changed", "c-function-called-by-rust-changed", "c-inline-or-macro-wrapped-by-helper-changed":
				got = append(got, string(f.Severity)+" "+f.Rule+" "+f.Message)
			}
		}
		if g := strings.Join(got, "\n"); g != want {
			t.Errorf("%s:\n got: %s\nwant: %s", name, g, want)
		}
	}
	check("export of a function Rust calls", hunk("drivers/pwm/core.c", 1598, "void pwmchip_put(struct pwm_chip *chip)", `
 }
 EXPORT_SYMBOL_GPL(pwmchip_put);
 
-static void pwmchip_release(struct device *pwmchip_dev)
+void pwmchip_release(struct device *pwmchip_dev)
 {
 	struct pwm_chip *chip = pwmchip_from_dev(pwmchip_dev);
 
 	kfree(chip);
 }
+EXPORT_SYMBOL_GPL(pwmchip_release);
 `), "high c-function-called-by-rust-changed pwmchip_release changed (definition or export): used by rust/kernel/pwm.rs")
	check("prototype in a header", hunk("include/linux/pwm.h", 480, "int __pwmchip_add(struct pwm_chip *chip, struct module *owner);", `
 void pwmchip_remove(struct pwm_chip *chip);
 
+/*
+ * For FFI wrapper use only:
+ */
+void pwmchip_release(struct device *dev);
+
 int __devm_pwmchip_add(struct device *dev, struct pwm_chip *chip, struct module *owner);`),
		"high c-header-used-by-rust-changed pwmchip_release changed: used by rust/kernel/pwm.rs")
	check("body of a function Rust calls", hunk("drivers/pwm/core.c", 2400, "int __pwmchip_add(struct pwm_chip *chip, struct module *owner)", `
 	if (ret)
 		goto err_device_add;
 
+	if (IS_ENABLED(CONFIG_PWM_PROVIDE_GPIO) && chip->ops->write_waveform) {
+		ret = pwm_gpiochip_add(chip);
+		if (ret)
+			goto err_gpiochip_add;
+	}
+
 	return 0;`), "medium c-function-called-by-rust-changed behaviour of a function Rust calls changed: __pwmchip_add, called from rust/kernel/pwm.rs")
	check("a function no Rust code uses", hunk("include/linux/pwm.h", 300, "", `
 }
 
-static inline void pwm_apply_args(struct pwm_device *pwm)
-{
-	struct pwm_state state = { };
-	pwm_apply_might_sleep(pwm, &state);
-}
-
 struct pwm_lookup {`), "")
	check("a !CONFIG stub of a function Rust calls", hunk("include/linux/pwm.h", 560, "#else", `
 static inline void pwmchip_put(struct pwm_chip *chip)
 {
 }
+
+static inline void pwmchip_release(struct device *dev)
+{
+}`), "")
	check("include guard and comments", hunk("include/linux/pwm.h", 1, "", `
-#ifndef __LINUX_PWM_H
-#define __LINUX_PWM_H
+#ifndef _LINUX_PWM_H
+#define _LINUX_PWM_H
 
 #include <linux/device.h>
@@ -40,3 +40,3 @@ struct pwm_chip {
 	/* the chip's device */
-	/* number of PWMs */
+	/* number of PWM channels */
 	unsigned int npwm;`), "")
	check("a field of a struct Rust uses", hunk("include/linux/pwm.h", 290, "struct pwm_chip {", `
 	struct device dev;
 	const struct pwm_ops *ops;
+	struct gpio_chip gpio;
 	unsigned int npwm;`), "high c-header-used-by-rust-changed pwm_chip changed: used by rust/kernel/pwm.rs")
	check("an architecture Rust is not built for", hunk("arch/nios2/include/asm/io.h", 20, "", `
-#define readb_relaxed(addr)	__raw_readb(addr)
+#define readb_relaxed(addr)	readb(addr)`), "")
	check("an architecture Rust is built for", hunk("arch/x86/include/asm/io.h", 20, "", `
-#define readb_relaxed(a) __readb(a)
+#define readb_relaxed(a) __readb((a))`), "high c-inline-or-macro-wrapped-by-helper-changed readb_relaxed changed: wrapped by rust/helpers/io.c, called from rust/kernel/io.rs")
}

func TestArchSupport(t *testing.T) {
	rst := "============= ================ ==============\nArchitecture  Level of support  Constraints\n============= ================ ==============\n``arm64``     Maintained        Little Endian only.\n``x86``       Maintained        ``x86_64`` only.\n============= ================ ==============\n"
	got := ParseArchSupportRST(rst)
	if len(got) != 2 || !got["arm64"] || !got["x86"] {
		t.Errorf("ParseArchSupportRST = %v", got)
	}
	k := Snapshot()
	for file, want := range map[string]bool{"arch/nios2/include/asm/io.h": false, "arch/x86/include/asm/io.h": true, "include/linux/io.h": true, "arch/um/kernel/x.c": true} {
		if k.RustArch(file) != want {
			t.Errorf("RustArch(%s) = %v, want %v", file, !want, want)
		}
	}
}
