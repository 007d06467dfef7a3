package imappoll_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"ferrule/mail/imappoll"
	"ferrule/mail/mailtest"
	"ferrule/store"
)

// BenchmarkDovecotSync10k times the initial sync of 10,000 real list
// messages from Dovecot on loopback into a fresh store, next to mbsync
// (Debian's isync) syncing the same folder to a fresh Maildir in the same
// run. Metrics: seconds per sync for each, and ferrule/mbsync.
func BenchmarkDovecotSync10k(b *testing.B) {
	mbsync, err := exec.LookPath("mbsync")
	if err != nil {
		b.Skip("mbsync not installed (apt-get install isync)")
	}
	d := mailtest.StartDovecot(b)
	d.Fill(b, mailtest.ArchiveMessages(b, 10000))
	d.Doveadm(b, nil, "mailbox", "status", "-u", d.User, "messages", "INBOX") // index outside the timing
	dir := b.TempDir()
	var ours, theirs time.Duration
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		db, err := store.Open(context.Background(), filepath.Join(dir, fmt.Sprintf("s%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		o := dovecotOptions(d)
		o.BatchSize = 500
		start := time.Now()
		n, err := imappoll.New(db, o).SyncOnce(context.Background())
		ours += time.Since(start)
		db.Close()
		if err != nil || n != 10000 {
			b.Fatalf("SyncOnce = %d, %v", n, err)
		}

		near := filepath.Join(dir, fmt.Sprintf("maildir%d", i))
		if err := os.MkdirAll(near, 0o700); err != nil {
			b.Fatal(err)
		}
		cfg := filepath.Join(dir, fmt.Sprintf("mbsyncrc%d", i))
		host, port := d.Addr[:len("127.0.0.1")], d.Addr[len("127.0.0.1:"):]
		os.WriteFile(cfg, []byte(fmt.Sprintf(`IMAPAccount dc
Host %s
Port %s
User %s
Pass %s
SSLType None
AuthMechs LOGIN

IMAPStore far
Account dc

MaildirStore near
Path %s/
Inbox %s/INBOX

Channel ch
Far :far:
Near :near:
Patterns INBOX
Create Near
Sync Pull
SyncState *
`, host, port, d.User, d.Password, near, near)), 0o600)
		start = time.Now()
		out, err := exec.Command(mbsync, "-q", "-c", cfg, "ch").CombinedOutput()
		theirs += time.Since(start)
		if err != nil {
			b.Fatalf("mbsync: %v\n%s", err, out)
		}
	}
	b.ReportMetric(ours.Seconds()/float64(b.N), "ferrule-s/op")
	b.ReportMetric(theirs.Seconds()/float64(b.N), "mbsync-s/op")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "ferrule/mbsync")
}

// BenchmarkPollNothingNew times one poll of an up-to-date folder:
// connect, log in, select, search past the cursor, log out.
func BenchmarkPollNothingNew(b *testing.B) {
	d := mailtest.StartDovecot(b)
	d.Fill(b, mailtest.ArchiveMessages(b, 500))
	db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	p := imappoll.New(db, dovecotOptions(d))
	if n, err := p.SyncOnce(context.Background()); err != nil || n != 500 {
		b.Fatalf("initial sync = %d, %v", n, err)
	}
	b.ResetTimer()
	for b.Loop() {
		if n, err := p.SyncOnce(context.Background()); err != nil || n != 0 {
			b.Fatalf("SyncOnce = %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/poll")
}
