package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"ferrule/cmd/internal/results"
	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/store"
)

// BenchmarkArchive serves a store holding the whole linux-pwm archive
// and its saved review, as `ferrule review --db` leaves it (built once,
// which takes a minute or two): the queue page and the page of its
// largest revised series, whose interdiff is computed from the stored
// messages, must each render in 50 ms, and the server must hold at most
// 100 MB once it has read the results (reported as MB-held).
func BenchmarkArchive(b *testing.B) {
	if testing.Short() {
		b.Skip("whole-archive benchmark skipped in -short mode")
	}
	start := time.Now()
	db := archiveStore(b)
	reps, err := db.Reports(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	// The series pages of the largest series with a previous revision
	// and of the one of median size.
	big := ""
	most := 0
	var revised []review.SeriesReport
	for _, r := range reps {
		if len(r.Supersedes) > 0 && len(r.Patches) > 0 {
			revised = append(revised, r)
			if len(r.Patches) > most {
				big, most = r.ID, len(r.Patches)
			}
		}
	}
	if big == "" {
		b.Fatal("no revised series in the archive")
	}
	sort.SliceStable(revised, func(i, j int) bool { return len(revised[i].Patches) < len(revised[j].Patches) })
	typical := revised[len(revised)/2]
	b.Logf("store: %d series reviewed and saved in %v; series pages of %s (%d patches) and %s (%d patches)",
		len(reps), time.Since(start).Round(time.Second), big, most, typical.ID, len(typical.Patches))
	reps = nil

	before := heapInUse()
	h := New(Options{Source: db, Now: func() time.Time { return testNow }})
	for _, id := range []string{big, typical.ID} {
		if body := serveBody(b, h, seriesHref(id)); !strings.Contains(body, `<ul class="changes">`) || strings.Contains(body, "by patch-id only") {
			b.Fatalf("the series page of %s has no interdiff computed from the store", id)
		}
	}
	page := func(b *testing.B, path string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			b.Fatalf("%s: status %d", path, rec.Code)
		}
	}
	pages := []struct{ name, path string }{
		{"queue", "/"},
		{"queue-all-open", "/?limit=0"},
		{"series", seriesHref(big)},
		{"series-typical", seriesHref(typical.ID)},
		{"maintainer", "/m/ukleinek@kernel.org"},
	}
	for _, p := range pages {
		page(b, p.path) // the first request reads the results
	}
	held := float64(heapInUse()-before) / (1 << 20)
	b.Logf("memory held after reading the results: %.1f MB", held)
	if held > 100 {
		b.Errorf("the server holds %.1f MB, more than 100 MB", held)
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				page(b, p.path)
			}
			ms := float64(b.Elapsed().Microseconds()) / 1000 / float64(b.N)
			b.ReportMetric(ms, "ms/page")
			// CPU time is what the page costs on a busy machine, where
			// wall time also counts other processes' turns.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/page")
			b.ReportMetric(held, "MB-held")
		})
	}
}

// serveBody serves one request and returns the body.
func serveBody(b *testing.B, h http.Handler, path string) string {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Body.String()
}

// archiveStore stores and reviews the archive into a new store; with
// $FERRULE_BENCH_STORE set, it keeps the store at that path and reuses it
// on the next run (a store filled by `ferrule review --db` will do).
func archiveStore(b *testing.B) results.View {
	path := os.Getenv("FERRULE_BENCH_STORE")
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			db, err := store.Open(context.Background(), path)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return results.View{DB: db}
		}
	} else {
		path = filepath.Join(b.TempDir(), "ferrule.db")
	}
	r, stop := mailtest.OpenArchive(b)
	defer stop()
	return savedStore(b, mail.NewMboxReader(r, "linux-pwm.mbox", nil), path)
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
