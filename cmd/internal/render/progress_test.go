package render

import (
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	if got := ProgressLine(100, 50, 200, time.Second*2); got != "[=======>                      ]  25% 100 messages (50/s)" {
		t.Errorf("ProgressLine = %q", got)
	}
	if got := ProgressLine(100, 0, 0, time.Second); got != "ferrule: 100 messages (100/s)" {
		t.Errorf("ProgressLine without size = %q", got)
	}
	if got := ProgressLine(10, 500, 200, time.Second); got != "[==============================] 100% 10 messages (10/s)" {
		t.Errorf("ProgressLine past the size = %q", got)
	}
}
