package review

import (
	"bytes"
	"encoding/json"
	"testing"
)

// appendIndented indents compact JSON exactly as json.Indent does.
func FuzzAppendIndented(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,2,{}],"b":{"c":"x\"y\\","d":[]}}`, `"s"`, `[[[]]]`, `{"k":"{[,:]}"}`, `[null,true,-1.5e3]`, `{"a":"\u003cb\u003e"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var compact bytes.Buffer
		if json.Compact(&compact, []byte(s)) != nil {
			return
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), "    ", "  "); err != nil {
			t.Fatal(err)
		}
		if got := appendIndented([]byte("x"), compact.Bytes(), "    ", "  "); string(got) != "x"+want.String() {
			t.Errorf("%s: got\n%s\nwant\n%s", compact.Bytes(), got[1:], want.Bytes())
		}
	})
}
