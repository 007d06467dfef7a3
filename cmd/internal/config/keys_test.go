package config

import (
	"strings"
	"testing"
)

func TestUnknownKey(t *testing.T) {
	for in, want := range map[string]string{
		"store:\n  pth: /x.db\n": "line 2: unknown key store.pth (did you mean path?)",
		"kernel_tre: /x\n":       "line 1: unknown key kernel_tre (did you mean kernel_tree?)",
		"mailboxes:\n  - name: a\n    imap:\n      adress: h:993\n": "line 4: unknown key mailboxes[0].imap.adress (did you mean address?)",
		"store:\n  zzzzzzzz: 1\n":                                   "line 2: unknown key store.zzzzzzzz",
	} {
		_, err := decode([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "struct") {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
