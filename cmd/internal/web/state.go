package web

import (
	"reflect"

	"ferrule/review"
)

// States a series can be in (PRODUCT.md "States"). Open ones are in the
// queue; the others are counted and listed on their own.
var closedStates = map[string]bool{"applied": true, "rejected": true, "superseded": true, "stale": true}

// stateOf is the state the pages show for a stored report: "superseded"
// when a newer revision exists, else the report's own State field when the
// review records one, else "reviewed" when it has review trailers, else
// "new". The second value is the State's reason, when recorded.
//
// The State and StateReason fields are read by name so that this package
// builds before and after they are added to review.SeriesReport; once they
// exist, this can read r.State and r.StateReason directly.
func stateOf(r *review.SeriesReport) (state, reason string) {
	if r.SupersededBy != nil {
		return "superseded", "a newer revision is " + *r.SupersededBy
	}
	v := reflect.ValueOf(r).Elem()
	if f := v.FieldByName("State"); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
		if g := v.FieldByName("StateReason"); g.IsValid() && g.Kind() == reflect.String {
			reason = g.String()
		}
		return f.String(), reason
	}
	if r.Reviewed {
		return "reviewed", ""
	}
	return "new", ""
}
