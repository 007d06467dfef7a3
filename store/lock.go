package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ErrLocked means another process holds the store's lock.
var ErrLocked = errors.New("store is in use by another process")

// Lock is an exclusive hold on a store, taken by a long-running process
// (the daemon) so that a second one on the same store refuses to start
// instead of sending every digest twice. It is an advisory flock(2) on
// PATH.lock, released by Close or when the process ends (even by
// SIGKILL), so a crash never leaves a stale lock behind. The file holds
// the holder's PID, for the error message; it is never deleted (deleting a
// lock file races with the next process opening it).
type Lock struct {
	f *os.File
}

// LockPath is the lock file of the store at path.
func LockPath(path string) string { return path + ".lock" }

// Acquire takes the lock of the store at path without waiting. When
// another process (or another Acquire in this one) holds it, the error
// wraps ErrLocked and names the lock file and the holder's PID.
func Acquire(path string) (*Lock, error) {
	lp := LockPath(path)
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock store: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := "unknown pid"
			if b, rerr := os.ReadFile(lp); rerr == nil {
				if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
					holder = "pid " + strconv.Itoa(pid)
				}
			}
			return nil, fmt.Errorf("%w (%s holds %s): is another ferrule daemon running on %s?", ErrLocked, holder, lp, path)
		}
		return nil, fmt.Errorf("lock store %s: %w", lp, err)
	}
	if err := f.Truncate(0); err == nil {
		// Best effort: the PID only improves the message above.
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// Close releases the lock.
func (l *Lock) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor releases the flock
	l.f = nil
	if err != nil {
		return fmt.Errorf("unlock store: %w", err)
	}
	return nil
}
