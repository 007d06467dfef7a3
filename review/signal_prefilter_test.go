package review

import (
	"slices"
	"strings"
	"testing"
)

// maySignal says yes to every sentence whose normalized form passes
// appliedSignal's first test or mayAnnounce.
func FuzzMaySignal(f *testing.F) {
	for _, s := range []string{"Applied, thanks!", "I WILL send v2.", "I’ll fix it", "PIC\u212aED up", "WİLL do", "Going\tto respin", "nothing here", "Queued.", "plan to"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sent string) {
		low := normalize(sent)
		need := strings.Contains(low, "applied") || strings.Contains(low, "queued") || strings.Contains(low, "picked") || mayAnnounce(low)
		if need && !maySignal(sent) {
			t.Errorf("%q (normalized %q): maySignal says no", sent, low)
		}
	})
}

// The line prefilters give the regexps' submatches.
func FuzzSignalLines(f *testing.F) {
	for _, s := range []string{"pw-bot: cr", "PW-BOT:  changes-requested ", "[1/2] pwm: x", "[PATCH v2 3/4] x", "[v2,1/2] a", "pw-bot:", "[", "x [1/2] y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, c := range []struct {
			name      string
			got, want []string
		}{
			{"pwBotLine", pwBotLine(line), pwBotRe.FindStringSubmatch(line)},
			{"listItem", listItem(line), listItemRe.FindStringSubmatch(line)},
			{"b4tyItem", b4tyItem(line), b4tyItemRe.FindStringSubmatch(line)},
		} {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("%s(%q) = %q, the regexp gives %q", c.name, line, c.got, c.want)
			}
		}
	})
}
