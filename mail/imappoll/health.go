package imappoll

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Health is what a health check needs to know of a poller.
type Health struct {
	Mailbox   string
	Stopped   bool      // Run returned (refused credentials, a folder it cannot follow, or cancelled)
	Connected bool      // a session is logged in
	LastPoll  time.Time // last completed sync; zero before the first
	// LastProgress is the last completed sync or stored batch (or the
	// start of Run): a long first sync is progress too.
	LastProgress time.Time
	LastError    string // the error that ended the last failed session
	LastErrorAt  time.Time
	// AuthFailed: the server refused the credentials and the poller
	// stopped; it stays stopped until restarted (a reload).
	AuthFailed bool
	// Stalled: running (since LastProgress), but nothing synced or stored for StallAfter
	// (the server is silent, unreachable or refusing, or the store
	// hangs).
	Stalled    bool
	StallAfter time.Duration
	Stalls     int64 // sessions ended by a silent server
}

// OK reports whether the poller is healthy and, if not, why, in one line
// for a /healthz answer.
func (h Health) OK() (bool, string) {
	switch {
	case h.AuthFailed:
		return false, fmt.Sprintf("mailbox %s: stopped: the server refused the credentials (%s)", h.Mailbox, h.LastError)
	case h.Stopped && h.LastError != "":
		return false, fmt.Sprintf("mailbox %s: stopped: %s", h.Mailbox, h.LastError)
	case h.Stopped:
		return false, fmt.Sprintf("mailbox %s: stopped", h.Mailbox)
	case h.Stalled:
		reason := fmt.Sprintf("mailbox %s: nothing synced since %s", h.Mailbox, h.LastProgress.UTC().Format(time.RFC3339))
		if h.LastError != "" {
			reason += ": " + h.LastError
		}
		return false, reason
	}
	return true, ""
}

// healthState is the part of Health not kept elsewhere.
type healthState struct {
	stopped    atomic.Bool
	authFailed atomic.Bool
	mu         sync.Mutex
	lastErr    string
	lastErrAt  time.Time
}

func (h *healthState) setErr(err error) {
	if err == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastErr, h.lastErrAt = err.Error(), time.Now()
}

// StallAfter is how long a running poller may go without progress before
// Health calls it stalled: three poll intervals (a healthy poller syncs
// at least once per interval; a silent server is replaced within
// PollInterval + Timeout).
func (p *Poller) StallAfter() time.Duration { return 3 * p.o.PollInterval }

// Health returns the poller's health; safe from any goroutine.
func (p *Poller) Health() Health {
	h := Health{
		Mailbox:    p.o.Name,
		Stopped:    p.health.stopped.Load(),
		Connected:  p.connected.Load(),
		AuthFailed: p.health.authFailed.Load(),
		StallAfter: p.StallAfter(),
		Stalls:     p.stalls.Load(),
	}
	if t := p.lastPoll.Load(); t != 0 {
		h.LastPoll = time.Unix(0, t)
	}
	if t := p.progress.Load(); t != 0 {
		h.LastProgress = time.Unix(0, t)
	}
	p.health.mu.Lock()
	h.LastError, h.LastErrorAt = p.health.lastErr, p.health.lastErrAt
	p.health.mu.Unlock()
	h.Stalled = !h.Stopped && !h.LastProgress.IsZero() && time.Since(h.LastProgress) > h.StallAfter
	return h
}

func nowNano() int64 { return time.Now().UnixNano() }
