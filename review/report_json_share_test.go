package review

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"
)

// TestShareJSON: after ShareJSON(2), SeriesJSON gives json.Marshal's
// bytes of each series, the first two calls one encoding, which is then
// let go; a third call encodes again. Without ShareJSON, each call
// encodes.
func TestShareJSON(t *testing.T) {
	rep := &Report{Series: []SeriesReport{{ID: "a", Title: "<one>"}, {ID: "b", Title: "two & three"}}}
	get := func(i int) []byte {
		t.Helper()
		b, err := rep.SeriesJSON(i)
		want, _ := json.Marshal(&rep.Series[i])
		if err != nil || !bytes.Equal(b, want) {
			t.Fatalf("SeriesJSON(%d) = %q, %v; want json.Marshal's %q", i, b, err, want)
		}
		return b
	}
	if a, b := get(0), get(0); &a[0] == &b[0] {
		t.Error("without ShareJSON, two calls gave the same bytes")
	}
	if rep.SharesJSON() {
		t.Error("SharesJSON before ShareJSON")
	}
	rep.ShareJSON(2)
	if !rep.SharesJSON() {
		t.Error("no SharesJSON after ShareJSON")
	}
	a := get(0)
	if rep.shared.data[0] == nil {
		t.Error("series 0 let go after one of its two users")
	}
	b := get(0)
	if &a[0] != &b[0] {
		t.Error("the two users of series 0 got two encodings")
	}
	if rep.shared.data[0] != nil {
		t.Error("series 0 still held after both users took it")
	}
	if c := get(0); &c[0] == &a[0] {
		t.Error("a third call got the shared bytes")
	}
	// A new slice of series is not the one shared.
	moved := *rep
	moved.Series = append([]SeriesReport(nil), rep.Series...)
	if moved.SharesJSON() {
		t.Error("SharesJSON for a copy of the series")
	}
}

// With WriteJSON and a saver taking every series side by side, each is
// encoded once and let go.
func TestShareJSONBesideWriteJSON(t *testing.T) {
	rep := &Report{}
	for i := range 300 { // several of WriteJSON's batches
		rep.Series = append(rep.Series, SeriesReport{ID: string(rune('a' + i%26)), Version: i})
	}
	var plain bytes.Buffer
	if err := rep.WriteJSON(&plain); err != nil {
		t.Fatal(err)
	}
	rep.ShareJSON(2)
	var printed bytes.Buffer
	saved := make([][]byte, len(rep.Series))
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := rep.WriteJSON(&printed); err != nil {
			t.Error(err)
		}
	})
	wg.Go(func() {
		for i := range rep.Series {
			saved[i], _ = rep.SeriesJSON(i)
		}
	})
	wg.Wait()
	if !bytes.Equal(printed.Bytes(), plain.Bytes()) {
		t.Error("WriteJSON of a shared report differs from an unshared one")
	}
	for i := range rep.Series {
		want, _ := json.Marshal(&rep.Series[i])
		if !bytes.Equal(saved[i], want) {
			t.Fatalf("series %d: saved %q, want %q", i, saved[i], want)
		}
		if rep.shared.data[i] != nil || rep.shared.claims[i].Load() != 2 {
			t.Errorf("series %d: held %v after both users, %d calls", i, rep.shared.data[i] != nil, rep.shared.claims[i].Load())
		}
	}
}
