// Package imappoll follows one IMAP folder and hands every new message to
// a store, exactly once, across reconnects, crashes and UIDVALIDITY
// resets (RFC 9051 / RFC 3501 UIDs, RFC 2177 IDLE).
//
// A Poller connects (implicit TLS, STARTTLS, or plaintext), logs in (or
// authenticates with SASL ANONYMOUS, as public-inbox offers), SELECTs the
// folder, compares UIDVALIDITY with the cursor the store holds
// (a change means the UIDs were renumbered: it fetches everything again and
// the store's Message-ID deduplication keeps it from storing anything
// twice; undecodable messages have content-hash ids for the same reason),
// then fetches the RFC822.SIZE of what is new and the bodies in batches
// bounded by count and bytes, each batch stored together with the cursor
// that covers it, so a crash loses nothing acknowledged. A message over
// Options.MaxMessageBytes is not fetched: a placeholder records it as
// unparsed. Then it IDLEs, waking on new mail or after the poll interval
// (servers may miss an IDLE notification), or polls when the server lacks
// IDLE.
//
// A folder may name a public-inbox group: an empty placeholder
// (UIDVALIDITY 0) whose children GROUP.0, GROUP.1, … are slices of
// SliceUIDs UIDs each, numbered across slices. The poller LISTs them,
// follows the slice its cursor points into and, when that one is full,
// the next, keeping one cursor for the group (STATUS makes public-inbox
// create a slice that filled; it does not notify an IDLE on a full
// slice, so the poller polls for the next one); a folder named like one
// of its slices is followed as the group, from that slice. A placeholder without
// slices, or a folder that does not exist, stops the poller with an
// error wrapping ErrFolder that names what to follow instead. Options.Start
// places the cursor of a mailbox never read: after the newest message, or
// before the first one received since a day.
//
// Every read and write has a deadline: while a reply is due the server
// may be silent for at most Options.Timeout, and during IDLE until the
// interval ends, so a stalled server is replaced within PollInterval +
// Timeout. Errors are retried with jittered exponential backoff, which
// starts again after a session that synced; an authentication failure,
// or a folder that cannot be followed, stops the poller. Health reports what a /healthz needs.
//
// The package does not import ferrule's store: it declares the small
// Store interface it needs. A Poller is not safe for concurrent use, but
// Stats and Health may be read from any goroutine. Protocol traces written
// to Options.DebugWriter have LOGIN and AUTHENTICATE credentials redacted.
package imappoll

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"ferrule/mail"
)

// TLSMode is how the connection is secured.
type TLSMode string

// TLS modes.
const (
	Implicit TLSMode = "implicit" // TLS from the first byte (port 993)
	StartTLS TLSMode = "starttls" // plaintext, then STARTTLS (port 143)
	None     TLSMode = "none"     // plaintext: loopback only (the config enforces it)
)

// Store is what the poller needs of ferrule's store.
type Store interface {
	// LoadCursor returns the UIDVALIDITY and last stored UID of mailbox;
	// ok is false when the mailbox was never read.
	LoadCursor(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, ok bool, err error)
	// SaveBatch stores msgs (new Message-IDs only) and moves the cursor to
	// (uidValidity, lastUID) in one transaction; it returns how many
	// messages were new.
	SaveBatch(ctx context.Context, mailbox string, uidValidity, lastUID uint32, msgs []*mail.Raw) (int, error)
}

