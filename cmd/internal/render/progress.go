package render

import (
	"fmt"
	"strings"
	"time"
)

// ProgressLine draws "[=====>    ]  45% 10234 messages (900/s)" after
// done messages and read of size bytes in el, or only the count when the
// size is unknown (size <= 0: stdin, gzip, Maildir).
func ProgressLine(done int, read, size int64, el time.Duration) string {
	rate := float64(done) / el.Seconds()
	if size <= 0 {
		return fmt.Sprintf("ferrule: %d messages (%.0f/s)", done, rate)
	}
	const width = 30
	frac := min(float64(read)/float64(size), 1)
	filled := int(frac * width)
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	return fmt.Sprintf("[%s] %3.0f%% %d messages (%.0f/s)", bar, frac*100, done, rate)
}
