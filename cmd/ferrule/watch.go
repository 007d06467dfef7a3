package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"ferrule/mail/imappoll"
	"ferrule/review"
	"ferrule/store"
	"ferrule/templates"
)

// gracePeriod is how long in-flight work may finish after a stop signal
// before it is cancelled (the second phase of shutdown).
const gracePeriod = 5 * time.Second

// runWatch is `ferrule watch -c FILE`: follow the configured mailboxes
// into the store and keep the review current.
func runWatch(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	configPath := fs.String("c", "", "config file (required)")
	trace := fs.Bool("trace-imap", false, "write the IMAP protocol trace to stderr (LOGIN and AUTHENTICATE credentials redacted; message contents are not)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *configPath == "" {
		fmt.Fprintln(e.stderr, "usage: ferrule watch -c FILE")
		return exitUsage
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule watch: %v\n", err)
		return exitUsage
	}
	if len(cfg.Mailboxes) == 0 {
		fmt.Fprintf(e.stderr, "ferrule watch: %s: no mailboxes to follow\n", *configPath)
		return exitUsage
	}
	dbPath := cfg.Store.Path
	if dbPath == "" {
		dbPath = defaultDBPath(e)
	}
	// The store outlives the first phase of shutdown: it gets its own
	// context.
	hard, cancelHard := context.WithCancel(context.Background())
	defer cancelHard()
	db, err := store.Open(hard, dbPath)
	if err != nil {
		fmt.Fprintf(e.stderr, "ferrule watch: %v\n", err)
		return exitRuntime
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	d := &daemon{cfgPath: *configPath, db: db, log: log, e: e, pollers: map[string]*runningPoller{}, notify: make(chan struct{}, 1)}
	if *trace {
		d.trace = e.stderr
	}
	return d.run(ctx, hard, cancelHard, cfg)
}

type daemon struct {
	cfgPath string
	db      *store.DB
	log     *slog.Logger
	e       *env
	trace   io.Writer // IMAP protocol trace, redacted; nil for none

	mu      sync.Mutex
	cfg     *Config
	opts    *review.IngestOptions // checkers and routing for cfg
	pollers map[string]*runningPoller
	notify  chan struct{}
	panics  atomic.Int64
	series  atomic.Int64

	// Review state, owned by the review goroutine.
	asm    *review.Assembler
	lastID int64
	// reviewedNote is signalled after every review (digestLoop).
	reviewedNote chan struct{}
	digests      atomic.Int64 // digests sent
}

// digestRetry is the first wait after a failed digest run; it doubles up
// to the schedule.
var digestRetry = time.Minute

type runningPoller struct {
	p      *imappoll.Poller
	cancel context.CancelFunc
	done   chan struct{}
	err    atomic.Value // error that stopped it, if any
}

func (d *daemon) run(ctx context.Context, hard context.Context, cancelHard context.CancelFunc, cfg *Config) int {
	opts, err := daemonAnalysis(cfg)
	if err != nil {
		d.log.Error("analysis", "err", err)
		return exitUsage
	}
	d.cfg, d.opts = cfg, opts
	d.asm = review.NewAssembler()
	var wg sync.WaitGroup

	// One goroutine owns the review: it reads what the pollers stored.
	reviewDone := make(chan struct{})
	d.reviewedNote = make(chan struct{}, 1)
	go func() {
		defer close(reviewDone)
		d.reviewLoop(hard)
	}()
	d.startPollers(ctx, cfg)
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.digestLoop(ctx)
	}()

	var srv *http.Server
	if cfg.HTTP.Listen != "" {
		srv = &http.Server{Addr: cfg.HTTP.Listen, Handler: d.handler(), ReadHeaderTimeout: 5 * time.Second}
		ln, err := net.Listen("tcp", cfg.HTTP.Listen)
		if err != nil {
			d.log.Error("http listener", "err", err)
		} else {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					d.log.Error("http", "err", err)
				}
			}()
			d.log.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
		}
	}

	for running := true; running; {
		select {
		case <-ctx.Done():
			running = false
		case <-d.e.hup:
			d.reload(ctx)
		}
	}
	// Phase one: no new work. Pollers stop (an unfinished batch is not
	// stored, and is fetched again next time); the review finishes.
	d.log.Info("stopping: no new work")
	d.stopPollers()
	close(d.notify)
	select {
	case <-reviewDone:
	case <-time.After(gracePeriod):
		// Phase two: cancel what is still running.
		d.log.Warn("stopping: cancelling in-flight work")
		cancelHard()
		<-reviewDone
	}
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		srv.Shutdown(sctx)
		cancel()
	}
	wg.Wait()
	d.log.Info("stopped")
	return exitOK
}

