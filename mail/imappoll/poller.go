// Package imappoll follows one IMAP folder and hands every new message to
// a store, exactly once, across reconnects, crashes and UIDVALIDITY
// resets (RFC 9051 / RFC 3501 UIDs, RFC 2177 IDLE).
//
// A Poller connects (implicit TLS, STARTTLS, or plaintext), logs in,
// SELECTs the folder, compares UIDVALIDITY with the cursor the store holds
// (a change means the UIDs were renumbered: it fetches everything again and
// the store's Message-ID deduplication keeps it from storing anything
// twice), then UID FETCHes from the last stored UID + 1 in batches, each
// batch stored together with the cursor that covers it, so a crash loses
// nothing acknowledged. Then it IDLEs, waking on new mail or after the
// poll interval (servers may miss an IDLE notification), or polls when the
// server lacks IDLE. Errors are retried with jittered exponential backoff;
// an authentication failure stops the poller.
//
// The package does not import ferrule's store: it declares the small
// Store interface it needs. A Poller is not safe for concurrent use, but
// Stats may be read from any goroutine. Protocol traces written to
// Options.DebugWriter have LOGIN and AUTHENTICATE credentials redacted.
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
	// Password is asked for at each login (password_cmd may be slow;
	// callers cache it).
	Password func(ctx context.Context) (string, error)
	// Folder to follow; default INBOX.
	Folder string
	// PollInterval is how often to poll without IDLE, and the longest
	// IDLE before fetching anyway; default 5 minutes.
	PollInterval time.Duration
	// BatchSize is how many messages one UID FETCH and one store
	// transaction carry; default 200.
	BatchSize int
	// MinBackoff and MaxBackoff bound the wait between failed sessions;
	// defaults 1s and 5m.
	MinBackoff, MaxBackoff time.Duration
	// Logger; default slog.Default().
	Logger *slog.Logger
	// DebugWriter receives the protocol trace, with credentials
	// redacted. It still contains every message fetched.
	DebugWriter io.Writer
	// Notify, if set, is called after a batch stored new messages.
	Notify func(added int)
}

// ErrAuth means the server refused the credentials; the poller stops.
var ErrAuth = errors.New("authentication failed")

// Stats are a poller's counters.
type Stats struct {
	Ingested  int64     // messages newly stored
	Errors    int64     // failed sessions
	LastPoll  time.Time // last completed sync
	Connected bool
}

