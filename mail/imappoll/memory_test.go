package imappoll_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"ferrule/mail"
	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
	"ferrule/store"
)

// bigServerEnv makes the test binary an IMAP server holding COUNTxMB
// messages (see TestMain), so that the server's memory is not counted in
// the poller's.
const bigServerEnv = "FERRULE_IMAPPOLL_BIG_SERVER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(bigServerEnv); spec != "" {
		if err := serveBig(spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// bigMessage is a text/plain message of about size bytes, distinct per i.
func bigMessage(i, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Big <big@example.org>\r\nTo: list@example.org\r\nSubject: [PATCH %d] a large one\r\nMessage-ID: <big-%d@example.org>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nContent-Type: text/plain\r\n\r\n", i, i)
	line := []byte(strings.Repeat("x", 76) + "\r\n")
	for b.Len() < size {
		b.Write(line)
	}
	return b.Bytes()
}

// serveBig runs go-imap's memory server with the messages of spec
// ("20x50": twenty of 50 MB), prints its address, and serves until stdin
// closes.
func serveBig(spec string) error {
	n, mb, ok := strings.Cut(spec, "x")
	count, err1 := strconv.Atoi(n)
	size, err2 := strconv.Atoi(mb)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("bad spec %q", spec)
	}
	u := imapmemserver.NewUser("user", "pass")
	if err := u.Create("INBOX", nil); err != nil {
		return err
	}
	for i := range count {
		if _, err := u.Append("INBOX", mailtest.Literal{Reader: bytes.NewReader(bigMessage(i, size<<20))}, &imap.AppendOptions{}); err != nil {
			return err
		}
	}
	srv := mailtest.IMAPMemServer(u)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(ln)
	fmt.Println(ln.Addr().String())
	io.Copy(io.Discard, os.Stdin)
	return srv.Close()
}

// startBigServer starts the server process and returns its address.
func startBigServer(t testing.TB, count, mb int) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%dx%d", bigServerEnv, count, mb))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("big server: %v", err)
	}
	return strings.TrimSpace(addr)
}

// bigFolder fills a folder with count messages of mb MB in a server
// outside this process: Dovecot when it can run, else go-imap's memory
// server in a child process (slower to serve).
func bigFolder(t testing.TB, count, mb int) *imappoll.Options {
	t.Helper()
	if _, err := exec.LookPath("dovecot"); err == nil && os.Geteuid() == 0 {
		d := mailtest.StartDovecot(t)
		for i := range count {
			d.Fill(t, [][]byte{bigMessage(i, mb<<20)})
		}
		d.Doveadm(t, nil, "mailbox", "status", "-u", d.User, "messages", "INBOX") // index now
		return dovecotOptions(d)
	}
	return options(startBigServer(t, count, mb))
}

// peakRSS returns the process's peak resident set size (VmHWM); reset
// sets it back to the current size first.
func peakRSS(t testing.TB, reset bool) int64 {
	t.Helper()
	if reset {
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			t.Skipf("cannot reset the peak RSS (%v): not Linux ≥ 4.0?", err)
		}
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// countingStore is a Store that keeps nothing of the messages but their
// number, total size and the Message-IDs it saw: the poller's own memory,
// without the store's.
type countingStore struct {
	mu          sync.Mutex
	uidValidity uint32
	lastUID     uint32
	ok          bool
	bytes       int64
	ids         map[string]bool
	tooLarge    int
}

func (c *countingStore) LoadCursor(context.Context, string) (uint32, uint32, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.uidValidity, c.lastUID, c.ok, nil
}

func (c *countingStore) SaveBatch(_ context.Context, _ string, uidValidity, lastUID uint32, msgs []*mail.Raw) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.uidValidity, c.lastUID, c.ok = uidValidity, lastUID, true
	added := 0
	for _, r := range msgs {
		id := mail.FallbackID(r)
		if r.Err != nil {
			c.tooLarge++
		} else if m, err := mail.Parse(&mail.Raw{Bytes: r.Bytes[:min(len(r.Bytes), 4096)]}); err == nil {
			id = m.MessageID // the header only: not the store's memory
		}
		c.bytes += int64(len(r.Bytes))
		if !c.ids[id] {
			c.ids[id] = true
			added++
		}
	}
	return added, nil
}

