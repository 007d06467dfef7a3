package lore_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/cmd/internal/lore"
	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/am"
	"ferrule/review/rustcheck"
)

// startPublicInbox builds a v2 inbox "test" from the mbox files and serves
// it with public-inbox-httpd on 127.0.0.1; it returns the inbox URL. The
// server is stopped, by PID, when the test ends.
func startPublicInbox(t *testing.T, mboxes ...string) string {
	t.Helper()
	pi := mailtest.NewPublicInbox(t, 0)
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
	pi.ImportMbox(t, b)
	return pi.ServeHTTP(t)
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
		_, err := am.Write(&mbox, res.Series[0].Latest(), func(id string) ([]byte, error) {
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