// Options configures a Poller. Zero values take the documented defaults.
type Options struct {
	// Name identifies the mailbox in the store's cursors and in logs.
	Name    string
	Address string // host:port
	TLS     TLSMode
	// TLSConfig for Implicit and StartTLS; default: system roots.
	TLSConfig *tls.Config
	Username  string
	// Password is asked for at each login, before connecting (password_cmd
	// may be slow; callers cache it); unused with Anonymous.
	Password func(ctx context.Context) (string, error)
	// Anonymous logs in with SASL ANONYMOUS (RFC 4505), as public-inbox
	// offers: no username or password (Password may be nil).
	Anonymous bool
	// Folder to follow; default INBOX. A public-inbox group (the parent
	// of the slices GROUP.0, GROUP.1, …) is followed slice after slice.
	Folder string
	// Start says where the first sync of a mailbox with no cursor
	// begins; default: everything.
	Start Start
	// PollInterval is how often to poll without IDLE, and the longest
	// IDLE before fetching anyway; default 5 minutes.
	PollInterval time.Duration
	// Timeout is how long the server may stay silent while a reply is
	// due (and how long a write may block) before the connection counts
	// as stalled and is replaced; default PollInterval, at least 30
	// seconds and at most 2 minutes. Servers buffer short replies: a
	// FETCH of many sizes, or a refused LOGIN (delayed on purpose), can
	// take seconds before the first byte. A stall during IDLE is seen
	// when the IDLE ends, so within PollInterval + Timeout.
	Timeout time.Duration
	// BatchSize is how many messages one UID FETCH and one store
	// transaction carry at most; default 200. A batch also stops at
	// 32 MB of messages (by their RFC822.SIZE).
	BatchSize int
	// MaxMessageBytes bounds one message; a larger one is stored as a
	// placeholder that records its size and why it is missing (an
	// unparsed message), and only its first 64 KiB are fetched. Default
	// mail.DefaultMaxMessageBytes.
	MaxMessageBytes int64
	// MinBackoff and MaxBackoff bound the wait between failed sessions;
	// defaults 1s and 5m. A session that synced starts again from
	// MinBackoff.
	MinBackoff, MaxBackoff time.Duration
	// Logger; default slog.Default().
	Logger *slog.Logger
	// DebugWriter receives the protocol trace, with credentials
	// redacted. It still contains every message fetched.
	DebugWriter io.Writer
	// Notify, if set, is called after a batch stored new messages.
	Notify func(added int)
}

// minTimeout is the least default Timeout; loginTimeout is the least
// time LOGIN may take to be answered, whatever Timeout says.
const (
	minTimeout   = 30 * time.Second
	loginTimeout = 30 * time.Second
)

// ErrAuth means the server refused the credentials; the poller stops.
var ErrAuth = errors.New("authentication failed")

// Stats are a poller's counters.
type Stats struct {
	Ingested  int64     // messages newly stored
	Errors    int64     // failed sessions
	Stalls    int64     // sessions ended because the server stopped answering
	TooLarge  int64     // messages stored as placeholders (over MaxMessageBytes)
	LastPoll  time.Time // last completed sync
	Connected bool
}

// Poller follows one folder.
type Poller struct {
	o     Options
	store Store
	log   *slog.Logger

	ingested, errors, stalls, tooLarge atomic.Int64
	lastPoll                           atomic.Int64 // unix nanoseconds
	progress                           atomic.Int64 // unix nanoseconds: start, stored batch or completed sync
	connected                          atomic.Bool
	health                             healthState
}

// New returns a poller; it does no I/O.
func New(store Store, opts *Options) *Poller {
	p := &Poller{store: store}
	if opts != nil {
		p.o = *opts
	}
	if p.o.Folder == "" {
		p.o.Folder = "INBOX"
	}
	if p.o.Name == "" {
		p.o.Name = p.o.Folder
	}
	if p.o.TLS == "" {
		p.o.TLS = Implicit
	}
	if p.o.PollInterval <= 0 {
		p.o.PollInterval = 5 * time.Minute
	}
	if p.o.Timeout <= 0 {
		p.o.Timeout = min(max(p.o.PollInterval, minTimeout), 2*time.Minute)
	}
	if p.o.BatchSize <= 0 {
		p.o.BatchSize = 200
	}
	if p.o.MaxMessageBytes <= 0 {
		p.o.MaxMessageBytes = mail.DefaultMaxMessageBytes
	}
	if p.o.MinBackoff <= 0 {
		p.o.MinBackoff = time.Second
	}
	if p.o.MaxBackoff <= 0 {
		p.o.MaxBackoff = 5 * time.Minute
	}
	p.log = p.o.Logger
	if p.log == nil {
		p.log = slog.Default()
	}
	p.log = p.log.With("mailbox", p.o.Name)
	return p
}

