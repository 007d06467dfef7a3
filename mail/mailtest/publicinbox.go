package mailtest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// PublicInbox is a real public-inbox v2 inbox served by public-inbox-imapd
// or public-inbox-httpd on 127.0.0.1 (Debian package public-inbox;
// DEPS.md §6), with its configuration and HOME in a temporary directory.
type PublicInbox struct {
	Addr  string // host:port of the IMAP server (StartPublicInbox)
	Group string // the inbox's newsgroup name: the IMAP group of its slices
	Name  string // the inbox's name
	dir   string
	env   []string
}

// importScript imports an mboxrd from stdin into the inbox named by
// ARGV[0] in one transaction, with public-inbox's own API.
const importScript = `use PublicInbox::Config; use PublicInbox::InboxWritable;
my $ibx = PublicInbox::Config->new->lookup_name($ARGV[0]) or die "no inbox $ARGV[0]\n";
$ibx = PublicInbox::InboxWritable->new($ibx); $ibx->{-no_fsync} = 1;
$ibx->import_mbox(\*STDIN, 'mboxrd');`

// StartPublicInbox creates an empty v2 inbox whose group is
// org.example.test and serves it with public-inbox-imapd; the server is
// stopped by PID when the test ends. skipArtnum > 0 makes the first
// message's UID skipArtnum+1 (public-inbox-init --skip-artnum): 49990
// makes slice .0 full after 10 messages. It skips when public-inbox is not
// installed.
func StartPublicInbox(tb testing.TB, skipArtnum int) *PublicInbox {
	tb.Helper()
	pi := NewPublicInbox(tb, skipArtnum)
	pi.Addr = "127.0.0.1:" + strconv.Itoa(freePort(tb))
	pi.serve(tb, "public-inbox-imapd", "imap://"+pi.Addr, "imapd.log", func() error {
		c, err := net.DialTimeout("tcp", pi.Addr, time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		buf := make([]byte, 64)
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _ := c.Read(buf)
		if !bytes.HasPrefix(buf[:n], []byte("* OK")) {
			return fmt.Errorf("greeting %q", buf[:n])
		}
		return nil
	})
	return pi
}

// NewPublicInbox creates an empty v2 inbox, as StartPublicInbox does,
// without a server. It skips when public-inbox is not installed.
func NewPublicInbox(tb testing.TB, skipArtnum int) *PublicInbox {
	tb.Helper()
	for _, prog := range []string{"public-inbox-init", "perl"} {
		if _, err := exec.LookPath(prog); err != nil {
			tb.Skipf("%s not installed (apt-get install public-inbox liblinux-inotify2-perl; .ci/run does it)", prog)
		}
	}
	dir := tb.TempDir()
	pi := &PublicInbox{Group: "org.example.test", Name: "test", dir: dir,
		env: append(os.Environ(), "HOME="+filepath.Join(dir, "home"),
			"PI_CONFIG="+filepath.Join(dir, "pi-config"), "PI_NO_FSYNC=1")}
	if err := os.Mkdir(filepath.Join(dir, "home"), 0o700); err != nil {
		tb.Fatal(err)
	}
	args := []string{"-V2", "--ng", pi.Group}
	if skipArtnum > 0 {
		args = append(args, "--skip-artnum="+strconv.Itoa(skipArtnum))
	}
	args = append(args, pi.Name, filepath.Join(dir, "inbox"), "http://127.0.0.1/test", "test@example.invalid")
	pi.run(tb, nil, "public-inbox-init", args...)
	return pi
}

// ServeHTTP serves the inbox with public-inbox-httpd on 127.0.0.1, stopped
// by PID when the test ends, and returns the inbox's URL
// (http://127.0.0.1:PORT/test/). It skips when public-inbox-httpd is not
// installed.
func (pi *PublicInbox) ServeHTTP(tb testing.TB) string {
	tb.Helper()
	url := "http://127.0.0.1:" + strconv.Itoa(freePort(tb))
	pi.serve(tb, "public-inbox-httpd", url, "httpd.log", func() error {
		resp, err := http.Get(url + "/" + pi.Name + "/")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %s", resp.Status)
		}
		return nil
	})
	return url + "/" + pi.Name + "/"
}

// serve starts a public-inbox daemon listening on listen, logging to
// logName in the inbox's directory, stops it (SIGQUIT, then kill) when the
// test ends, and waits up to 30 s until ready succeeds. It skips when prog
// is not installed.
func (pi *PublicInbox) serve(tb testing.TB, prog, listen, logName string, ready func() error) {
	tb.Helper()
	if _, err := exec.LookPath(prog); err != nil {
		tb.Skipf("%s not installed (apt-get install public-inbox; .ci/run does it)", prog)
	}
	cmd := exec.Command(prog, "-W0", "-l", listen)
	cmd.Env, cmd.Dir = pi.env, pi.dir
	logPath := filepath.Join(pi.dir, logName)
	logf, err := os.Create(logPath)
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logf.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := ready()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			tb.Fatalf("%s did not answer on %s: %v\n%s", prog, listen, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (pi *PublicInbox) run(tb testing.TB, stdin []byte, name string, args ...string) {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Dir = pi.env, pi.dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// Import adds msgs (raw messages, no mbox From line) to the inbox in one
// transaction, with public-inbox's own Perl API; they get the next UIDs in
// order.
func (pi *PublicInbox) Import(tb testing.TB, msgs [][]byte) {
	tb.Helper()
	pi.ImportMbox(tb, MboxRD(msgs))
}

// ImportMbox is Import for messages already in an mboxrd.
func (pi *PublicInbox) ImportMbox(tb testing.TB, mboxrd []byte) {
	tb.Helper()
	pi.run(tb, mboxrd, "perl", "-e", importScript, pi.Name)
}

var fromLine = regexp.MustCompile(`(?m)^(>*From )`)

// MboxRD joins raw messages into an mboxrd: a From line before each, and
// body lines starting with ">*From " quoted with one more '>'.
func MboxRD(msgs [][]byte) []byte {
	var b bytes.Buffer
	for _, m := range msgs {
		fmt.Fprintf(&b, "From mboxrd@z Thu Jan  1 00:00:00 1970\n")
		b.Write(fromLine.ReplaceAll(bytes.ReplaceAll(m, []byte("\r\n"), []byte("\n")), []byte(">$1")))
		if !bytes.HasSuffix(m, []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}
