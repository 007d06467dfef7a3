package rustcheck

import (
	"fmt"
	"strings"
	"testing"

	"ferrule/review/maintainers"
)

// TestWrappersPWM: the PWM maintainer's wrapper map, from the embedded
// MAINTAINERS and rust-c-symbols.tsv, lists the PWM symbols the Rust
// abstraction uses and nothing of other subsystems.
func TestWrappersPWM(t *testing.T) {
	m, _ := maintainers.Parse(MaintainersSnapshot())
	wm := Snapshot().Wrappers(m, WrapperOptions{Maintainer: "ukleinek@kernel.org"})
	got := map[string]Wrapped{}
	for _, w := range wm.Symbols {
		got[w.Symbol] = w
		if !strings.Contains(strings.ToLower(w.Symbol), "pwm") {
			t.Errorf("%s (home %s) is not a PWM symbol", w.Symbol, w.Home)
		}
	}
	for _, want := range []string{"__pwmchip_add", "pwmchip_alloc", "pwmchip_release", "pwmchip_remove", "pwm_chip", "pwm_ops", "PWM_WFHWSIZE", "pwmchip_get_drvdata"} {
		if _, ok := got[want]; !ok {
			t.Errorf("%s missing from the map", want)
		}
	}
	if w := got["pwmchip_get_drvdata"]; strings.Join(w.Via, ",") != "bindings,helper" || strings.Join(w.Helpers, ",") != "rust/helpers/pwm.c" {
		t.Errorf("pwmchip_get_drvdata via %v helpers %v, want bindings and helper rust/helpers/pwm.c", w.Via, w.Helpers)
	}
	if w := got["pwmchip_parent"]; strings.Join(w.Via, ",") != "helper" {
		t.Errorf("pwmchip_parent via %v, want helper only", w.Via)
	}
	files := map[string]string{}
	for _, f := range wm.RustFiles {
		files[f.Path] = strings.Join(f.Why, "; ")
	}
	if !strings.HasPrefix(files["rust/kernel/pwm.rs"], "uses ") || files["rust/helpers/pwm.c"] == "" {
		t.Errorf("Rust files %v lack rust/kernel/pwm.rs or rust/helpers/pwm.c", files)
	}
	if !wm.ByName || len(wm.Sections) == 0 || wm.Sections[0] == "" {
		t.Errorf("map %+v: want by-name homes and the maintainer's sections", wm)
	}
	// Without sections or paths there is nothing to map.
	if n := len(Snapshot().Wrappers(m, WrapperOptions{Maintainer: "nobody@example.org"}).Symbols); n != 0 {
		t.Errorf("an address MAINTAINERS does not name maps %d symbols", n)
	}
	// Paths work like a maintainer's files; a tree gives exact homes.
	byPath := Snapshot().Wrappers(m, WrapperOptions{Paths: []string{"include/linux/clk.h"}})
	if len(byPath.Symbols) == 0 || byPath.Symbols[0].Home != "include/linux/clk.h" {
		t.Errorf("paths include/linux/clk.h: %+v", byPath.Symbols)
	}
	exact := Snapshot().Wrappers(m, WrapperOptions{Paths: []string{"drivers/pwm"}, Homes: map[string]string{"pwmchip_alloc": "drivers/pwm/core.c", "clk_get": "drivers/clk/clkdev.c"}})
	if len(exact.Symbols) != 1 || exact.Symbols[0].Symbol != "pwmchip_alloc" || exact.ByName {
		t.Errorf("tree homes: %+v", exact)
	}
}

func TestAddCDefinitions(t *testing.T) {
	homes := map[string]string{}
	k := Snapshot()
	k.AddCDefinitions(homes, "include/linux/pwm.h", []byte("struct pwm_chip {\n\tint npwm;\n};\nvoid pwmchip_remove(struct pwm_chip *chip);\nstatic inline void pwm_unknown_thing(void) {}\n#define PWM_WFHWSIZE 20\n"))
	k.AddCDefinitions(homes, "drivers/pwm/core.c", []byte("void pwmchip_remove(struct pwm_chip *chip)\n{\n}\nEXPORT_SYMBOL_GPL(pwmchip_remove);\nstatic void pwmchip_release(struct device *d)\n{\n}\n"))
	want := map[string]string{"pwm_chip": "include/linux/pwm.h", "pwmchip_remove": "include/linux/pwm.h", "PWM_WFHWSIZE": "include/linux/pwm.h"}
	if fmt.Sprint(homes) != fmt.Sprint(want) {
		t.Errorf("homes = %v, want %v", homes, want)
	}
}
