package web

import (
	"ferrule/review"
)

// stateOf is the state the pages show for a stored report and its reason
// (review.SeriesReport.CurrentState, the rule every reader of saved
// reports shares).
func stateOf(r *review.SeriesReport) (state, reason string) {
	st := r.CurrentState()
	reason = r.StateReason
	if reason == "" && st == review.StateSuperseded && r.SupersededBy != nil {
		reason = "a newer revision is " + *r.SupersededBy
	}
	return string(st), reason
}

// closed says whether a state is out of the queue.
func closed(state string) bool { return !review.State(state).Open() }
