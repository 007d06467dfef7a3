package render

import (
	"fmt"
	"io"
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

// Sizer is an input that knows how far it has been read.
type Sizer interface {
	BytesRead() int64
	Size() int64
}

// Progress returns a review progress hook that draws ProgressLine on w
// (a terminal) once the review has taken more than a second, reading
// sizes from src (nil: a count only), and a func that clears the line.
func Progress(w io.Writer, src Sizer) (hook func(done int), clear func()) {
	start := time.Now()
	shown := false
	hook = func(done int) {
		el := time.Since(start)
		if el <= time.Second {
			return
		}
		shown = true
		var read, size int64
		if src != nil {
			read, size = src.BytesRead(), src.Size()
		}
		fmt.Fprintf(w, "\r%s", ProgressLine(done, read, size, el))
	}
	return hook, func() {
		if shown {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