// Poller follows one folder.
type Poller struct {
	o     Options
	store Store
	log   *slog.Logger

	ingested, errors atomic.Int64
	lastPoll         atomic.Int64 // unix nanoseconds
	connected        atomic.Bool
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
	if p.o.BatchSize <= 0 {
		p.o.BatchSize = 200
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
	s := Stats{Ingested: p.ingested.Load(), Errors: p.errors.Load(), Connected: p.connected.Load()}
	if t := p.lastPoll.Load(); t != 0 {
		s.LastPoll = time.Unix(0, t)
	}
	return s
}

// Run follows the folder until ctx is done (returning nil) or the server
// refuses the credentials (returning an error wrapping ErrAuth).
func (p *Poller) Run(ctx context.Context) error {
	wait := p.o.MinBackoff
	for {
		start := time.Now()
		err := p.session(ctx)
		p.connected.Store(false)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrAuth) {
			p.log.Error("stopping: the server refused the credentials; fix them and reload", "err", err)
			return err
		}
		p.errors.Add(1)
		if time.Since(start) > 2*p.o.MaxBackoff {
			wait = p.o.MinBackoff // a long healthy session resets the backoff
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
// error or ctx ends it.
func (p *Poller) session(ctx context.Context) error {
	newMail := make(chan struct{}, 1)
	opts := &imapclient.Options{
		TLSConfig: p.o.TLSConfig,
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
	c, sel, err := p.connect(ctx, opts)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	p.connected.Store(true)
	p.log.Info("connected", "folder", p.o.Folder, "uidvalidity", sel.UIDValidity, "messages", sel.NumMessages)
	canIdle := c.Caps().Has(imap.CapIdle)
	for {
		if err := p.sync(ctx, c, sel.UIDValidity); err != nil {
			return err
		}
		p.lastPoll.Store(time.Now().UnixNano())
		drain(newMail)
		if err := p.wait(ctx, c, canIdle, newMail); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// connect dials, logs in and selects the folder.
func (p *Poller) connect(ctx context.Context, opts *imapclient.Options) (*imapclient.Client, *imap.SelectData, error) {
	c, err := p.login(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	sel, err := c.Select(p.o.Folder, nil).Wait()
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("select %s: %w", p.o.Folder, err)
	}
	return c, sel, nil
}

// login dials and logs in.
func (p *Poller) login(ctx context.Context, opts *imapclient.Options) (*imapclient.Client, error) {
	if p.o.DebugWriter != nil {
		opts.DebugWriter = NewRedactor(p.o.DebugWriter)
	}
	c, err := p.dial(opts)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", p.o.Address, err)
	}
	pw, err := p.o.Password(ctx)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: %v", ErrAuth, err)
	}
	if err := c.Login(p.o.Username, pw).Wait(); err != nil {
		c.Close()
		var ie *imap.Error
		if errors.As(err, &ie) && (ie.Code == imap.ResponseCodeAuthenticationFailed || ie.Type == imap.StatusResponseTypeNo) {
			return nil, fmt.Errorf("%w: %v", ErrAuth, err)
		}
		return nil, fmt.Errorf("login: %w", err)
	}
	return c, nil
}

// SyncOnce connects, fetches what is new, and logs out: one poll, for
// cron-style use and measurements. It returns how many messages were
// new.
func (p *Poller) SyncOnce(ctx context.Context) (int, error) {
	c, sel, err := p.connect(ctx, &imapclient.Options{TLSConfig: p.o.TLSConfig})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	before := p.ingested.Load()
	if err := p.sync(ctx, c, sel.UIDValidity); err != nil {
		return 0, err
	}
	p.lastPoll.Store(time.Now().UnixNano())
	_ = c.Logout().Wait()
	return int(p.ingested.Load() - before), nil
}

func drain(ch chan struct{}) {
	select {
	case <-ch:
	default:
	}
}

func (p *Poller) dial(opts *imapclient.Options) (*imapclient.Client, error) {
	switch p.o.TLS {
	case None:
		return imapclient.DialInsecure(p.o.Address, opts)
	case StartTLS:
		return imapclient.DialStartTLS(p.o.Address, opts)
	default:
		return imapclient.DialTLS(p.o.Address, opts)
	}
}

// sync fetches every message after the stored cursor, in batches.
func (p *Poller) sync(ctx context.Context, c *imapclient.Client, uidValidity uint32) error {
	storedValidity, last, ok, err := p.store.LoadCursor(ctx, p.o.Name)
	if err != nil {
		return fmt.Errorf("load cursor: %w", err)
	}
	if ok && storedValidity != uidValidity {
		p.log.Warn("UIDVALIDITY changed: fetching everything again (stored messages are not duplicated)", "old", storedValidity, "new", uidValidity)
		last = 0
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0) // last+1:*
	found, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		if uint32(u) > last { // n:* always matches the highest UID
			uids = append(uids, u)
		}
	}
	body := &imap.FetchItemBodySection{Peek: true}
	for len(uids) > 0 {
		n := min(len(uids), p.o.BatchSize)
		batch := uids[:n]
		uids = uids[n:]
		msgs, err := c.Fetch(imap.UIDSetNum(batch...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
		if err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		raws := make([]*mail.Raw, 0, len(msgs))
		top := last
		for _, m := range msgs {
			raws = append(raws, &mail.Raw{
				Position: fmt.Sprintf("imap:%s/%d/%d", p.o.Name, uidValidity, m.UID),
				Bytes:    m.FindBodySection(body),
			})
			top = max(top, uint32(m.UID))
		}
		if top < uint32(batch[len(batch)-1]) {
			// Messages expunged between SEARCH and FETCH: skip past them.
			top = uint32(batch[len(batch)-1])
		}
		added, err := p.store.SaveBatch(ctx, p.o.Name, uidValidity, top, raws)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		last = top
		p.ingested.Add(int64(added))
		p.log.Debug("stored", "fetched", len(raws), "new", added, "last_uid", top)
		if added > 0 && p.o.Notify != nil {
			p.o.Notify(added)
		}
	}
	if ok && storedValidity != uidValidity || !ok {
		// Record the (new) UIDVALIDITY even when the folder is empty.
		if _, err := p.store.SaveBatch(ctx, p.o.Name, uidValidity, last, nil); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// wait IDLEs (or sleeps) until new mail, the poll interval, or ctx.
func (p *Poller) wait(ctx context.Context, c *imapclient.Client, canIdle bool, newMail chan struct{}) error {
	timer := time.NewTimer(p.o.PollInterval)
	defer timer.Stop()
	if !canIdle {
		select {
		case <-ctx.Done():
		case <-timer.C:
		case <-c.Closed():
			return errors.New("connection closed")
		}
		return nil
	}
	idle, err := c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-newMail:
	case <-c.Closed():
		return errors.New("connection closed")
	}
	if err := idle.Close(); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	if err := idle.Wait(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("idle: %w", err)
	}
	return nil
}
