package digest

import (
	"strings"
	"testing"

	"ferrule/cmd/internal/config"
	"ferrule/review"
	"ferrule/review/diff"
	"ferrule/review/maintainers"
)

func reports() []review.SeriesReport {
	routed := []review.Responsible{
		{Recipient: maintainers.Recipient{Role: "maintainer:PWM", Name: "Mo", Email: "mo@example.com"}},
		{Recipient: maintainers.Recipient{Role: "reviewer:PWM", Name: "Rita", Email: "rita@example.net"}},
		{Recipient: maintainers.Recipient{Role: "open list:PWM", Email: "linux-pwm@vger.kernel.org"}},
	}
	return []review.SeriesReport{{ID: "s@x", Title: "pwm: demo", Tier: review.MustLook, Score: 30, Maintainers: routed,
		Patches: []review.PatchReport{{Number: 1, Files: []diff.File{{Path: "drivers/pwm/pwm_demo.rs"}}}}}}
}

func recipients(ds []review.Digest) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Recipient.Email)
	}
	return strings.Join(out, " ")
}

// Only people who asked are mailed.
func TestSelect(t *testing.T) {
	sub := []review.Subscription{{Email: "me@example.org", Paths: []string{"drivers/pwm/**"}}}
	for _, c := range []struct {
		name string
		cfg  *config.Config
		to   string
		want string
	}{
		{"no digest section", &config.Config{}, "", ""},
		{"one subscription", &config.Config{Digest: &config.Digest{Subscriptions: sub}}, "", "me@example.org"},
		{"maintainers: all", &config.Config{Digest: &config.Digest{Subscriptions: sub, Maintainers: config.OptIn{All: true}}}, "", "me@example.org mo@example.com rita@example.net"},
		{"maintainers: a list", &config.Config{Digest: &config.Digest{Maintainers: config.OptIn{Addresses: []string{"rita@example.net"}}}}, "", "rita@example.net"},
		{"--to a routed person", &config.Config{Digest: &config.Digest{Subscriptions: sub}}, "Mo@Example.com", "mo@example.com"},
		{"--to a subscriber", &config.Config{Digest: &config.Digest{Subscriptions: sub}}, "me@example.org", "me@example.org"},
		{"--to a stranger", &config.Config{}, "x@example.org", ""},
	} {
		if got := recipients(Select(c.cfg, reports(), c.to)); got != c.want {
			t.Errorf("%s: recipients %q, want %q", c.name, got, c.want)
		}
	}
}
