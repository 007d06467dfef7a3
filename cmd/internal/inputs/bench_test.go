package inputs_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
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
// the review saved), and with --no-fsync, in turn (which goes first
// rotates), and reports the times and their ratios to the plain review
// (issue 14 asks for db/plain ≤ 1.3), in wall time and in CPU time (the
// process's, less disturbed by other load on the machine). Each op is one
// of each. It also reports the bytes each mode hands to write system
// calls (the store's WAL, database and temporary files), where the kernel
// counts them (/proc/self/io): far less disturbed than time by the
// machine's other load (618.0-618.1 MB in seven runs at one commit),
// though how far each checkpoint gets can still vary with timing.
func BenchmarkReviewDB(b *testing.B) {
	ctx := context.Background()
	path := archiveFile(b)
	modes := []string{"plain", "db", "nofsync"}
	wall := make([]time.Duration, len(modes))
	cpu := make([]time.Duration, len(modes))
	written := make([]int64, len(modes))
	_, counted := bytesWritten()
	if !counted {
		b.Log("no /proc/self/io: bytes written not reported")
	}
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		for k := range modes {
			m := (i + k) % len(modes)
			db := ""
			if modes[m] != "plain" {
				db = filepath.Join(dir, fmt.Sprintf("review%d.db", i))
			}
			runtime.GC() // each starts from a collected heap
			start, used := time.Now(), cpuTime(b)
			wrote, _ := bytesWritten()
			pprof.Do(ctx, pprof.Labels("review", modes[m]), func(ctx context.Context) {
				reviewFile(b, ctx, path, db, modes[m] == "nofsync")
			})
			wall[m] += time.Since(start)
			cpu[m] += cpuTime(b) - used
			now, _ := bytesWritten()
			written[m] += now - wrote
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(db + suffix)
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(wall[0].Seconds()/n, "plain-s")
	b.ReportMetric(cpu[0].Seconds()/n, "plain-cpu-s")
	for m := 1; m < len(modes); m++ {
		b.ReportMetric(wall[m].Seconds()/n, modes[m]+"-s")
		b.ReportMetric(wall[m].Seconds()/wall[0].Seconds(), modes[m]+"/plain")
		b.ReportMetric(cpu[m].Seconds()/cpu[0].Seconds(), modes[m]+"/plain-cpu")
		if counted {
			b.ReportMetric(float64(written[m])/1e6/n, modes[m]+"-written-MB")
		}
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bytesWritten is what the process has handed to write system calls
// (wchar of /proc/self/io); ok is false where the kernel does not count
// it.
func bytesWritten() (n int64, ok bool) {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, found := strings.CutPrefix(line, "wchar: "); found {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
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
// unless it is empty, without fsync if noSync), the JSON output to
// io.Discard.
func reviewFile(b *testing.B, ctx context.Context, path, dbPath string, noSync bool) {
	b.Helper()
	opts, err := analysis.Options("", nil)
	if err != nil {
		b.Fatal(err)
	}
	opts.DropRecipients = true
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	job := &inputs.ReviewJob{Paths: []string{path}, DBPath: dbPath, NoSync: noSync, Options: opts,
		Printed: review.ReportOptions{Now: now}, Saved: review.ReportOptions{Now: now}, PrintsJSON: true,
		Print: func(rep *review.Report) error { return render.JSON(io.Discard, rep, render.Style{}) }}
	if cut, err := job.Run(ctx); err != nil || cut != nil {
		b.Fatalf("review: %v, cut %v", err, cut)
	}
}
