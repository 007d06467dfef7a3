package rustcheck

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"ferrule/review"
	"ferrule/review/diff"
)

// fuzzHunk turns arbitrary text into a hunk: lines starting with '-' or
// ' ' keep their role, everything else is added.
func fuzzHunk(text string) *diff.File {
	f := &diff.File{Path: "rust/kernel/fuzz.rs", Class: diff.Abstraction}
	h := diff.Hunk{OldStart: 7, NewStart: 7, Section: "impl Foo for Bar {"}
	oldN, newN := 7, 7
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "-"):
			h.Lines = append(h.Lines, diff.Line{Op: diff.Delete, Text: l[1:], Old: oldN})
			oldN++
		case strings.HasPrefix(l, " "):
			h.Lines = append(h.Lines, diff.Line{Op: diff.Context, Text: l[1:], Old: oldN, New: newN})
			oldN++
			newN++
		default:
			h.Lines = append(h.Lines, diff.Line{Op: diff.Add, Text: l, New: newN})
			newN++
		}
	}
	f.Hunks = []diff.Hunk{h}
	return f
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"    // SAFETY: ok.\n    unsafe { f() }\n}",
		" fn a() {\n-    old();\n+    unsafe impl Send for X {}\n",
		"/// ```\n/// unsafe { x }\n/// ```\nunsafe fn g() {}",
		"macro_rules! m { () => { unsafe { $x } } }\nr#\"unsafe {\"#; '\\'' /* /* */ */",
		"#[allow(clippy::undocumented_unsafe_blocks)]\nextern \"C\" { fn f(); }\nstatic mut X: u8 = 0;",
		"let g = s.lock();\nmsleep(1);\npr_info!(\"x\");\nlet v: f32 = 1.5;",
		"}}}}{{{{ unsafe",
	} {
		f.Add(s)
	}
	c := New(nil)
	f.Fuzz(func(t *testing.T, text string) {
		file := fuzzHunk(text)
		fs := c.Check(&review.CheckInput{Files: []diff.File{*file}})
		for _, fd := range fs {
			if fd.Rule == "" || fd.Severity == "" {
				t.Fatalf("malformed finding %+v", fd)
			}
		}
		_ = Inventory([]diff.File{*file})
		header := *file
		header.Path, header.Class = "include/linux/clk.h", diff.CHeader
		_ = c.Check(&review.CheckInput{Files: []diff.File{header}})
	})
}

// TestNoCLeak parses thousands of windows and checks the resident set
// stays flat: every tree-sitter tree is closed, and parsers and query
// cursors are reused or closed.
func TestNoCLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("leak test skipped in -short mode")
	}
	if _, err := os.Stat("/proc/self/statm"); err != nil {
		t.Skip("no /proc/self/statm")
	}
	text := strings.Repeat("    // SAFETY: The pointer is valid.\n    let x = unsafe { bindings::f(p) };\n    m!(unsafe { g() });\n", 20) + "}\nunsafe impl Send for X {}\n"
	// Every check parses a window of its own, past the cache of parsed
	// windows, which is kept small.
	defer func(n int) { maxParsedBytes = n }(maxParsedBytes)
	maxParsedBytes = 1 << 16
	c := New(nil)
	run := func(n int) {
		for i := 0; i < n; i++ {
			file := fuzzHunk(text + "// " + strconv.Itoa(i) + "\n")
			c.Check(&review.CheckInput{Files: []diff.File{*file}})
		}
	}
	run(300) // warm up allocators and the Go heap
	runtime.GC()
	before := rss(t)
	run(3000)
	runtime.GC()
	after := rss(t)
	// A leaked tree per parse would be tens of kilobytes, a leaked query
	// match per capture (QueryCaptures.Next) about 2.7 KB: 3000 parses
	// would add more than this bound.
	if grew := after - before; grew > 4<<20 {
		t.Errorf("resident set grew by %d MiB over 3000 checks", grew>>20)
	}
	t.Logf("RSS %d MiB -> %d MiB", before>>20, after>>20)
}

func rss(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
