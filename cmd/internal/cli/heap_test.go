package cli

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// StartingHeap makes the collector lazier under its budget, and gives Go's
// defaults back once the live heap passes half of it, and when stopped.
func TestStartingHeap(t *testing.T) {
	// Read GOGC without setting it: SetGCPercent(-1) and back would race
	// with StartingHeap's own restore and could undo it.
	percent := func() int {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		metrics.Read(s)
		return int(s[0].Value.Uint64())
	}
	limit := func() int64 { return debug.SetMemoryLimit(-1) }
	before, beforeLimit := percent(), limit()

	stop := StartingHeap(1 << 40)
	if percent() != 300 || limit() != 1<<40 {
		t.Errorf("under the budget: GOGC %d, limit %d", percent(), limit())
	}
	stop()
	if percent() != before || limit() != beforeLimit {
		t.Errorf("after stop: GOGC %d, limit %d; want %d, %d", percent(), limit(), before, beforeLimit)
	}

	// A live heap past half the budget: the defaults come back.
	stop = StartingHeap(16 << 20)
	defer stop()
	keep := make([][]byte, 0, 16)
	for range 12 {
		keep = append(keep, make([]byte, 1<<20))
	}
	deadline := time.Now().Add(5 * time.Second)
	for percent() != before && time.Now().Before(deadline) {
		runtime.GC() // the live-heap metric is updated by a collection
		time.Sleep(20 * time.Millisecond)
	}
	if percent() != before || limit() != math.MaxInt64 && limit() != beforeLimit {
		t.Errorf("past half the budget: GOGC %d, limit %d; want the defaults", percent(), limit())
	}
	runtime.KeepAlive(keep)
}
