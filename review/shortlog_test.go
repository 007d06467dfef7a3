package review

import (
	"reflect"
	"testing"
)

// parseShortlog reads git request-pull's shortlog and nothing else of a
// pull request.
func TestParseShortlog(t *testing.T) {
	body := `Hello Linus,

the following changes since commit 254f49634ee16a731174d2ae34bc50bd5f45e731:

  Linux 7.1-rc1 (2026-04-26 14:19:00 -0700)

are available in the Git repository at:

  https://git.kernel.org/pub/scm/linux/kernel/git/ukleinek/linux.git tags/pwm/for-7.2-rc1

Thanks to Chen Ni and Shiji Yang (2):
for the actual changes.

----------------------------------------------------------------
Chen Ni (1):
      pwm: atmel-tcb: Remove unneeded semicolon

Shiji Yang (2):
      pwm: mediatek: set mt7628 pwm45_fixup flag to false   
      pwm: mediatek: correct mt7628 clock source setting

Uwe Kleine-König (The Capable Hub) (1):
      pwm: pca9685: Use named initializers for struct i2c_device_id

Not a heading (x):
      indented text under a line that is not one
 drivers/pwm/pwm-atmel-tcb.c                        |   2 +-
 1 file changed, 1 deletion(-)
`
	want := []ShortlogEntry{
		{"Chen Ni", "pwm: atmel-tcb: Remove unneeded semicolon"},
		{"Shiji Yang", "pwm: mediatek: set mt7628 pwm45_fixup flag to false"},
		{"Shiji Yang", "pwm: mediatek: correct mt7628 clock source setting"},
		{"Uwe Kleine-König (The Capable Hub)", "pwm: pca9685: Use named initializers for struct i2c_device_id"},
	}
	if got := parseShortlog(body); !reflect.DeepEqual(got, want) {
		t.Errorf("parseShortlog =\n%q\nwant\n%q", got, want)
	}
	if got := parseShortlog("no shortlog here\n"); got != nil {
		t.Errorf("parseShortlog of plain text = %q", got)
	}
}

// FuzzParseShortlog: any text reads without a panic, into entries with
// an author and a title, and at most maxShortlog of them.
func FuzzParseShortlog(f *testing.F) {
	f.Add("Chen Ni (1):\n      pwm: atmel-tcb: Remove unneeded semicolon\n\nA (2):\n      x\n      y\n")
	f.Add("x (():\n      a\n ():\n      b\n")
	f.Fuzz(func(t *testing.T, body string) {
		got := parseShortlog(body)
		if len(got) > maxShortlog {
			t.Fatalf("%d entries", len(got))
		}
		for _, e := range got {
			if e.Author == "" || e.Title == "" {
				t.Fatalf("entry %+v", e)
			}
		}
	})
}