// Stats returns the poller's counters; safe from any goroutine.
func (p *Poller) Stats() Stats {
	s := Stats{Ingested: p.ingested.Load(), Errors: p.errors.Load(), Stalls: p.stalls.Load(),
		TooLarge: p.tooLarge.Load(), Connected: p.connected.Load()}
	if t := p.lastPoll.Load(); t != 0 {
		s.LastPoll = time.Unix(0, t)
	}
	return s
}

// Run follows the folder until ctx is done (returning nil), the server
// refuses the credentials (returning an error wrapping ErrAuth), or the
// folder cannot be followed (ErrFolder).
func (p *Poller) Run(ctx context.Context) error {
	p.progress.Store(time.Now().UnixNano())
	defer p.health.stopped.Store(true)
	wait := p.o.MinBackoff
	for {
		synced := false
		err := p.session(ctx, &synced)
		p.connected.Store(false)
		if ctx.Err() != nil {
			return nil
		}
		p.health.setErr(err)
		if errors.Is(err, ErrAuth) {
			p.health.authFailed.Store(true)
			p.log.Error("stopping: the server refused the credentials; fix them and reload", "err", err)
			return err
		}
		if errors.Is(err, ErrFolder) {
			p.log.Error("stopping: fix the folder and reload", "err", err)
			return err
		}
		p.errors.Add(1)
		if errors.Is(err, ErrStalled) {
			p.stalls.Add(1)
		}
		if synced {
			wait = p.o.MinBackoff // the server worked: this is a new failure, not a series
		}
		jittered := wait/2 + time.Duration(rand.Int64N(int64(wait)))
		p.log.Warn("session ended; reconnecting", "err", err, "in", jittered.Round(time.Millisecond))
		t := time.NewTimer(jittered)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		wait = min(wait*2, p.o.MaxBackoff)
	}
}