// startPollers starts one worker per mailbox; a panic in one is logged
// with its stack and counted, and does not bring the daemon down.
func (d *daemon) startPollers(ctx context.Context, cfg *Config) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, m := range cfg.Mailboxes {
		pctx, cancel := context.WithCancel(ctx)
		rp := &runningPoller{cancel: cancel, done: make(chan struct{})}
		rp.p = imappoll.New(d.db, d.pollerOptions(m))
		d.pollers[m.Name] = rp
		go func(name string) {
			defer close(rp.done)
			defer func() {
				if r := recover(); r != nil {
					d.panics.Add(1)
					d.log.Error("worker panic", "mailbox", name, "panic", r, "stack", string(debug.Stack()))
				}
			}()
			if err := rp.p.Run(pctx); err != nil {
				rp.err.Store(err)
			}
		}(m.Name)
	}
}

func (d *daemon) stopPollers() {
	d.mu.Lock()
	old := d.pollers
	d.pollers = map[string]*runningPoller{}
	d.mu.Unlock()
	for _, rp := range old {
		rp.cancel()
	}
	for _, rp := range old {
		<-rp.done
	}
}

func (d *daemon) pollerOptions(m MailboxConfig) *imappoll.Options {
	interval, _ := time.ParseDuration(m.PollInterval)
	o := imapOptions(m.Name, m.IMAP)
	o.Folder, o.PollInterval, o.BatchSize = m.Folder, interval, m.BatchSize
	o.Logger, o.DebugWriter = d.log, d.trace
	o.Notify = func(int) {
		select {
		case d.notify <- struct{}{}:
		default:
		}
	}
	return o
}

// imapOptions is how to reach and log in to a configured IMAP server.
// password_cmd runs once per process (or reload), when first needed.
func imapOptions(name string, c IMAPConfig) *imappoll.Options {
	return &imappoll.Options{
		Name: name, Address: c.Address, TLS: imappoll.TLSMode(c.TLS), Username: c.Username,
		Password: cachedPassword(c.PasswordCmd, c.PasswordFile),
	}
}

// cachedPassword resolves password_cmd or password_file once, when first
// asked, and then answers from memory.
func cachedPassword(cmd, file string) func(context.Context) (string, error) {
	var once sync.Once
	var pw string
	var pwErr error
	return func(ctx context.Context) (string, error) {
		once.Do(func() { pw, pwErr = resolvePassword(ctx, cmd, file) })
		return pw, pwErr
	}
}

// reload re-reads the config; an invalid one is logged and the old one
// stays.
func (d *daemon) reload(ctx context.Context) {
	cfg, err := loadConfig(d.cfgPath)
	var opts *review.IngestOptions
	if err == nil {
		opts, err = daemonAnalysis(cfg)
	}
	if err != nil {
		d.log.Error("reload failed; keeping the running configuration", "err", err)
		return
	}
	d.log.Info("reloading configuration", "mailboxes", len(cfg.Mailboxes))
	d.stopPollers()
	d.mu.Lock()
	d.cfg, d.opts = cfg, opts
	d.mu.Unlock()
	d.startPollers(ctx, cfg)
}

// reviewLoop reviews what the store holds at start, then what arrives.
func (d *daemon) reviewLoop(ctx context.Context) {
	d.reviewNew(ctx)
	for range d.notify {
		d.reviewNew(ctx)
	}
}

// reviewNew decodes and checks only the messages stored since the last
// review, adds them to the long-lived assembly, and saves the results.
func (d *daemon) reviewNew(ctx context.Context) {
	d.mu.Lock()
	cfg, opts := d.cfg, d.opts
	d.mu.Unlock()
	src := d.db.MessagesAfter(d.lastID)
	if err := review.Feed(ctx, d.asm, src, opts); err != nil {
		d.log.Error("review", "err", err)
		return
	}
	d.lastID = src.LastID()
	res := d.asm.Finish()
	review.RunSeriesCheckers(res, opts.Checkers)
	for _, s := range res.Series {
		s.Responsible = review.Route(s, opts.Route)
	}
	rep := review.BuildReport(res, &review.ReportOptions{Weights: cfg.Ranking.weights(), Now: d.e.clock()})
	if err := d.db.SaveReview(ctx, rep.Series); err != nil {
		d.log.Error("save review", "err", err)
		return
	}
	d.series.Store(int64(len(rep.Series)))
	select {
	case d.reviewedNote <- struct{}{}:
	default:
	}
	d.log.Info("reviewed", "messages", res.Counts.Total, "series", len(rep.Series))
}

