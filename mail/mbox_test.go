package mail

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readAll drains a source into (position, bytes-or-error) strings.
func readAll(t *testing.T, src Source) []string {
	t.Helper()
	var out []string
	for {
		r, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next() = %v", err)
		}
		if r.Err != nil {
			out = append(out, r.Position+" ERR "+r.Err.Error())
			continue
		}
		out = append(out, r.Position+" "+string(r.Bytes))
	}
}

func TestMboxReader(t *testing.T) {
	check := func(name, in string, opts *MboxOptions, want ...string) {
		t.Helper()
		got := readAll(t, NewMboxReader(strings.NewReader(in), "f", opts))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: messages =\n\t%q\nwant\n\t%q", name, got, want)
		}
	}
	check("two messages",
		"From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody\n\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: two\n\nx\n",
		nil, "f:2 Subject: one\n\nbody\n", "f:7 Subject: two\n\nx\n")
	check("mboxrd unquoting",
		"From mboxrd@z Thu Jan  1 00:00:00 1970\nS: x\n\n>From here\n>>From there\n>Fromage\n",
		nil, "f:2 S: x\n\nFrom here\n>From there\n>Fromage\n")
	check("mboxo leaves bodies alone",
		"From mboxrd@z Thu Jan  1 00:00:00 1970\nS: x\n\n>From here\n",
		&MboxOptions{Format: MboxO}, "f:2 S: x\n\n>From here\n")
	check("bare message without a From_ line",
		"Subject: bare\n\nhello\n", nil, "f:1 Subject: bare\n\nhello\n")
	check("From inside a paragraph does not split",
		"From x Mon Jan  1 00:00:00 2024\nS: x\n\nline\nFrom the start\n",
		nil, "f:2 S: x\n\nline\nFrom the start\n")
	check("leading blank lines and empty messages are skipped",
		"\n\nFrom x Mon Jan  1 00:00:00 2024\nFrom y Mon Jan  1 00:00:00 2024\nS: y\n\nb\n",
		nil, "f:5 S: y\n\nb\n")
	check("CRLF",
		"From x Mon Jan  1 00:00:00 2024\r\nS: x\r\n\r\nb\r\n\r\nFrom y Mon Jan  1 00:00:00 2024\r\nS: y\r\n",
		nil, "f:2 S: x\r\n\r\nb\r\n", "f:7 S: y\r\n")
	check("size limit",
		"From x Mon Jan  1 00:00:00 2024\nS: big\n\n"+strings.Repeat("y", 100)+"\n\nFrom y Mon Jan  1 00:00:00 2024\nS: ok\n",
		&MboxOptions{MaxMessageBytes: 50}, "f:2 ERR "+TooLarge(109, []byte("S: big\n\n"+strings.Repeat("y", 100)+"\n")).Error(), "f:7 S: ok\n")
	check("no trailing newline",
		"From x Mon Jan  1 00:00:00 2024\nS: x\n\nb", nil, "f:2 S: x\n\nb")
}