// session is one connection: login, select, then sync and wait until an
// error or ctx ends it. synced is set once a sync completed.
func (p *Poller) session(ctx context.Context, synced *bool) error {
	newMail := make(chan struct{}, 1)
	opts := &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case newMail <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	s, t, err := p.connect(ctx, opts)
	if err != nil {
		return err
	}
	defer s.close()
	p.connected.Store(true)
	p.log.Info("connected", "folder", t.folder, "uidvalidity", t.sel.UIDValidity, "messages", t.sel.NumMessages)
	canIdle := s.caps().Has(imap.CapIdle)
	for {
		last, err := p.syncTarget(ctx, s, t)
		if err != nil {
			return s.stallErr(err)
		}
		*synced = true
		now := time.Now().UnixNano()
		p.lastPoll.Store(now)
		p.progress.Store(now)
		drain(newMail)
		// public-inbox does not notify an IDLE on a full slice: poll
		// for the next one.
		idle, interval := canIdle, p.o.PollInterval
		if t.full(last) {
			idle, interval = false, min(interval, fullSliceWait)
		}
		if err := p.wait(ctx, s, idle, interval, newMail); err != nil {
			return s.stallErr(err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// sess is one logged-in connection.
type sess struct {
	c       *imapclient.Client
	wc      *conn
	stop    func() bool // unregisters the close on cancellation
	timeout time.Duration
}

func (s *sess) close() {
	s.stop()
	s.c.Close()
}

// do runs one command that expects a reply within the timeout.
func (s *sess) do(f func() error) error {
	s.wc.busy()
	defer s.wc.rest()
	return f()
}

func (s *sess) caps() imap.CapSet {
	var caps imap.CapSet
	s.do(func() error { caps = s.c.Caps(); return nil })
	return caps
}

// stallErr names a stall as such: go-imap reports it as a read error.
func (s *sess) stallErr(err error) error {
	if err != nil && s.wc.stalled.Load() && !errors.Is(err, ErrStalled) {
		return fmt.Errorf("%w for %v: %v", ErrStalled, s.timeout, err)
	}
	return err
}

// connect dials, logs in and selects the folder (or the slice of a
// group that the cursor points into).
func (p *Poller) connect(ctx context.Context, opts *imapclient.Options) (*sess, *target, error) {
	s, err := p.login(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	t, err := p.open(ctx, s)
	if err != nil {
		s.close()
		return nil, nil, s.stallErr(err)
	}
	return s, t, nil
}

// login asks for the password, dials and logs in (or authenticates
// anonymously).
func (p *Poller) login(ctx context.Context, opts *imapclient.Options) (*sess, error) {
	var pw string
	if !p.o.Anonymous {
		if p.o.Password == nil {
			return nil, fmt.Errorf("%w: no password source", ErrAuth)
		}
		var err error
		if pw, err = p.o.Password(ctx); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrAuth, err)
		}
	}
	nc, wc, err := p.dialConn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", p.o.Address, err)
	}
	s := &sess{c: imapclient.New(nc, opts), wc: wc, timeout: p.o.Timeout}
	s.stop = context.AfterFunc(ctx, func() { wc.Close() })
	// Servers delay a refused login (Dovecot by 2s, others more): the
	// answer may take longer than other commands.
	s.wc.busyWithin(max(p.o.Timeout, loginTimeout))
	if p.o.Anonymous {
		err = s.c.Authenticate(sasl.NewAnonymousClient("ferrule"))
	} else {
		err = s.c.Login(p.o.Username, pw).Wait()
	}
	s.wc.rest()
	if err != nil {
		s.close()
		var ie *imap.Error
		if errors.As(err, &ie) && (ie.Code == imap.ResponseCodeAuthenticationFailed || ie.Type == imap.StatusResponseTypeNo) {
			return nil, fmt.Errorf("%w: %v", ErrAuth, err)
		}
		return nil, fmt.Errorf("login: %w", s.stallErr(err))
	}
	return s, nil
}

// SyncOnce connects, fetches what is new, and logs out: one poll, for
// cron-style use and measurements. It returns how many messages were
// new.
func (p *Poller) SyncOnce(ctx context.Context) (int, error) {
	s, t, err := p.connect(ctx, &imapclient.Options{})
	if err != nil {
		return 0, err
	}
	defer s.close()
	before := p.ingested.Load()
	if _, err := p.syncTarget(ctx, s, t); err != nil {
		return 0, s.stallErr(err)
	}
	p.lastPoll.Store(time.Now().UnixNano())
	_ = s.do(func() error { return s.c.Logout().Wait() })
	return int(p.ingested.Load() - before), nil
}

func drain(ch chan struct{}) {
	select {
	case <-ch:
	default:
	}
}

// wait IDLEs (or sleeps) until new mail, the poll interval, or ctx.
// During IDLE the server may be silent until the interval ends; the DONE
// must then be answered within the timeout.
func (p *Poller) wait(ctx context.Context, s *sess, canIdle bool, interval time.Duration, newMail chan struct{}) error {
	timer := time.NewTimer(interval)
	defer timer.Stop()
	if !canIdle {
		select {
		case <-ctx.Done():
		case <-timer.C:
		case <-s.c.Closed():
			return errors.New("connection closed")
		}
		return nil
	}
	var idle *imapclient.IdleCommand
	if err := s.do(func() (err error) { idle, err = s.c.Idle(); return err }); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	s.wc.wait(time.Now().Add(interval + p.o.Timeout))
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-newMail:
	case <-s.c.Closed():
		return errors.New("connection closed")
	}
	err := s.do(func() error {
		if err := idle.Close(); err != nil {
			return err
		}
		return idle.Wait()
	})
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("idle: %w", err)
	}
	return nil
}