// daemonAnalysis checks the templates and returns the checkers and
// routing for a configuration: the kernel tree's knowledge and
// MAINTAINERS when kernel_tree is set. The daemon does not re-apply every
// series to the tree on each arrival; `ferrule review --tree` does that
// on demand.
func daemonAnalysis(cfg *Config) (*review.IngestOptions, error) {
	// Templates are checked at start-up and on reload, not first when a
	// digest is due.
	if _, err := templates.Load(cfg.Templates); err != nil {
		return nil, err
	}
	opts, err := analysisOptions(cfg.KernelTree, cfg.Rust.LeafAllow)
	if err != nil {
		return nil, err
	}
	opts.Tree = nil
	return opts, nil
}

// handler serves /healthz and Prometheus /metrics.
func (d *daemon) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := d.db.CountMessages(r.Context()); err != nil {
			http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		n, _ := d.db.CountMessages(r.Context())
		fmt.Fprintf(w, "# HELP ferrule_stored_messages Messages in the store.\n# TYPE ferrule_stored_messages gauge\nferrule_stored_messages %d\n", n)
		fmt.Fprintf(w, "# HELP ferrule_series Series in the last review.\n# TYPE ferrule_series gauge\nferrule_series %d\n", d.series.Load())
		fmt.Fprintf(w, "# HELP ferrule_digests_sent_total Digest mails accepted by the SMTP server.\n# TYPE ferrule_digests_sent_total counter\nferrule_digests_sent_total %d\n", d.digests.Load())
		fmt.Fprintf(w, "# HELP ferrule_worker_panics_total Recovered worker panics.\n# TYPE ferrule_worker_panics_total counter\nferrule_worker_panics_total %d\n", d.panics.Load())
		d.mu.Lock()
		defer d.mu.Unlock()
		metric := func(name, typ, help string, value func(imappoll.Stats) string) {
			fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
			for mb, rp := range d.pollers {
				fmt.Fprintf(w, "%s{mailbox=%q} %s\n", name, mb, value(rp.p.Stats()))
			}
		}
		metric("ferrule_messages_ingested_total", "counter", "Messages newly stored, by mailbox.", func(s imappoll.Stats) string { return fmt.Sprint(s.Ingested) })
		metric("ferrule_poll_errors_total", "counter", "Failed IMAP sessions, by mailbox.", func(s imappoll.Stats) string { return fmt.Sprint(s.Errors) })
		metric("ferrule_last_poll_timestamp_seconds", "gauge", "When the mailbox was last synced.", func(s imappoll.Stats) string {
			if s.LastPoll.IsZero() {
				return "0"
			}
			return fmt.Sprintf("%.3f", float64(s.LastPoll.UnixNano())/1e9)
		})
		metric("ferrule_imap_connected", "gauge", "1 while the mailbox's IMAP session is up.", func(s imappoll.Stats) string {
			if s.Connected {
				return "1"
			}
			return "0"
		})
	})
	return mux
}

// digestLoop sends digests after reviews, at most one round per
// digest.schedule (re-read after a reload): a round that delivered
// something starts the period, and new content waits for its end. Only
// content a recipient has not been sent goes out. A failed round leaves
// nothing recorded as sent and is retried on a timer, the wait doubling
// from digestRetry up to the schedule.
func (d *daemon) digestLoop(ctx context.Context) {
	var lastSent time.Time
	failures := 0
	var timer <-chan time.Time
	for {
		byTimer := false
		select {
		case <-ctx.Done():
			return
		case <-d.reviewedNote:
		case <-timer:
			timer, byTimer = nil, true
		}
		d.mu.Lock()
		cfg := d.cfg
		d.mu.Unlock()
		if cfg.SMTP == nil || cfg.Digest == nil || cfg.Digest.Schedule == "" {
			continue
		}
		schedule, _ := time.ParseDuration(cfg.Digest.Schedule)
		if failures > 0 && !byTimer {
			continue // the retry timer is set
		}
		if due := lastSent.Add(schedule); failures == 0 && time.Now().Before(due) {
			if timer == nil {
				timer = time.After(time.Until(due))
			}
			continue
		}
		n, err := d.sendDigests(ctx, cfg)
		if n > 0 {
			lastSent = time.Now()
		}
		if err != nil {
			failures++
			wait := min(digestRetry<<min(failures-1, 16), schedule)
			timer = time.After(wait)
			d.log.Warn("digests failed; retrying", "in", wait, "err", err)
			continue
		}
		failures = 0
	}
}

// sendDigests mails the digests of the store's last review.
func (d *daemon) sendDigests(ctx context.Context, cfg *Config) (int, error) {
	set, err := templates.Load(cfg.Templates)
	if err != nil {
		return 0, err
	}
	g, err := newDigester(cfg, set, d.db, d.e.clock)
	if err != nil {
		return 0, err
	}
	g.log = d.log
	reports, err := d.db.Reports(ctx)
	if err != nil {
		return 0, err
	}
	n, err := g.send(ctx, review.Digests(reports, subscriptions(cfg)))
	d.digests.Add(int64(n))
	return n, err
}
