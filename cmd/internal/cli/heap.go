package cli

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// StartingHeap lets a batch command's heap grow to size before the
// garbage collector works as hard as Go's default asks, as cmd/compile
// does with its starting heap: while the live heap is under half of size
// the collector runs at GOGC=300 within a memory limit of size, so a
// small heap is collected a third as often and never grows past size;
// once the live heap passes half of size, Go's defaults (GOGC=100, no
// limit) come back for the rest of the run, so a large input is never
// collected more often than without it. The returned func restores the
// defaults. Call it only when the user has set neither GOGC nor
// GOMEMLIMIT.
func StartingHeap(size uint64) (stop func()) {
	prevPercent := debug.SetGCPercent(300)
	prevLimit := debug.SetMemoryLimit(int64(min(size, math.MaxInt64)))
	done := make(chan struct{})
	finished := make(chan struct{})
	restore := func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	}
	go func() {
		defer close(finished)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > size/2 {
				restore()
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		restore()
	}
}
