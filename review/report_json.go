package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes r as json.Encoder with SetIndent("", "  ") does, byte
// for byte, but one series at a time: only one series' JSON is in memory,
// not the whole document twice (compact, then indented). Writes go
// straight to w: give it a buffered writer.
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
		for i := range r.Series {
			if i > 0 {
				jw.raw(",")
			}
			jw.raw("\n    ")
			jw.value(&r.Series[i], "    ")
		}
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
	compact, err := json.Marshal(v)
	if err != nil {
		j.err = fmt.Errorf("encode report: %w", err)
		return
	}
	j.buf.Reset()
	if err := json.Indent(&j.buf, compact, prefix, "  "); err != nil {
		j.err = fmt.Errorf("indent report: %w", err)
		return
	}
	_, j.err = j.w.Write(j.buf.Bytes())
}
