package am_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"ferrule/mail/mailtest"
)

// TestLiveB4 runs the installed b4 (skipped when absent) on the real
// threads and compares its am mbox with ferrule's directly: the same
// patches, subjects and trailers. It is what testdata/b4-am was made from.
// It takes about a minute, so it runs only with FERRULE_B4=1.
func TestLiveB4(t *testing.T) {
	if os.Getenv("FERRULE_B4") != "1" {
		t.Skip("set FERRULE_B4=1 to compare with the installed b4 (about a minute)")
	}
	b4, err := exec.LookPath("b4")
	if err != nil {
		t.Skip("b4 not installed (apt-get install b4)")
	}
	lore := mailtest.SharedDir(t, "rust-series", "lore")
	refs, _ := filepath.Glob("testdata/b4-am/*.trailers")
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "GIT_CONFIG_NOSYSTEM=1")
	repo := filepath.Join(home, "repo")
	for _, args := range [][]string{
		{"init", "-q", repo},
		{"config", "--global", "user.name", "Test Override"},
		{"config", "--global", "user.email", "test-override@example.com"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	for _, ref := range refs {
		name := strings.TrimSuffix(filepath.Base(ref), ".trailers")
		t.Run(name, func(t *testing.T) {
			_, order, _ := readTrailers(t, ref)
			input := filepath.Join(lore, name+".mbox")
			unfolded := filepath.Join(home, name+".mbox")
			if err := os.WriteFile(unfolded, unfoldSubjects(readFile(t, input)), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(b4, "--offline-mode", "-n", "am", "-m", unfolded, "-o", "-", order[0])
			cmd.Env, cmd.Dir = env, repo
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("b4 am: %v\n%s", err, stderr.String())
			}
			th := load(t, input)
			got, _ := writeAm(t, th, order[0], nil)
			wantT, wantOrder := commitTrailers(t, want)
			gotT, gotOrder := commitTrailers(t, got)
			if !reflect.DeepEqual(gotOrder, wantOrder) {
				t.Fatalf("patches %q, b4 %q", gotOrder, wantOrder)
			}
			if !reflect.DeepEqual(gotT, wantT) {
				t.Errorf("trailers %q\nb4 %q", gotT, wantT)
			}
			if g, w := subjects(t, got), subjects(t, want); !reflect.DeepEqual(g, w) {
				t.Errorf("subjects %q\nb4 %q", g, w)
			}
		})
	}
}

// unfoldSubjects joins folded Subject headers onto one line: b4 0.12
// crashes on them ("Header values may not contain linefeed").
func unfoldSubjects(mbox []byte) []byte {
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(mbox))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	inHeader, inSubject, prevBlank := false, false, true
	for sc.Scan() {
		line := sc.Text()
		switch {
		case prevBlank && strings.HasPrefix(line, "From "):
			inHeader, inSubject = true, false
		case inHeader && line == "":
			inHeader, inSubject = false, false
		case inHeader && inSubject && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
			out.Truncate(out.Len() - 1)
			out.WriteString(" " + strings.TrimSpace(line) + "\n")
			continue
		case inHeader:
			inSubject = strings.HasPrefix(strings.ToLower(line), "subject:")
		}
		prevBlank = line == ""
		out.WriteString(line + "\n")
	}
	return out.Bytes()
}
