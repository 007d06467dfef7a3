package rustcheck

import (
	"regexp"
	"strings"

	"ferrule/review"
)

// Groups E and F of RULES.md §4 (the required subset): panics, floats,
// disallowed APIs, printk newlines, and sleeping in atomic context.

var (
	panicRe       = regexp.MustCompile(`\.unwrap\(\)|\.expect\(|\bpanic!|\bunreachable!|\btodo!|\bunimplemented!`)
	floatTypeRe   = regexp.MustCompile(`\bf(32|64)\b`)
	floatLitRe    = regexp.MustCompile(`(^|[^\w.])(\d[\d_]*\.\d[\d_]*([eE][+-]?\d+)?|\d[\d_]*(\.\d[\d_]*)?(f32|f64))\b`)
	disallowedRe  = regexp.MustCompile(`\bdbg!\(|\bCStr::from_ptr\b|\bCStr::as_ptr\b|\bcore::ffi::c_(char|schar|uchar|short|ushort|int|uint|long|ulong|longlong|ulonglong|void)\b`)
	printkRe      = regexp.MustCompile(`\b(pr|dev)_(emerg|alert|crit|err|warn|notice|info|debug|dbg)!\s*\(`)
	guardRe       = regexp.MustCompile(`\blet\s+(mut\s+)?(\w+)\s*=\s*([^;]*?)\.(lock|lock_irqsave)\(\)|\brcu::read_lock\(\)|\blocal_irq_disable\(|\bpreempt_disable\(`)
	sleepRe       = regexp.MustCompile(`\b(msleep|fsleep|usleep_range|might_sleep|schedule|cond_resched|wait_for_completion\w*|copy_from_user)\s*\(|\bCondVar\b|\.wait\(|\bGFP_KERNEL\b|\bUserSlice\b`)
	klintRe       = regexp.MustCompile(`#\[klint::(preempt_count|drop_preempt_count|report_preempt_count|dump_mir)`)
	hostRustPaths = []string{"scripts/", "rust/macros/", "tools/", "rust/pin-init/internal/"}
)

// checkMisc runs the E and F rules on a post-image window.
func (f *findings) checkMisc(w *window) {
	host := false
	for _, p := range hostRustPaths {
		host = host || strings.HasPrefix(w.file, p)
	}
	for i, l := range w.lines {
		if !l.changed {
			continue
		}
		code := w.code[i]
		if strings.TrimSpace(code) == "" {
			continue
		}
		if !w.doc && !host {
			if m := mayMatch(code, panicRe, "unwrap", "expect(", "!"); m != "" {
				sev := review.Medium
				if strings.HasPrefix(w.file, "samples/rust/") {
					sev = review.Low
				}
				f.add("panic-in-kernel", sev, review.Certain, w, i,
					"%s can panic the kernel: prefer a fallible path returning Result", strings.TrimSuffix(m, "("))
			}
			if (strings.Contains(code, "f32") || strings.Contains(code, "f64") || strings.Contains(code, ".")) &&
				(floatTypeRe.MatchString(code) || floatLitRe.MatchString(code)) {
				f.add("float-arithmetic", review.Medium, review.Certain, w, i,
					"floating point in kernel code (clippy::float_arithmetic)")
			}
		}
		if m := mayMatch(code, disallowedRe, "dbg!", "CStr", "ffi::"); m != "" {
			f.add("disallowed-api", review.Low, review.Certain, w, i,
				"%s is disallowed in the kernel (.clippy.toml, coding guidelines)", strings.TrimSuffix(m, "("))
		}
		if strings.Contains(code, "_") && strings.Contains(code, "!") {
			if loc := printkRe.FindStringIndex(code); loc != nil {
				if lit, ok := firstStringLiteral(w, i, loc[1]); ok && !strings.HasSuffix(lit, `\n`) {
					f.add("printk-missing-newline", review.Low, review.Certain, w, i,
						"the message does not end in \\n: it may be merged with the next line in the log")
				}
			}
		}
		if strings.Contains(code, "klint") && klintRe.MatchString(code) {
			f.add("klint-annotation-changed", review.Info, review.Certain, w, i, "klint annotation changed")
		}
	}
	f.atomicContext(w)
}

