package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
)

// WriteJSON writes r as json.Encoder with SetIndent("", "  ") does, byte
// for byte, but a batch of series at a time: only their JSON is in
// memory, not the whole document twice (compact, then indented), unless
// ShareJSON keeps some for another user. Writes go straight to w: give
// it a buffered writer.
func (r *Report) WriteJSON(w io.Writer) error {
	jw := &jsonWriter{w: w}
	jw.raw("{\n  \"messages\": ")
	jw.value(r.Messages, "  ")
	jw.raw(",\n  \"series\": ")
	switch {
	case r.Series == nil:
		jw.raw("null")
	case len(r.Series) == 0:
		jw.raw("[]")
	default:
		jw.raw("[")
		jw.series(r)
		jw.raw("\n  ]")
	}
	jw.raw(",\n  \"unparsed\": ")
	jw.value(r.Unparsed, "  ")
	jw.raw("\n}\n")
	return jw.err
}

// jsonWriter keeps the first error and reuses one buffer for the
// indented values.
type jsonWriter struct {
	w   io.Writer
	buf bytes.Buffer
	err error
}

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = io.WriteString(j.w, s)
	}
}

// value writes v indented by two spaces a level, its lines after the
// first starting with prefix.
func (j *jsonWriter) value(v any, prefix string) {
	if j.err != nil {
		return
	}
	j.buf.Reset()
	if j.err = indented(&j.buf, v, prefix); j.err == nil {
		_, j.err = j.w.Write(j.buf.Bytes())
	}
}

// seriesBatch is how many series are encoded at once, on every CPU,
// before they are written in order: the encoding was the longest step
// after the review, and a batch bounds what is held.
const seriesBatch = 64

// series writes the elements of r's series array.
func (j *jsonWriter) series(r *Report) {
	series, shared := r.Series, r.SharesJSON()
	bufs := make([]bytes.Buffer, min(seriesBatch, len(series)))
	errs := make([]error, len(bufs))
	workers := runtime.GOMAXPROCS(0)
	for start := 0; start < len(series) && j.err == nil; start += seriesBatch {
		batch := series[start:min(start+seriesBatch, len(series))]
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(workers, len(batch)) {
			wg.Go(func() {
				for k := int(next.Add(1)) - 1; k < len(batch); k = int(next.Add(1)) - 1 {
					bufs[k].Reset()
					if !shared {
						errs[k] = indented(&bufs[k], &batch[k], "    ")
						continue
					}
					b, err := r.SeriesJSON(start + k)
					if err != nil {
						errs[k] = fmt.Errorf("encode report: %w", err)
						continue
					}
					errs[k] = nil
					bufs[k].Write(appendIndented(bufs[k].AvailableBuffer(), b, "    ", "  "))
				}
			})
		}
		wg.Wait()
		for k := range batch {
			if start+k > 0 {
				j.raw(",")
			}
			j.raw("\n    ")
			if j.err == nil {
				if j.err = errs[k]; j.err == nil {
					_, j.err = j.w.Write(bufs[k].Bytes())
				}
			}
		}
	}
}

// indented appends v's JSON to buf as json.Encoder with SetIndent(prefix,
// "  ") writes it, without the final newline.
func indented(buf *bytes.Buffer, v any, prefix string) error {
	compact := compactBuffers.Get().(*bytes.Buffer)
	defer func() {
		if compact.Cap() <= 1<<20 {
			compact.Reset()
			compactBuffers.Put(compact)
		}
	}()
	// json.Marshal's output, as Encode writes it (with a newline) into
	// a reused buffer instead of a new slice.
	if err := json.NewEncoder(compact).Encode(v); err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	b := bytes.TrimSuffix(compact.Bytes(), []byte("\n"))
	buf.Write(appendIndented(buf.AvailableBuffer(), b, prefix, "  "))
	return nil
}

// compactBuffers hold the compact JSON indented reads from.
var compactBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// sharedJSON holds the compact JSON of a report's series, from its
// encoding until every user has taken it.
type sharedJSON struct {
	series []SeriesReport // those it was made for
	users  int32
	once   []sync.Once
	data   [][]byte
	errs   []error
	// claims counts the calls of SeriesJSON for a series, taken the
	// number that have read its JSON.
	claims, taken []atomic.Int32
}

// ShareJSON makes r encode each series' JSON once for the first users
// calls of SeriesJSON for it (WriteJSON's among them): a report both
// printed and saved, `review --db`, has two users. A series' JSON is
// held from its first call to its last, so two users going through the
// series side by side hold little of it. Later calls encode again. Call
// it before r is shared between goroutines, and leave r.Series as it is
// afterwards (a new slice is encoded without sharing).
func (r *Report) ShareJSON(users int) {
	n := len(r.Series)
	r.shared = &sharedJSON{series: r.Series, users: int32(users), once: make([]sync.Once, n),
		data: make([][]byte, n), errs: make([]error, n), claims: make([]atomic.Int32, n), taken: make([]atomic.Int32, n)}
}

// SharesJSON reports whether ShareJSON is in force for r.Series.
func (r *Report) SharesJSON() bool {
	sh := r.shared
	return sh != nil && len(sh.series) == len(r.Series) && (len(r.Series) == 0 || &sh.series[0] == &r.Series[0])
}

// SeriesJSON returns the compact JSON of r.Series[i], as json.Marshal
// gives it; after ShareJSON its first users calls share one encoding.
func (r *Report) SeriesJSON(i int) ([]byte, error) {
	if !r.SharesJSON() {
		return json.Marshal(&r.Series[i])
	}
	sh := r.shared
	if sh.claims[i].Add(1) > sh.users {
		return json.Marshal(&r.Series[i])
	}
	sh.once[i].Do(func() { sh.data[i], sh.errs[i] = json.Marshal(&r.Series[i]) })
	b, err := sh.data[i], sh.errs[i]
	if sh.taken[i].Add(1) == sh.users {
		sh.data[i] = nil // every user has read it (before its Add)
	}
	return b, err
}
