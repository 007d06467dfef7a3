package mail

import (
	"flag"
	"io"
	"testing"
)

func TestMboxFormatFlag(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		want MboxFormat
		ok   bool
	}{{"mboxrd", MboxRD, true}, {"mboxo", MboxO, true}, {"mboxcl2", MboxRD, false}} {
		var f MboxFormat
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Var(&f, "mbox-format", "")
		err := fs.Parse([]string{"--mbox-format", tc.arg})
		if (err == nil) != tc.ok || f != tc.want {
			t.Errorf("%s: %v, %v", tc.arg, f, err)
		}
		if tc.ok && f.String() != tc.arg {
			t.Errorf("%s reads back as %s", tc.arg, f)
		}
	}
}
