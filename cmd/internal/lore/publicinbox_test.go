package lore_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ferrule/cmd/internal/lore"
	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/am"
	"ferrule/review/rustcheck"
)

// importScript imports an mboxrd from stdin into the inbox named by
// ARGV[0] in one transaction, with public-inbox's own API (DEPS.md §6).
const importScript = `use PublicInbox::Config; use PublicInbox::InboxWritable;
my $ibx = PublicInbox::Config->new->lookup_name($ARGV[0]) or die "no inbox $ARGV[0]\n";
$ibx = PublicInbox::InboxWritable->new($ibx); $ibx->{-no_fsync} = 1;
$ibx->import_mbox(\*STDIN, 'mboxrd');`

// startPublicInbox builds a v2 inbox "test" from the mbox files and serves
// it with public-inbox-httpd on 127.0.0.1; it returns the inbox URL. The
// server is stopped, by PID, when the test ends.
func startPublicInbox(t *testing.T, mboxes ...string) string {
	t.Helper()
	for _, prog := range []string{"public-inbox-init", "public-inbox-httpd", "perl"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s not installed (apt-get install public-inbox; .ci/run does it)", prog)
		}
	}
	dir := t.TempDir()
	env := append(os.Environ(), "HOME="+filepath.Join(dir, "home"),
		"PI_CONFIG="+filepath.Join(dir, "pi-config"), "PI_NO_FSYNC=1")
	run := func(stdin string, name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env, cmd.Dir = env, dir
		if stdin != "" {
			f, err := os.Open(stdin)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cmd.Stdin = f
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "home"), 0o700); err != nil {
		t.Fatal(err)
	}
	run("", "public-inbox-init", "-V2", "test", filepath.Join(dir, "inbox"), "http://127.0.0.1/test", "test@example.invalid")
	all := filepath.Join(dir, "all.mbox")
	var b []byte
	for _, m := range mboxes {
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, data...)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
	}
	if err := os.WriteFile(all, b, 0o600); err != nil {
		t.Fatal(err)
	}
	run(all, "perl", "-e", importScript, "test")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command("public-inbox-httpd", "-W0", "-l", url)
	cmd.Env, cmd.Dir = env, dir
	logf, err := os.Create(filepath.Join(dir, "httpd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logf.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/test/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "httpd.log"))
			t.Fatalf("public-inbox-httpd did not answer on %s: %v\n%s", url, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return url + "/test/"
}

// TestFetchFromPublicInbox serves real threads with public-inbox and
// checks that each fetched by the Message-ID of one of its replies (or a
// lore-style URL) reviews exactly as the mbox file it was imported from:
// same messages, series, parts, trailers and findings.
func TestFetchFromPublicInbox(t *testing.T) {
	lorDir := mailtest.SharedDir(t, "rust-series", "lore")
	threads := []string{"pwm-zeroed-v1", "clk-exclusive-v2", "pwm-abstractions-v16", "devres-devreslt"}
	var files []string
	for _, n := range threads {
		files = append(files, filepath.Join(lorDir, n+".mbox"))
	}
	base := startPublicInbox(t, files...)
	ids := provenance(t, filepath.Join(lorDir, "PROVENANCE.tsv"))
	cache := t.TempDir()
	for i, name := range threads {
		t.Run(name, func(t *testing.T) {
			list := ids["lore/"+name+".mbox"]
			if len(list) == 0 {
				t.Fatal("thread not in PROVENANCE.tsv")
			}
			id := list[len(list)-1] // the last message: a reply deep in the thread
			opts := &lore.Options{Base: base, CacheDir: cache}
			arg := "<" + id + ">"
			if i%2 == 1 {
				arg, opts.Base = base+id+"/T/#u", "http://127.0.0.1:1/unused/"
			}
			th, err := lore.Fetch(context.Background(), arg, opts)
			if err != nil {
				t.Fatal(err)
			}
			r, err := th.Reader()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, gotAm := summary(t, mail.NewMboxReader(r, th.URL, nil))
			src, err := mail.Open([]string{files[i]}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			want, wantAm := summary(t, src)
			if !strings.Contains(wantAm, "\ndiff --git ") {
				t.Errorf("am mbox of the file holds no patch:\n%s", wantAm)
			}
			if gotAm != wantAm {
				t.Errorf("am mbox of the fetched thread differs from the file's:\n%s\nwant\n%s", gotAm, wantAm)
			}
			if got != want {
				t.Errorf("fetched thread reviews as\n%s\nthe mbox file as\n%s", got, want)
			}
			t.Logf("%s: %s", th.URL, strings.SplitN(got, "\n", 2)[0])
			if !strings.Contains(want, "trailer ") {
				t.Errorf("thread has no trailers: the comparison is weak\n%s", want)
			}
		})
	}
	_, err := lore.Fetch(context.Background(), "no-such-message@example.invalid", &lore.Options{Base: base})
	if !errors.Is(err, lore.ErrNotFound) {
		t.Errorf("unknown Message-ID: err = %v, want ErrNotFound", err)
	}
}

// summary reviews src and prints what a reviewer sees of it, and returns
// the am mbox of its newest series.
func summary(t *testing.T, src mail.Source) (string, string) {
	t.Helper()
	raw := map[string][]byte{}
	keep := &keepRaw{src: src, raw: raw}
	res, err := review.Ingest(context.Background(), keep, &review.IngestOptions{
		Checkers: []review.Checker{rustcheck.New(nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var mbox bytes.Buffer
	if len(res.Series) > 0 {
		_, err := am.Write(&mbox, am.Latest(res.Series[0]), func(id string) ([]byte, error) {
			if b, ok := raw[id]; ok {
				return b, nil
			}
			return nil, errors.New("not in the thread")
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	var b strings.Builder
	c := res.Counts
	fmt.Fprintf(&b, "messages %d: %d patches, %d covers, %d replies, %d other, %d unparsed\n",
		c.Total, c.Patches, c.Covers, c.Replies, c.Other, c.Unparsed)
	for _, s := range res.Series {
		fmt.Fprintf(&b, "series <%s> v%d %q %d/%d missing %v superseded %v replies %d\n",
			s.ID, s.Version, s.Title, len(s.Parts), s.Total, s.Missing, s.Superseded(), len(s.Replies))
		for _, f := range s.Findings {
			fmt.Fprintf(&b, "  finding %s %s %s:%d\n", f.Rule, f.Severity, f.File, f.Line)
		}
		for _, p := range s.Parts {
			fmt.Fprintf(&b, "  [%d] <%s> %s\n", p.Number, p.Post.MessageID, p.Post.PatchID)
			for _, tr := range p.Trailers {
				fmt.Fprintf(&b, "    trailer %s (%s, verified %v)\n", tr.String(), tr.Source, tr.Verified)
			}
			for _, f := range p.Post.Findings {
				fmt.Fprintf(&b, "    finding %s %s %s:%d\n", f.Rule, f.Severity, f.File, f.Line)
			}
		}
	}
	return b.String(), mbox.String()
}

// keepRaw is a source that remembers every message's bytes by
// Message-ID, as the CLI re-reads them for am.
type keepRaw struct {
	src mail.Source
	raw map[string][]byte
}

func (k *keepRaw) Next(ctx context.Context) (*mail.Raw, error) {
	r, err := k.src.Next(ctx)
	if err == nil {
		if m, perr := mail.Parse(r); perr == nil {
			if _, dup := k.raw[m.MessageID]; !dup {
				k.raw[m.MessageID] = r.Bytes
			}
		}
	}
	return r, err
}

func (k *keepRaw) Position() string { return k.src.Position() }

// provenance reads PROVENANCE.tsv: file → Message-IDs in index order.
func provenance(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		if len(col) == 4 && col[0] != "file" {
			out[col[0]] = append(out[col[0]], strings.Trim(col[3], "<>"))
		}
	}
	return out
}
