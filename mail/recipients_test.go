package mail

import (
	"reflect"
	"testing"

	"github.com/emersion/go-message"
)

// sameSkipped checks that ParseWith with SkipRecipients fails where Parse
// fails and otherwise gives Parse's message without To and Cc (warnings
// included), and that Recipients gives them back.
func sameSkipped(t *testing.T, b []byte) {
	t.Helper()
	raw := &Raw{Position: "p", Bytes: b}
	full, errF := Parse(raw)
	lean, errL := ParseWith(raw, ParseOptions{SkipRecipients: true})
	if (errF == nil) != (errL == nil) {
		t.Fatalf("SkipRecipients error %v, Parse error %v", errL, errF)
	}
	if errF != nil {
		return
	}
	to, cc := lean.Recipients()
	if !reflect.DeepEqual(to, full.To) || !reflect.DeepEqual(cc, full.Cc) {
		t.Errorf("Recipients To %#v Cc %#v, Parse To %#v Cc %#v", to, cc, full.To, full.Cc)
	}
	if lean.To != nil || lean.Cc != nil {
		t.Errorf("SkipRecipients kept To %v Cc %v", lean.To, lean.Cc)
	}
	full.To, full.Cc = nil, nil
	if !reflect.DeepEqual(lean, full) {
		t.Errorf("SkipRecipients\n%#v\nParse\n%#v", lean, full)
	}
}

func TestSkipRecipients(t *testing.T) {
	for _, s := range append(leanSeeds,
		"To: =?x-unknown?q?a?= <a@b>, \"broken\nCc: =?utf-8?q?ok?= <c@d>, =?utf-8?b?!!?= e@f\n\nbody\n",
		"To: a@b\nTo: c@d\nCc:\nCc: =?bogus\n\n",
		"From: X via L <l@x>\nCc: X <x@y>, Other <o@p>\n\n",
	) {
		sameSkipped(t, []byte(s))
	}
}

// FuzzWordsDecode checks that header text wordsDecode clears decodes
// without an error.
func FuzzWordsDecode(f *testing.F) {
	for _, s := range []string{"", "a@b", "Uwe =?utf-8?q?Kleine-K=C3=B6nig?= <u@x>", "=?x-unknown?q?a?=",
		"=?UTF-8?B?!!?= =?iso-8859-1?q?=E9?=", "=?", "=?utf-8?", "=?koi8-r?q?=C1?= =?utf-8?q?x?="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !wordsDecode(v) {
			return
		}
		h := message.Header{}
		h.Set("To", v)
		if _, err := h.Text("To"); err != nil {
			t.Fatalf("%q: wordsDecode true, Text failed: %v", v, err)
		}
	})
}
