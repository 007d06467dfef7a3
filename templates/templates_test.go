package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferrule/mail/mailtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func render(t *testing.T, s *Set, name string, data any) string {
	t.Helper()
	m, err := s.Render(name, data)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, h := range m.Headers {
		b.WriteString(h[0] + ": " + h[1] + "\n")
	}
	return b.String() + "\n" + m.Body
}

func TestDefaultsGolden(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range samples() {
		mailtest.Golden(t, filepath.Join("testdata", name+".golden"), render(t, s, name, data), *update)
	}
}

func TestUserOverrideAndErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "reply"), []byte("Subject: mine {{.Subject}}\n\nbody\n"), 0o600)
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Render(Reply, samples()[Reply]); m.Header("Subject") != "mine [PATCH] rust: pwm: sample" {
		t.Errorf("override not used: %+v", m)
	}
	// A broken template fails at load with its file and line.
	os.WriteFile(filepath.Join(dir, "reply"), []byte("Subject: x\n\nline two\n{{.Nope}}\n"), 0o600)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "reply")+":4") {
		t.Errorf("Load(broken) = %v, want file:line", err)
	}
	os.WriteFile(filepath.Join(dir, "reply"), []byte("Subject: x\n\n{{if}}\n"), 0o600)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "reply")+":3") {
		t.Errorf("Load(unparsable) = %v, want file:line", err)
	}
	// No function runs programs.
	os.WriteFile(filepath.Join(dir, "reply"), []byte("Subject: x\n\n{{exec \"id\"}}\n"), 0o600)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "not defined") {
		t.Errorf("exec accepted: %v", err)
	}
}

func TestB4ThanksTemplate(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "thanks"), []byte("# a b4 ty template\nSubject: Re: ${subject}\n\nOn ${sentdate}, ${fromname} wrote:\n${quote}\n\nApplied to ${treename}, thanks!\n\n${summary}\n${firstname} stays\n-- \n${signature}\n"), 0o600)
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := &ThanksData{FromName: "Ada Example", Subject: "[PATCH 0/2] x", SentDate: time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC),
		Quote: "> hello\n> [...]", Summary: "[1/2] one\n[2/2] two", Signature: "M <m@x>"}
	out := render(t, s, Thanks, d)
	for _, want := range []string{"Subject: Re: [PATCH 0/2] x", "On Thu, 01 Oct 2026 10:00:00 +0000, Ada Example wrote:", "Applied to local tree, thanks!", "[2/2] two", "${firstname} stays"} {
		if !strings.Contains(out, want) {
			t.Errorf("b4 template output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "# a b4") {
		t.Error("comment line kept")
	}
}

func TestHTMLEscapesMailText(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	d := samples()[DigestHTML].(*DigestData)
	d.Tiers[0].Series[0].Title = `<script>alert(1)</script> "><img src=x>`
	d.Tiers[0].Series[0].Link = `javascript:alert(1)`
	out := render(t, s, DigestHTML, d)
	if strings.Contains(out, "<script>") || strings.Contains(out, "<img") || strings.Contains(out, `href="javascript:`) {
		t.Errorf("hostile text not escaped:\n%s", out)
	}
}

func TestFuncs(t *testing.T) {
	if got := quote("a\n\nb\n"); got != "> a\n>\n> b" {
		t.Errorf("quote = %q", got)
	}
	if got := wrap(10, "one two three four"); got != "one two\nthree four" {
		t.Errorf("wrap = %q", got)
	}
	if got := trimSignature("text\n-- \nsig\n"); got != "text\n" {
		t.Errorf("trimSignature = %q", got)
	}
	if got := firstName(`"Ada Example"`); got != "Ada" {
		t.Errorf("firstName = %q", got)
	}
	if got := plural("change", "changes", 1) + ", " + plural("change", "changes", 0); got != "1 change, 0 changes" {
		t.Errorf("plural = %q", got)
	}
}
