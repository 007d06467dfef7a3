package review_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
)

const archiveMessages = 23541 // shared/testdata/lists/README.md

// openArchive streams the whole linux-pwm archive through xz.
func openArchive(tb testing.TB) (io.ReadCloser, func()) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("whole-archive test skipped in -short mode")
	}
	return mailtest.OpenArchive(tb)
}

// TestWholeArchive reviews all seven years of linux-pwm: every message is
// accounted for, nothing panics.
func TestWholeArchive(t *testing.T) {
	r, stop := openArchive(t)
	defer stop()
	res, err := review.Ingest(context.Background(), mail.NewMboxReader(r, "linux-pwm.mbox", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Counts
	if c.Total != archiveMessages {
		t.Errorf("total = %d, want %d", c.Total, archiveMessages)
	}
	if sum := c.Patches + c.Covers + c.Replies + c.Other + c.Unparsed; sum != c.Total {
		t.Errorf("patches+covers+replies+other+unparsed = %d, want total %d (%+v)", sum, c.Total, c)
	}
	if c.Patches < 5000 || c.Replies < 5000 || len(res.Series) < 1000 {
		t.Errorf("implausible split for a patch list: %+v, %d series", c, len(res.Series))
	}
	for _, p := range res.Unparsed {
		if p.Error == "" || p.Position == "" {
			t.Errorf("unparsed message without position or error: %+v", p)
		}
	}
	t.Logf("%+v, %d series", c, len(res.Series))
}

// TestMboxStreamsInBoundedMemory reads the whole 222 MB archive through the
// mbox reader and checks the live heap never exceeds a small bound: memory
// does not grow with the size of the mbox.
func TestMboxStreamsInBoundedMemory(t *testing.T) {
	r, stop := openArchive(t)
	defer stop()
	src := mail.NewMboxReader(r, "linux-pwm.mbox", nil)
	var ms runtime.MemStats
	var peak uint64
	var bytes int64
	n := 0
	for {
		raw, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		bytes += int64(len(raw.Bytes))
		n++
		if n%2000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak {
				peak = ms.HeapAlloc
			}
		}
	}
	if n != archiveMessages {
		t.Errorf("read %d messages, want %d", n, archiveMessages)
	}
	const bound = 32 << 20
	if peak > bound {
		t.Errorf("live heap reached %d MiB while streaming %d MiB, want < %d MiB", peak>>20, bytes>>20, bound>>20)
	}
	t.Logf("streamed %d MiB, live heap peak %.1f MiB", bytes>>20, float64(peak)/(1<<20))
}

// TestPatchworkFuzzMail feeds Patchwork's fuzzer-found mails through the
// whole pipeline: each one is accounted for, none panics.
func TestPatchworkFuzzMail(t *testing.T) {
	dir := mailtest.SharedDir(t, "patchwork", "fuzz")
	files, _ := filepath.Glob(filepath.Join(dir, "*.mbox"))
	if len(files) == 0 {
		t.Fatal("no fuzz fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			res := ingest(t, f)
			c := res.Counts
			if c.Total < 1 || c.Patches+c.Covers+c.Replies+c.Other+c.Unparsed != c.Total {
				t.Errorf("counts %+v do not account for every message", c)
			}
		})
	}
	// And the single-mail fixtures, some of them without Message-IDs.
	mailDir := mailtest.SharedDir(t, "patchwork", "mail")
	all, _ := filepath.Glob(filepath.Join(mailDir, "*.mbox"))
	res := ingest(t, all...)
	if res.Counts.Total != len(all) {
		t.Errorf("mail fixtures: total %d, want %d", res.Counts.Total, len(all))
	}
}
