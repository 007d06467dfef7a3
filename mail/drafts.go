package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// Drafts hold the unsent text of people's mail: every file written here is
// 0600 and every directory created 0700.

// WriteFile writes a composed message to path (an .eml file), replacing
// it, readable by the owner only.
func WriteFile(path string, msg []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("draft: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("draft: %w", err)
	}
	if _, err := f.Write(msg); err != nil {
		f.Close()
		return fmt.Errorf("draft: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("draft: %w", err)
	}
	return nil
}

var fromLineRe = regexp.MustCompile(`(?m)^(>*From )`)

// AppendMbox appends a composed message to an mboxrd file (created 0600
// when missing) as one WriteMboxEntry, starting on a line of its own even
// if the file lacks its final newline.
func AppendMbox(path string, msg []byte, sender string, date time.Time) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("mbox: %w", err)
	}
	var out bytes.Buffer
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			out.WriteString("\n\n")
		}
	}
	_ = WriteMboxEntry(&out, msg, sender, date) // a bytes.Buffer does not fail
	if _, err := f.Write(out.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("mbox: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("mbox: %w", err)
	}
	return nil
}

// WriteMboxEntry writes msg as one mboxrd entry: a "From SENDER DATE"
// separator (MAILER-DAEMON without a sender), the message with LF line
// ends and its "From " lines quoted with one more ">", and a blank line.
func WriteMboxEntry(w io.Writer, msg []byte, sender string, date time.Time) error {
	if sender == "" {
		sender = "MAILER-DAEMON"
	}
	body := bytes.ReplaceAll(msg, []byte("\r\n"), []byte("\n"))
	body = fromLineRe.ReplaceAll(body, []byte(">$1"))
	if !bytes.HasSuffix(body, []byte("\n")) {
		body = append(body, '\n')
	}
	_, err := fmt.Fprintf(w, "From %s %s\n%s\n", sender, date.UTC().Format("Mon Jan _2 15:04:05 2006"), body)
	return err
}

// DeliverMaildir puts a composed message into the Maildir dir (creating
// tmp, new and cur when missing): written to tmp under a unique name,
// synced, then renamed into new, so a reader never sees half a message.
// It returns the path of the delivered file.
func DeliverMaildir(dir string, msg []byte, now time.Time) (string, error) {
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return "", fmt.Errorf("maildir: %w", err)
		}
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("%d.M%dP%dR%s.%s", now.Unix(), now.Nanosecond()/1000, os.Getpid(), hex.EncodeToString(rnd[:]), maildirSafe(host))
	tmp := filepath.Join(dir, "tmp", name)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("maildir: %w", err)
	}
	_, werr := f.Write(msg)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("maildir: %w", err)
	}
	dst := filepath.Join(dir, "new", name)
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("maildir: %w", err)
	}
	return dst, nil
}

// maildirSafe replaces the characters Maildir names reserve ("/" and ":").
func maildirSafe(host string) string {
	b := []byte(host)
	for i, c := range b {
		if c == '/' || c == ':' {
			b[i] = '_'
		}
	}
	return string(b)
}
