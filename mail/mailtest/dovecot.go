package mailtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Dovecot is a real Dovecot IMAP server (Debian's dovecot-imapd) started
// for one test on 127.0.0.1, with one user, plaintext login allowed on
// loopback. It is stopped, by PID, when the test ends.
type Dovecot struct {
	Addr     string
	User     string
	Password string
	dir      string
	conf     string
	maildir  string
	cmd      *exec.Cmd
	filled   int // messages written by Fill, for unique file names
}

// nobody is the uid/gid Dovecot's mail processes run as (they may not run
// as root).
const nobody = 65534

// StartDovecot starts a server or skips the test when Dovecot is not
// installed (.ci/run installs it) or the test does not run as root.
func StartDovecot(tb testing.TB) *Dovecot {
	tb.Helper()
	if _, err := exec.LookPath("dovecot"); err != nil {
		tb.Skip("dovecot not installed (apt-get install dovecot-imapd; .ci/run does it)")
	}
	if os.Geteuid() != 0 {
		tb.Skip("the Dovecot harness runs dovecot as root, with mail processes as nobody")
	}
	// Not t.TempDir(): its 0700 parents keep the nobody user out.
	dir, err := os.MkdirTemp("/tmp", "ferrule-dovecot-")
	if err != nil {
		tb.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	d := &Dovecot{User: "testuser", Password: "secret", dir: dir, conf: filepath.Join(dir, "dovecot.conf")}
	home := filepath.Join(dir, "mail", d.User)
	d.maildir = filepath.Join(home, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(d.maildir, sub), 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	filepath.Walk(filepath.Join(dir, "mail"), func(p string, _ os.FileInfo, _ error) error { return os.Chown(p, nobody, nobody) })
	port := freePort(tb)
	d.Addr = "127.0.0.1:" + strconv.Itoa(port)
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN %[1]s/passwd
}
userdb {
  driver = passwd-file
  args = %[1]s/passwd
}
service imap-login {
  inet_listener imap {
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
}
`, dir, port)
	passwd := fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s\n", d.User, d.Password, nobody, nobody, home)
	if err := os.WriteFile(d.conf, []byte(conf), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(passwd), 0o644); err != nil {
		tb.Fatal(err)
	}
	d.cmd = exec.Command("dovecot", "-F", "-c", d.conf)
	d.cmd.Stdout, d.cmd.Stderr = &bytes.Buffer{}, &bytes.Buffer{}
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		tb.Fatalf("start dovecot: %v", err)
	}
	tb.Cleanup(d.stop)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", d.Addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			tb.Fatalf("dovecot did not listen on %s: %s\n%s", d.Addr, d.cmd.Stderr, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return d
}

func (d *Dovecot) stop() {
	if d.cmd != nil && d.cmd.Process != nil {
		// The master and its children share a process group.
		syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		d.cmd.Wait()
	}
	os.RemoveAll(d.dir)
}

// Doveadm runs doveadm against this server, with stdin.
func (d *Dovecot) Doveadm(tb testing.TB, stdin []byte, args ...string) string {
	tb.Helper()
	cmd := exec.Command("doveadm", append([]string{"-c", d.conf}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("doveadm %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// Save delivers a message to INBOX through doveadm (as an MDA would).
func (d *Dovecot) Save(tb testing.TB, msg []byte) {
	tb.Helper()
	d.Doveadm(tb, msg, "save", "-u", d.User, "-m", "INBOX")
}

// Fill writes messages straight into INBOX's Maildir (fast, for bulk
// fixtures); Dovecot indexes them when the folder is next opened.
func (d *Dovecot) Fill(tb testing.TB, msgs [][]byte) {
	tb.Helper()
	base := time.Now().Unix()
	for _, m := range msgs {
		d.filled++
		// S= and W= (size, and size with CRLF line ends) as an MDA
		// writes them, so that Dovecot need not read a message to
		// report its RFC822.SIZE.
		vsize := len(m) + bytes.Count(m, []byte("\n")) - bytes.Count(m, []byte("\r\n"))
		p := filepath.Join(d.maildir, "cur", fmt.Sprintf("%d.M%dP%d.ferrule,S=%d,W=%d:2,S", base, d.filled, os.Getpid(), len(m), vsize))
		if err := os.WriteFile(p, m, 0o644); err != nil {
			tb.Fatal(err)
		}
		os.Chown(p, nobody, nobody)
	}
}

// UIDValidity returns INBOX's UIDVALIDITY.
func (d *Dovecot) UIDValidity(tb testing.TB) uint32 {
	tb.Helper()
	out := d.Doveadm(tb, nil, "mailbox", "status", "-u", d.User, "uidvalidity", "INBOX")
	// "INBOX uidvalidity=1795272229"
	_, val, _ := strings.Cut(strings.TrimSpace(out), "uidvalidity=")
	v, err := strconv.ParseUint(strings.Fields(val + " ")[0], 10, 32)
	if err != nil {
		tb.Fatalf("uidvalidity %q: %v", out, err)
	}
	return uint32(v)
}

// SetUIDValidity resets INBOX's UIDVALIDITY (the server renumbered it).
func (d *Dovecot) SetUIDValidity(tb testing.TB, v uint32) {
	tb.Helper()
	d.Doveadm(tb, nil, "mailbox", "update", "-u", d.User, "--uid-validity", strconv.FormatUint(uint64(v), 10), "INBOX")
}

func freePort(tb testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// IMAPPids returns the PIDs of the server's imap processes (one per
// logged-in connection), found in /proc by process group.
func (d *Dovecot) IMAPPids(tb testing.TB) []int {
	tb.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		tb.Skipf("no /proc: %v", err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...
		s := string(stat)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(s[end+1:])
		if s[open+1:end] != "imap" || len(fields) < 3 {
			continue
		}
		if pgrp, err := strconv.Atoi(fields[2]); err == nil && pgrp == d.cmd.Process.Pid {
			pids = append(pids, pid)
		}
	}
	return pids
}