func TestMboxLongLine(t *testing.T) {
	long := strings.Repeat("z", 2<<20) // 2 MiB, far over the read buffer
	in := "From x Mon Jan  1 00:00:00 2024\nS: x\n\n" + long + "\n\nFrom y Mon Jan  1 00:00:00 2024\nS: y\n"
	got := readAll(t, NewMboxReader(strings.NewReader(in), "f", nil))
	if len(got) != 2 || !strings.HasSuffix(got[0], long+"\n") || got[1] != "f:7 S: y\n" {
		t.Errorf("long line: got %d messages, first %d bytes", len(got), len(got[0]))
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	mbox := "From x Mon Jan  1 00:00:00 2024\nSubject: one\n\nb\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(mbox))
	zw.Close()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plain := write("t.mbox", []byte(mbox))
	zipped := write("t.mbox.gz", gz.Bytes())
	// Maildir names with ":2,S" cannot live in a Go module zip: create
	// them here.
	md := filepath.Join(dir, "md")
	for _, sub := range []string{"cur", "new", "tmp"} {
		os.MkdirAll(filepath.Join(md, sub), 0o700)
	}
	write("md/cur/1700000001.1.host:2,S", []byte("Subject: two\n\nc\n"))
	write("md/new/1700000000.1.host", []byte("Subject: three\n\nd\n"))

	src, err := Open([]string{plain, zipped, md, "-"}, &OpenOptions{Stdin: strings.NewReader(mbox)})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var subjects []string
	for _, s := range readAll(t, src) {
		subjects = append(subjects, s[strings.Index(s, "Subject: "):strings.Index(s, "\n")])
	}
	want := []string{"Subject: one", "Subject: one", "Subject: three", "Subject: two", "Subject: one"}
	if !reflect.DeepEqual(subjects, want) {
		t.Errorf("subjects = %q, want %q", subjects, want)
	}

	xz := write("t.mbox.xz", []byte{0xfd, '7', 'z', 'X', 'Z', 0, 1, 2})
	if _, err := Open([]string{xz}, nil); err == nil || !strings.Contains(err.Error(), "xz -dc") {
		t.Errorf("Open(xz) = %v, want advice to stream through xz -dc", err)
	}
	if _, err := Open([]string{filepath.Join(dir, "missing")}, nil); err == nil {
		t.Error("Open(missing) = nil error")
	}
	if _, err := Open([]string{dir}, nil); err == nil || !strings.Contains(err.Error(), "Maildir") {
		t.Errorf("Open(plain dir) = %v, want a Maildir error", err)
	}
}

// Standard input that never sends a byte (a terminal, an idle pipe) does
// not hold OpenContext past its context; input that does arrive is read.
func TestOpenStdinThatStalls(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := OpenContext(ctx, []string{"-"}, &OpenOptions{Stdin: r})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "stdin: waiting for input: ") {
			t.Errorf("OpenContext(idle stdin) = %v, want what waited and the deadline", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OpenContext still waiting for stdin 5 s after its context ended")
	}

	r, w = io.Pipe()
	go func() {
		time.Sleep(10 * time.Millisecond) // arrives late, but before any deadline
		w.Write([]byte("From x Mon Jan  1 00:00:00 2024\nSubject: late\n\nb\n"))
		w.Close()
	}()
	src, err := OpenContext(t.Context(), []string{"-"}, &OpenOptions{Stdin: r})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := readAll(t, src); len(got) != 1 || !strings.Contains(got[0], "Subject: late") {
		t.Errorf("late stdin: got %q", got)
	}

	xzBytes := []byte{0xfd, '7', 'z', 'X', 'Z', 0, 1, 2}
	if _, err := OpenContext(t.Context(), []string{"-"}, &OpenOptions{Stdin: bytes.NewReader(xzBytes)}); err == nil || !strings.Contains(err.Error(), "xz -dc FILE.xz | ferrule review -") {
		t.Errorf("OpenContext(xz on stdin) = %v, want advice to decompress first", err)
	}
	t.Chdir(t.TempDir())
	if err := os.WriteFile("stdin", xzBytes, 0o600); err != nil { // a file, not standard input
		t.Fatal(err)
	}
	if _, err := OpenContext(t.Context(), []string{"stdin"}, nil); err == nil || !strings.Contains(err.Error(), "xz -dc stdin |") {
		t.Errorf("OpenContext(xz file named stdin) = %v, want advice to stream the file", err)
	}
}

// A named pipe that no writer opens, or whose writer sends nothing, does
// not hold OpenContext past its context either.
func TestOpenIdleNamedPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	idle := func(what, waiting string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := OpenContext(ctx, []string{fifo}, nil)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), fifo+": "+waiting+": ") {
				t.Errorf("OpenContext(%s) = %v, want its name, %q and the deadline", what, err, waiting)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("OpenContext(%s) still waiting 5 s after its context ended", what)
		}
	}
	idle("named pipe without a writer", "waiting for a writer")
	writer := make(chan *os.File, 1)
	go func() { // opening either end waits for the other
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
		}
		writer <- w
	}()
	idle("named pipe whose writer sends nothing", "waiting for input")
	if w := <-writer; w != nil {
		w.Close()
	}
}

// A named pipe whose writer sends a message, part of the next, and then
// nothing: the read waiting for the rest ends with OpenContext's ctx
// (the pipe is closed under it), and Next says it was interrupted.
func TestNamedPipeStallsAfterData(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	writer := make(chan *os.File, 1)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			writer <- nil
			return
		}
		io.WriteString(w, "From a Mon Jan  1 00:00:00 2024\nMessage-ID: <1@x>\nSubject: one\n\nbody\n\n"+
			"From a Mon Jan  1 00:00:00 2024\nMessage-ID: <2@x>\nSub")
		writer <- w // kept open: the rest never comes
	}()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ms, err := OpenContext(ctx, []string{fifo}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	defer func() {
		if w := <-writer; w != nil {
			w.Close()
		}
	}()
	if r, err := ms.Next(ctx); err != nil || !bytes.Contains(r.Bytes, []byte("<1@x>")) {
		t.Fatalf("first message: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := ms.Next(ctx)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // Next is waiting in a read by now
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Next on a stalled pipe after the interrupt = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Next still waiting on the stalled pipe 5 s after its context ended")
	}
	if err := ms.Close(); err != nil {
		t.Errorf("Close after the interrupt: %v", err)
	}
}
