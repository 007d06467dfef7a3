package maintainers

import (
	"reflect"
	"strings"
	"testing"
)

// The sample follows the MAINTAINERS legend's own examples (RULES.md §5).
const sample = `List of maintainers
Descriptions of section entries and preferred order
	M: *Mail* patches to: FullName <address@domain>

NET
M:	Net Maintainer <net@example.org>
L:	netdev@vger.kernel.org
S:	Maintained
F:	drivers/net/
X:	drivers/net/wireless/

NET TOP
M:	Top Only <top@example.org>
S:	Odd Fixes
F:	drivers/net/*

ANY NET
R:	Any Net <anynet@example.org>
F:	*/net/*

FOO FILES
M:	Foo Person <foo@example.org>
L:	foo-private@example.org (subscribers-only)
L:	foo@example.org (moderated for non-subscribers)
S:	Supported
F:	fs/**/*foo*.c

TEGRA
M:	Tegra Person <tegra@example.org>
N:	[^a-z]tegra

RUST
M:	Miguel Ojeda <ojeda@kernel.org>
R:	Alice Ryhl <aliceryhl@google.com>
L:	rust-for-linux@vger.kernel.org
S:	Supported
F:	rust/
F:	scripts/*rust*
K:	\b(?i:rust)\b

RUST [ALLOC]
M:	Danilo Krummrich <dakr@kernel.org>
R:	Alice Ryhl <aliceryhl@google.com>
L:	rust-for-linux@vger.kernel.org
S:	Maintained
F:	rust/kernel/alloc/
F:	rust/kernel/alloc.rs
`

func titles(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Section.Title)
	}
	return out
}

func TestForPaths(t *testing.T) {
	f, errs := Parse(sample)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	check := func(paths []string, lines []string, want ...string) {
		t.Helper()
		if got := titles(f.ForPaths(paths, lines)); !reflect.DeepEqual(got, want) {
			t.Errorf("ForPaths(%q) = %q, want %q", paths, got, want)
		}
	}
	// A trailing slash covers the directory and everything below.
	check([]string{"drivers/net/ethernet/intel/e1000.c"}, nil, "NET")
	// dir/* covers files directly in dir, not below; */net/* any top dir.
	check([]string{"drivers/net/loopback.c"}, nil, "NET TOP", "NET", "ANY NET")
	check([]string{"net/ipv4/tcp.c"}, nil)
	check([]string{"fs/net/x.c"}, nil, "ANY NET")
	// ** spans directories.
	check([]string{"fs/a/b/myfoo.c"}, nil, "FOO FILES")
	check([]string{"fs/a/b/bar.c"}, nil)
	// X: excludes before F: matches.
	check([]string{"drivers/net/wireless/ath/ath9k.c"}, nil)
	// N: regex on the path: tegra, not integrator.
	check([]string{"drivers/gpu/host1x/tegra/x.c"}, nil, "TEGRA")
	check([]string{"drivers/integrator/x.c"}, nil)
	// Most specific first: rust/kernel/alloc/ (depth 3) before rust/ (1).
	check([]string{"rust/kernel/alloc/kbox.rs"}, nil, "RUST [ALLOC]", "RUST")
	check([]string{"rust/kernel/alloc.rs"}, nil, "RUST [ALLOC]", "RUST")
	check([]string{"scripts/generate_rust_analyzer.py"}, nil, "RUST")
	// K: keywords: any line before the diff, only +/- lines after it.
	check([]string{"drivers/base/core.c"}, []string{"Subject: [PATCH] base: prepare for Rust users", "---", "+++ b/drivers/base/core.c", "+int x;"}, "RUST")
	check([]string{"drivers/base/core.c"}, []string{"Subject: [PATCH] base: fix", "--- a/drivers/base/core.c", "+++ b/drivers/base/core.c", " context mentions rust", "+int x;"})
}

func TestRecipients(t *testing.T) {
	f, _ := Parse(sample)
	got := Recipients(f.ForPaths([]string{"rust/kernel/alloc/kvec.rs", "fs/x/foo.c"}, nil))
	var roles []string
	for _, r := range got {
		roles = append(roles, r.Email+" "+strings.SplitN(r.Role, ":", 2)[0])
	}
	// RUST [ALLOC] and FOO FILES have depth 3, RUST depth 1; each
	// address appears once (Alice is reviewer of both RUST sections, foo@
	// is FOO FILES' maintainer and its moderated list); the
	// subscribers-only list is left out.
	want := []string{
		"dakr@kernel.org maintainer",
		"aliceryhl@google.com reviewer",
		"rust-for-linux@vger.kernel.org open list",
		"foo@example.org supporter",
		"ojeda@kernel.org supporter",
	}
	if !reflect.DeepEqual(roles, want) {
		t.Errorf("Recipients = %q\nwant %q", roles, want)
	}
}

func TestParseSnapshotFormat(t *testing.T) {
	f, errs := Parse("===== header =====\n\tM: legend\n# comment\nRUST\nM:\tA <a@b>\nF:\trust/\nK:\t\\b(?i:rust)\\b\n\n")
	if len(errs) > 0 || len(f.Sections) != 1 || f.Sections[0].Title != "RUST" || len(f.Sections[0].Keywords) != 1 {
		t.Errorf("Parse = %+v, %v", f.Sections, errs)
	}
}

func TestPenguinChiefsLeftOut(t *testing.T) {
	f, _ := Parse("THE REST\nM:\tLinus Torvalds <torvalds@linux-foundation.org>\nL:\tlinux-kernel@vger.kernel.org\nF:\t*\nF:\t*/\n")
	got := Recipients(f.ForPaths([]string{"drivers/pwm/core.c"}, nil))
	if len(got) != 1 || got[0].Email != "linux-kernel@vger.kernel.org" {
		t.Errorf("THE REST gives %+v, want only its list", got)
	}
}