// firstStringLiteral returns the contents of the first string literal at
// or after byte col of row (looking at most three rows further).
func firstStringLiteral(w *window, row, col int) (string, bool) {
	for r := row; r < len(w.lines) && r <= row+3; r++ {
		t := w.lines[r].text
		start := 0
		if r == row {
			start = min(col, len(t))
		}
		i := strings.IndexByte(t[start:], '"')
		if i < 0 {
			continue
		}
		i += start
		for j := i + 1; j < len(t); j++ {
			switch t[j] {
			case '\\':
				j++
			case '"':
				return t[i+1 : j], true
			}
		}
		return "", false
	}
	return "", false
}

// atomicContext flags possibly sleeping calls on added lines while a lock
// guard, RCU read lock, or disabled interrupts or preemption are held.
func (f *findings) atomicContext(w *window) {
	takes := false
	for _, c := range w.code {
		if strings.Contains(c, "lock") || strings.Contains(c, "_disable(") {
			takes = true
			break
		}
	}
	if !takes {
		return
	}
	var held []guard
	depth := 0
	for i := range w.lines {
		code := w.code[i]
		for _, g := range held {
			if g.name != "" && strings.Contains(code, "drop("+g.name+")") {
				held = remove(held, g.name)
			}
		}
		if len(held) > 0 && w.lines[i].changed {
			if m := sleepRe.FindString(code); m != "" && !guardRe.MatchString(code) {
				g := held[len(held)-1]
				sev, conf := review.Medium, review.Heuristic
				if g.spin {
					sev, conf = review.High, review.Certain
				}
				f.add("atomic-context-sleep", sev, conf, w, i,
					"%s may sleep while the guard taken on line %d is held (atomic context)", strings.TrimRight(m, "( "), w.lines[g.row].num)
			}
		}
		if m := guardRe.FindStringSubmatch(code); m != nil {
			g := guard{name: m[2], depth: depth, row: i}
			if m[4] == "lock_irqsave" || m[2] == "" {
				g.spin = true
			} else if kind := lockKind(w, m[3]); kind == "Mutex" {
				g.name = "" // a mutex guard does not make the context atomic
				g.depth = -1
			} else if kind == "SpinLock" {
				g.spin = true
			}
			if g.depth >= 0 {
				held = append(held, g)
			}
		}
		depth += strings.Count(code, "{") - strings.Count(code, "}")
		for len(held) > 0 && depth < held[len(held)-1].depth {
			held = held[:len(held)-1]
		}
	}
}

// guard is a held lock guard or atomic section.
type guard struct {
	name  string // variable holding the guard, "" for sections without one
	depth int    // brace depth where it was taken
	spin  bool   // known to be a spinlock or an IRQ/RCU/preempt section
	row   int
}

func remove(list []guard, name string) []guard {
	var out []guard
	for _, g := range list {
		if g.name != name {
			out = append(out, g)
		}
	}
	return out
}

// lockKind guesses the lock type of receiver from declarations visible in
// the window ("field: SpinLock<…>", "new_spinlock!", …).
func lockKind(w *window, receiver string) string {
	name := receiver
	if i := strings.LastIndex(name, "."); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	re, err := regexp.Compile(`\b` + regexp.QuoteMeta(name) + `\b[^;]*\b(SpinLock|Mutex|new_spinlock|new_mutex|SpinLockIrq)\b`)
	if err != nil {
		return ""
	}
	for _, c := range w.code {
		if m := re.FindStringSubmatch(c); m != nil {
			if strings.Contains(m[1], "pin") || strings.Contains(m[1], "Spin") {
				return "SpinLock"
			}
			return "Mutex"
		}
	}
	return ""
}

// mayMatch runs re only when code contains one of the literals re needs.
func mayMatch(code string, re *regexp.Regexp, literals ...string) string {
	for _, l := range literals {
		if strings.Contains(code, l) {
			return re.FindString(code)
		}
	}
	return ""
}
