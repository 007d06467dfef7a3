package am

import (
	"strings"
	"testing"

	"ferrule/review"
)

func TestSummary(t *testing.T) {
	r := &Result{Patches: []Patch{{Subject: "[PATCH 1/2] a", Added: []string{"Acked-by: M <m@x>"},
		Skipped: []review.Trailer{{Name: "Tested-by", Value: "T <t@x>"}}}}, Missing: []int{2}}
	var b strings.Builder
	if err := r.Summary(&b); err != nil {
		t.Fatal(err)
	}
	want := "  [PATCH 1/2] a\n    + Acked-by: M <m@x>\n    ! Tested-by: T <t@x> (not from the reply's sender; --unverified adds it)\nWARNING: the series lacks patch(es) [2]\n"
	if b.String() != want {
		t.Errorf("Summary =\n%s\nwant\n%s", b.String(), want)
	}
}
