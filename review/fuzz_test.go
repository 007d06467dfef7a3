package review

import (
	"testing"

	"ferrule/mail"
)

func FuzzParseSubject(f *testing.F) {
	for _, s := range []string{
		"[PATCH v3 2/7] rust: sync: add Arc", "Re: [RFC PATCH net-next v2 01/10] x",
		"[PATCH [net-next] v2] x", "v2PATCH1/4", "[PATCH 0 of 2] x (v2)", "[[[[", "]]][",
		"Aw: Sv: RE x", "[PATCH v5.1 10/12] x", "[PATCH] 1/2: y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sub := ParseSubject(s)
		if sub.Version < 1 {
			t.Fatalf("ParseSubject(%q).Version = %d", s, sub.Version)
		}
		if sub.Counter && sub.Total <= 0 {
			t.Fatalf("ParseSubject(%q): counter with total %d", s, sub.Total)
		}
		if len(sub.Title) > len(s) {
			t.Fatalf("ParseSubject(%q): title longer than subject", s)
		}
		_ = NormalizeTitle(sub.Title)
	})
}

// FuzzInspect runs decoding, diff parsing and trailer extraction on one
// message and assembles it, as the pipeline does.
func FuzzInspect(f *testing.F) {
	f.Add([]byte("Subject: [PATCH 1/2] x\nMessage-ID: <a@b>\n\nSigned-off-by: A <a@b>\n---\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"))
	f.Add([]byte("Subject: Re: [PATCH] x\nIn-Reply-To: <a@b>\n\n> quoted\nReviewed-by: R <r@b>\n-- \nsig\n"))
	f.Add([]byte("Subject: [GIT PULL] x\n\nThe following changes since commit abc:\n\nare available in the git repository at:\n\n  git://x/y.git tag\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := mail.Parse(&mail.Raw{Position: "fuzz:1", Bytes: in})
		if err != nil {
			return
		}
		p := Inspect(m, &InspectOptions{KeepHunks: true})
		if p.Kind == "" {
			t.Fatal("no kind")
		}
		a := NewAssembler()
		a.Add(p)
		r := a.Finish()
		if r.Counts.Total != 1 {
			t.Fatalf("Total = %d", r.Counts.Total)
		}
	})
}
