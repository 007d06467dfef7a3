package inputs_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/inputs"
	"ferrule/cmd/internal/render"
	"ferrule/mail/mailtest"
	"ferrule/review"
)

// BenchmarkReviewDB reviews the whole linux-pwm archive as `ferrule
// review --format json` does, then as `ferrule review --db NEW.db --format
// json` does (into an empty store: the inputs stored as they are decoded,
// the review saved), alternately, and reports both times and their ratio
// (issue 14 asks for db/plain ≤ 1.3), in wall time and in CPU time (the
// process's, less disturbed by other load on the machine). Each op is one
// of each.
func BenchmarkReviewDB(b *testing.B) {
	ctx := context.Background()
	path := archiveFile(b)
	var plain, withDB, plainCPU, dbCPU time.Duration
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		// Alternate which goes first; each starts from a collected heap.
		for k := range 2 {
			db := ""
			if (i+k)%2 == 1 {
				db = filepath.Join(dir, fmt.Sprintf("review%d.db", i))
			}
			runtime.GC()
			start, cpu := time.Now(), cpuTime(b)
			mode := "plain"
			if db != "" {
				mode = "db"
			}
			pprof.Do(ctx, pprof.Labels("review", mode), func(ctx context.Context) { reviewFile(b, ctx, path, db) })
			wall, used := time.Since(start), cpuTime(b)-cpu
			if db == "" {
				plain, plainCPU = plain+wall, plainCPU+used
				continue
			}
			withDB, dbCPU = withDB+wall, dbCPU+used
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(db + suffix)
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(plain.Seconds()/n, "plain-s")
	b.ReportMetric(withDB.Seconds()/n, "db-s")
	b.ReportMetric(withDB.Seconds()/plain.Seconds(), "db/plain")
	b.ReportMetric(plainCPU.Seconds()/n, "plain-cpu-s")
	b.ReportMetric(dbCPU.Seconds()/n, "db-cpu-s")
	b.ReportMetric(dbCPU.Seconds()/plainCPU.Seconds(), "db/plain-cpu")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// archiveFile decompresses the archive into a temporary file.
func archiveFile(b *testing.B) string {
	b.Helper()
	r, stop := mailtest.OpenArchive(b)
	defer stop()
	path := filepath.Join(b.TempDir(), "linux-pwm.mbox")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, r); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// reviewFile is cmd/ferrule's review of path (into the store at dbPath
// unless it is empty), the JSON output to io.Discard.
func reviewFile(b *testing.B, ctx context.Context, path, dbPath string) {
	b.Helper()
	opts, err := analysis.Options("", nil)
	if err != nil {
		b.Fatal(err)
	}
	opts.DropRecipients = true
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	job := &inputs.ReviewJob{Paths: []string{path}, DBPath: dbPath, Options: opts,
		Printed: review.ReportOptions{Now: now}, Saved: review.ReportOptions{Now: now},
		Print: func(rep *review.Report) error { return render.JSON(io.Discard, rep, render.Style{}) }}
	if cut, err := job.Run(ctx); err != nil || cut != nil {
		b.Fatalf("review: %v, cut %v", err, cut)
	}
}
