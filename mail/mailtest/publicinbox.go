package mailtest

import (
	"bytes"
	"fmt"
	"net"
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
// on 127.0.0.1 (Debian package public-inbox; DEPS.md §6), with its
// configuration and HOME in a temporary directory.
type PublicInbox struct {
	Addr  string // host:port of the IMAP server
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
	for _, prog := range []string{"public-inbox-init", "public-inbox-imapd", "perl"} {
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

	pi.Addr = "127.0.0.1:" + strconv.Itoa(freePort(tb))
	cmd := exec.Command("public-inbox-imapd", "-W0", "-l", "imap://"+pi.Addr)
	cmd.Env, cmd.Dir = pi.env, dir
	logPath := filepath.Join(dir, "imapd.log")
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
		c, err := net.DialTimeout("tcp", pi.Addr, time.Second)
		if err == nil {
			buf := make([]byte, 64)
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, _ := c.Read(buf)
			c.Close()
			if bytes.HasPrefix(buf[:n], []byte("* OK")) {
				break
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			tb.Fatalf("public-inbox-imapd did not answer on %s: %v\n%s", pi.Addr, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return pi
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
	pi.run(tb, MboxRD(msgs), "perl", "-e", importScript, pi.Name)
}

// Log returns what the server logged so far.
func (pi *PublicInbox) Log(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(pi.dir, "imapd.log"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
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
