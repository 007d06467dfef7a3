package main

import (
	"bytes"
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"ferrule/cmd/internal/cli"
	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/store"
)

// BenchmarkViewsOnArchive: show and reply on a store holding the whole
// linux-pwm archive read the saved review and decode only the messages of
// one family of revisions, without the checkers (compare show-db and
// reply-db with show-example, show on the example mbox, of the same run).
// The setup ingests and reviews the archive once (about a minute; run
// with -run '^$' -benchtime 20x).
func BenchmarkViewsOnArchive(b *testing.B) {
	ctx := context.Background()
	db := filepath.Join(b.TempDir(), "archive.db")
	r, stop := mailtest.OpenArchive(b)
	d, err := store.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := d.Ingest(ctx, mail.NewMboxReader(r, "linux-pwm", nil)); err != nil {
		b.Fatal(err)
	}
	stop()
	if code, _, stderr := runCmdB(b, "review", "--db", db); code != cli.ExitOK {
		b.Fatalf("review --db: exit %d: %s", code, stderr)
	}
	// A patch of a revised series: show follows its revisions.
	rep, ok, err := d.LastReview(ctx, store.ReviewQuery{})
	if err != nil || !ok {
		b.Fatalf("no saved review: %v", err)
	}
	d.Close()
	// Typical: of the current series with one earlier version, the one
	// of median size. Worst: the largest family of revisions.
	var revised []review.SeriesReport
	largest, most := "", 0
	for _, s := range rep.Series {
		if len(s.Patches) == 0 {
			continue
		}
		if len(s.Supersedes) == 1 && s.SupersededBy == nil {
			revised = append(revised, s)
		}
		if len(s.Supersedes) > most {
			largest, most = s.Patches[0].MessageID, len(s.Supersedes)
		}
	}
	if len(revised) == 0 || largest == "" {
		b.Fatal("no revised series in the archive")
	}
	sort.SliceStable(revised, func(i, j int) bool { return len(revised[i].Patches) < len(revised[j].Patches) })
	median := revised[len(revised)/2]
	typical := median.Patches[0].MessageID
	b.Logf("%d series saved; typical <%s> (%d patches, 1 earlier version), largest family <%s> (%d earlier versions)",
		len(rep.Series), typical, len(median.Patches), largest, most)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"show-example", []string{"show", "20261001-pwm-demo-v1-2-aaaa@example.org", example}},
		{"show-db", []string{"show", "--db", db, typical}},
		{"reply-db", []string{"reply", "--db", db, "--from", "Me <me@example.org>", typical}},
		{"show-db-largest-family", []string{"show", "--db", db, largest}},
		{"reply-db-largest-family", []string{"reply", "--db", db, "--from", "Me <me@example.org>", largest}},
		{"review-db-limit-5", []string{"review", "--db", db, "--limit", "5"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if code, _, stderr := runCmdB(b, c.args...); code != cli.ExitOK {
					b.Fatalf("%v: exit %d: %s", c.args, code, stderr)
				}
			}
		})
	}
}

func runCmdB(b *testing.B, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, now: testNow}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}
