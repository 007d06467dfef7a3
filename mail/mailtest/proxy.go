package mailtest

import (
	"bytes"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fault is what a Proxy does to one connection. The zero Fault forwards
// everything.
type Fault struct {
	// AfterServerBytes triggers the fault once the server has sent this
	// many bytes (0: not by count).
	AfterServerBytes int64
	// OnClient triggers the fault when the client has sent this string,
	// e.g. "IDLE\r\n", and OnServer when the server has, e.g. "+ idling";
	// the bytes up to the end of the match are forwarded.
	OnClient, OnServer string
	// Dribble forwards the server's first Dribble bytes one at a time,
	// each in its own write (a greeting split across reads).
	Dribble int64
	// Cut closes the connection at the trigger; otherwise the proxy
	// stalls it: both sockets stay open and nothing more is forwarded in
	// either direction, as with a stopped (SIGSTOP) or wedged server.
	Cut bool
}

// Proxy is a TCP proxy on 127.0.0.1 in front of a server, that injects
// faults. It closes everything when the test ends.
type Proxy struct {
	Addr  string
	conns atomic.Int32
	// Triggered is closed by the first fault that fires.
	Triggered chan struct{}
	trigger   sync.Once
}

// StartProxy forwards to target; fault says what to do to the n-th
// connection (1-based); nil forwards it untouched.
func StartProxy(tb testing.TB, target string, fault func(n int) *Fault) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{Addr: ln.Addr().String(), Triggered: make(chan struct{})}
	var mu sync.Mutex
	var open []net.Conn
	closed := false
	track := func(c net.Conn) bool {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			c.Close()
			return false
		}
		open = append(open, c)
		return true
	}
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		closed = true
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := int(p.conns.Add(1))
			if !track(c) {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			if !track(s) {
				return
			}
			var f *Fault
			if fault != nil {
				f = fault(n)
			}
			go p.pipe(c, s, f)
		}
	}()
	return p
}

// Conns is how many connections the proxy accepted.
func (p *Proxy) Conns() int { return int(p.conns.Load()) }

// pipe forwards between client c and server s until either side closes.
func (p *Proxy) pipe(c, s net.Conn, f *Fault) {
	defer c.Close()
	defer s.Close()
	if f == nil {
		f = &Fault{}
	}
	var fired atomic.Bool
	fire := func() {
		if fired.Swap(true) {
			return
		}
		p.trigger.Do(func() { close(p.Triggered) })
		if f.Cut {
			c.Close()
			s.Close()
		}
	}
	done := make(chan struct{}, 2)
	go func() {
		defer func() { done <- struct{}{} }()
		p.forward(s, c, f.OnServer, f.AfterServerBytes, f.Dribble, &fired, fire)
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		p.forward(c, s, f.OnClient, 0, 0, &fired, fire)
	}()
	<-done // one side ended: end both
}

// forward copies from to dst until a trigger (match, or after bytes)
// fires; from then on what arrives is read and dropped. The first
// dribble bytes go one per write.
func (p *Proxy) forward(from, dst net.Conn, match string, after, dribble int64, fired *atomic.Bool, fire func()) {
	var total int64
	var tail []byte // the last len(match)-1 bytes, for matches across reads
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		chunk := buf[:n]
		if !fired.Load() {
			upto := -1
			if after > 0 && total+int64(n) >= after {
				upto = int(after - total)
			}
			if match != "" {
				seen := append(tail, chunk...)
				if i := bytes.Index(seen, []byte(match)); i >= 0 {
					if end := i + len(match) - len(tail); upto < 0 || end < upto {
						upto = end
					}
				}
				tail = append([]byte(nil), seen[max(0, len(seen)-len(match)+1):]...)
			}
			for total < dribble && len(chunk) > 1 && upto < 0 {
				if _, werr := dst.Write(chunk[:1]); werr != nil {
					return
				}
				time.Sleep(time.Millisecond)
				chunk, total, n = chunk[1:], total+1, n-1
			}
			if upto >= 0 {
				dst.Write(chunk[:upto])
				fire()
			} else if _, werr := dst.Write(chunk); werr != nil {
				return
			}
			total += int64(n)
		}
		if err != nil {
			return
		}
	}
}
