package analysis

import (
	"flag"
	"fmt"
	"time"

	"ferrule/cmd/internal/cli"
	"ferrule/review"
)

// FilterFlags are the review command's flags that choose series, as lei
// and b4 users know them.
type FilterFlags struct {
	Paths      cli.Multi
	Maintainer string
	Since      string
	Tier       string
	States     cli.Multi
}

// Register defines the flags on fs.
func (f *FilterFlags) Register(fs *flag.FlagSet) {
	fs.Var(&f.Paths, "path", "keep series touching a file matching this lei dfn:-style glob (repeatable)")
	fs.StringVar(&f.Maintainer, "maintainer", "", "keep series that MAINTAINERS routes to this address")
	fs.StringVar(&f.Since, "since", "", "keep series with messages on or after this date (YYYY-MM-DD, RFC 3339, yesterday, 2.weeks.ago, 3 days ago)")
	fs.StringVar(&f.Tier, "tier", "", "keep series of this tier: must-look, should-look or fyi")
	fs.Var(&f.States, "state", "keep series in this state: new, reviewed, changes-requested, applied, rejected, superseded, stale (repeatable; queue = the first three)")
}

// Filter is the review.Filter the flags ask for; relative dates count
// back from now. --tier superseded selects the superseded state (the
// table prints it in the tier column).
func (f *FilterFlags) Filter(now time.Time) (*review.Filter, error) {
	filter := &review.Filter{Paths: f.Paths, Maintainer: f.Maintainer, Tier: review.Tier(f.Tier)}
	var err error
	if filter.States, err = review.ParseStates(f.States); err != nil {
		return nil, fmt.Errorf("--state: %w", err)
	}
	switch filter.Tier {
	case "", review.MustLook, review.ShouldLook, review.FYI:
	case "superseded":
		filter.Tier, filter.States = "", append(filter.States, review.StateSuperseded)
	default:
		return nil, fmt.Errorf("unknown --tier %q (must-look, should-look, fyi, superseded)", f.Tier)
	}
	if f.Since != "" {
		if filter.Since, err = cli.ParseDate(f.Since, now); err != nil {
			return nil, fmt.Errorf("--since: %w", err)
		}
	}
	return filter, nil
}