// TestMemoryBoundedByMessageNotFolder syncs twenty 50 MB messages from a
// server in another process: the poller's peak RSS stays under 400 MB
// (the folder is 1 GB, a batch would be 200 messages). The store here
// keeps nothing (BenchmarkSyncLargeMessages measures with the sqlite
// store). Then the same folder with a 10 MB limit: twenty placeholders,
// and only their first 64 KiB fetched.
func TestMemoryBoundedByMessageNotFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 1 GB over loopback")
	}
	o := bigFolder(t, 20, 50)
	for _, tc := range []struct {
		name      string
		limit     int64
		maxPeak   int64
		wantBytes int64
		tooLarge  int
	}{
		{"under the limit", 0, 400 << 20, 20 * 50 << 20, 0},
		{"over the limit", 10 << 20, 100 << 20, 0, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &countingStore{ids: map[string]bool{}}
			o := *o
			o.MaxMessageBytes = tc.limit
			p := imappoll.New(st, &o)
			runtime.GC()
			debug.FreeOSMemory()
			before := peakRSS(t, true)
			start := time.Now()
			n, err := p.SyncOnce(t.Context())
			if err != nil || n != 20 {
				t.Fatalf("SyncOnce = %d, %v", n, err)
			}
			peak := peakRSS(t, false)
			t.Logf("20×50 MB synced in %v; peak RSS %d MB (%d MB before)", time.Since(start).Round(time.Millisecond), peak>>20, before>>20)
			if peak > tc.maxPeak {
				t.Errorf("peak RSS %d MB, want < %d MB", peak>>20, tc.maxPeak>>20)
			}
			if st.tooLarge != tc.tooLarge || p.Stats().TooLarge != int64(tc.tooLarge) || st.bytes < tc.wantBytes || len(st.ids) != 20 {
				t.Errorf("stored %d bytes, %d ids, %d placeholders (stats %+v)", st.bytes, len(st.ids), st.tooLarge, p.Stats())
			}
		})
	}
}

// TestMemoryBoundedWithStore is TestMemoryBoundedByMessageNotFolder
// with the real sqlite store in a temporary directory: storing a message
// reads its header only, so the peak RSS of the poller and the store
// together stays under 400 MB, and all twenty messages are stored whole.
func TestMemoryBoundedWithStore(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 1 GB over loopback")
	}
	o := bigFolder(t, 20, 50)
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := imappoll.New(db, o)
	runtime.GC()
	debug.FreeOSMemory()
	before := peakRSS(t, true)
	start := time.Now()
	if n, err := p.SyncOnce(t.Context()); err != nil || n != 20 {
		t.Fatalf("SyncOnce = %d, %v", n, err)
	}
	peak := peakRSS(t, false)
	t.Logf("20×50 MB synced into sqlite in %v; peak RSS %d MB (%d MB before)", time.Since(start).Round(time.Millisecond), peak>>20, before>>20)
	if peak >= 400<<20 {
		t.Errorf("peak RSS %d MB, want < 400 MB", peak>>20)
	}
	src := db.Messages()
	var total int64
	ids := map[string]bool{}
	for {
		r, err := src.Next(t.Context())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ParseHeader(r)
		if err != nil || r.Err != nil {
			t.Fatalf("stored message %s: %v %v", r.Position, err, r.Err)
		}
		ids[m.MessageID] = true
		total += int64(len(r.Bytes))
	}
	if len(ids) != 20 || total < 20*50<<20 {
		t.Errorf("stored %d messages, %d bytes", len(ids), total)
	}
}

// BenchmarkSyncLargeMessages syncs twenty 50 MB messages into the sqlite
// store and reports the peak RSS of the whole (poller and store) in MB.
func BenchmarkSyncLargeMessages(b *testing.B) {
	o := bigFolder(b, 20, 50)
	for i := 0; b.Loop(); i++ {
		db, err := store.Open(b.Context(), filepath.Join(b.TempDir(), fmt.Sprintf("s%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		p := imappoll.New(db, o)
		runtime.GC()
		debug.FreeOSMemory()
		peakRSS(b, true)
		if n, err := p.SyncOnce(b.Context()); err != nil || n != 20 {
			b.Fatalf("SyncOnce = %d, %v", n, err)
		}
		b.ReportMetric(float64(peakRSS(b, false)>>20), "peak-RSS-MB")
		db.Close()
	}
}
