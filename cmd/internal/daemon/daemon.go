package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ferrule/cmd/internal/analysis"
	"ferrule/cmd/internal/config"
	"ferrule/cmd/internal/digest"
	"ferrule/cmd/internal/results"
	"ferrule/cmd/internal/web"
	"ferrule/mail/imappoll"
	"ferrule/review"
	"ferrule/review/maintainers"
	"ferrule/review/rustcheck"
	"ferrule/store"
	"ferrule/templates"
)

// GracePeriod is how long in-flight work may finish after a stop signal
// before it is cancelled (the second phase of shutdown).
const GracePeriod = 5 * time.Second

// digestRetry is the first wait after a failed digest run; it doubles up
// to the schedule.
var digestRetry = time.Minute

// Options are what the daemon is given besides its configuration.
type Options struct {
	ConfigPath string // re-read on reload
	DB         *store.DB
	Log        *slog.Logger
	Trace      io.Writer // IMAP protocol trace, redacted; nil for none
	Now        func() time.Time
	Reload     <-chan os.Signal // SIGHUP
}

// Daemon is one running `ferrule watch`.
type Daemon struct {
	o   Options
	db  *store.DB
	log *slog.Logger

	mu      sync.Mutex
	cfg     *config.Config
	setup   *setup
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

// setup is what a configuration load yields besides the config: built
// once per load, so password caches and templates are shared by every
// round until the next reload.
type setup struct {
	opts     *review.IngestOptions // checkers and routing
	digester *digest.Digester
	// web is the read-only web view of the saved review, with the same
	// MAINTAINERS and kernel knowledge as the review.
	web http.Handler
}

type runningPoller struct {
	p      *imappoll.Poller
	cancel context.CancelFunc
	done   chan struct{}
	err    atomic.Value // error that stopped it, if any
}

// New checks cfg for the daemon (templates, analysis); an error is a
// configuration error.
func New(cfg *config.Config, o Options) (*Daemon, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	d := &Daemon{o: o, db: o.DB, log: o.Log, pollers: map[string]*runningPoller{}, notify: make(chan struct{}, 1)}
	s, err := d.prepare(cfg)
	if err != nil {
		return nil, err
	}
	d.cfg, d.setup = cfg, s
	return d, nil
}

// prepare checks the templates and wires the checkers, routing and web
// view for a configuration: the kernel tree's knowledge and MAINTAINERS
// when kernel_tree is set, else the embedded ones. The daemon does not
// re-apply every series to the tree on each arrival; `ferrule review
// --tree` does that on demand.
func (d *Daemon) prepare(cfg *config.Config) (*setup, error) {
	// Templates are checked at start-up and on reload, not first when a
	// digest is due.
	set, err := templates.Load(cfg.Templates)
	if err != nil {
		return nil, err
	}
	k, m, err := analysis.Knowledge(cfg.KernelTree)
	if err != nil {
		return nil, err
	}
	opts := &review.IngestOptions{}
	opts.Checkers, opts.Route = analysis.Checkers(k, m, cfg.LeafAllow)
	return &setup{opts: opts, digester: digest.New(cfg, set, d.db, d.o.Now, d.log), web: webView(cfg, d.db, k, m, d.log, d.o.Now)}, nil
}

// webView is the web view of db's saved review with the knowledge k and
// MAINTAINERS m, linking to the mail as cfg's digest.link_template says.
func webView(cfg *config.Config, db *store.DB, k *rustcheck.Knowledge, m *maintainers.File, log *slog.Logger, now func() time.Time) http.Handler {
	wo := web.Options{Source: results.View{DB: db}, Maintainers: m, Knowledge: k, Logger: log, Now: now}
	if cfg != nil && cfg.Digest != nil {
		wo.LinkTemplate = cfg.Digest.LinkTemplate
	}
	return web.New(wo)
}

// WebView is the read-only web view of db's saved review as the daemon
// serves it, for `ferrule serve`: with the knowledge and MAINTAINERS of
// cfg's kernel_tree when it is set, else the embedded ones (cfg may be
// nil).
func WebView(cfg *config.Config, db *store.DB, log *slog.Logger) (http.Handler, error) {
	tree := ""
	if cfg != nil {
		tree = cfg.KernelTree
	}
	k, m, err := analysis.Knowledge(tree)
	if err != nil {
		return nil, err
	}
	return webView(cfg, db, k, m, log, nil), nil
}

// Run runs until ctx is cancelled; hard, cancelled by cancelHard, is the
// store's context, which outlives the first phase of shutdown.
func (d *Daemon) Run(ctx, hard context.Context, cancelHard context.CancelFunc) {
	d.asm = review.NewAssembler()
	var wg sync.WaitGroup

	// One goroutine owns the review: it reads what the pollers stored.
	reviewDone := make(chan struct{})
	d.reviewedNote = make(chan struct{}, 1)
	go func() {
		defer close(reviewDone)
		d.reviewLoop(hard)
	}()
	d.startPollers(ctx, d.cfg)
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.digestLoop(ctx)
	}()

	var srv *http.Server
	if d.cfg.HTTPListen != "" {
		srv = &http.Server{Addr: d.cfg.HTTPListen, Handler: d.Handler(), ReadHeaderTimeout: 5 * time.Second}
		ln, err := net.Listen("tcp", d.cfg.HTTPListen)
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
			d.log.Info("serving the web view, /healthz and /metrics", "addr", ln.Addr().String())
		}
	}

	for running := true; running; {
		select {
		case <-ctx.Done():
			running = false
		case <-d.o.Reload:
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
	case <-time.After(GracePeriod):
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
}

// startPollers starts one worker per mailbox; a panic in one is logged
// with its stack and counted, and does not bring the daemon down.
func (d *Daemon) startPollers(ctx context.Context, cfg *config.Config) {
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

func (d *Daemon) stopPollers() {
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

func (d *Daemon) pollerOptions(m config.Mailbox) *imappoll.Options {
	o := m.IMAP.IMAPOptions(m.Name)
	o.Folder, o.PollInterval, o.BatchSize, o.Start = m.Folder, m.PollInterval, m.BatchSize, m.Start
	o.Logger, o.DebugWriter = d.log, d.o.Trace
	o.Notify = func(int) {
		select {
		case d.notify <- struct{}{}:
		default:
		}
	}
	return o
}

// reload re-reads the config; an invalid one is logged and the old one
// stays.
func (d *Daemon) reload(ctx context.Context) {
	cfg, err := config.Load(d.o.ConfigPath)
	var s *setup
	if err == nil {
		s, err = d.prepare(cfg)
	}
	if err != nil {
		d.log.Error("reload failed; keeping the running configuration", "err", err)
		return
	}
	d.log.Info("reloading configuration", "mailboxes", len(cfg.Mailboxes))
	d.stopPollers()
	d.mu.Lock()
	d.cfg, d.setup = cfg, s
	d.mu.Unlock()
	d.startPollers(ctx, cfg)
}

// current is the running configuration and what was built from it.
func (d *Daemon) current() (*config.Config, *setup) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg, d.setup
}

// reviewLoop reviews what the store holds at start, then what arrives.
func (d *Daemon) reviewLoop(ctx context.Context) {
	d.reviewNew(ctx)
	for range d.notify {
		d.reviewNew(ctx)
	}
}

// reviewNew decodes and checks only the messages stored since the last
// review, adds them to the long-lived assembly, and saves the results.
func (d *Daemon) reviewNew(ctx context.Context) {
	cfg, s := d.current()
	src := d.db.MessagesAfter(d.lastID)
	if err := review.Feed(ctx, d.asm, src, s.opts); err != nil {
		d.log.Error("review", "err", err)
		return
	}
	d.lastID = src.LastID()
	// States: pw-bot directives count from the files' maintainers, and a
	// thread is stale after queue.stale_after.
	d.asm.State = review.StateOptions{StaleAfter: cfg.StaleAfter}
	if s.opts.Route != nil {
		d.asm.State.IsMaintainer = review.MaintainerCheck(s.opts.Route.Maintainers)
	}
	res := d.asm.Finish()
	review.RunSeriesCheckers(res, s.opts.Checkers)
	for _, sr := range res.Series {
		sr.Responsible = review.Route(sr, s.opts.Route)
	}
	rep := review.BuildReport(res, &review.ReportOptions{Weights: cfg.Weights, Now: d.o.Now(), Me: cfg.Me})
	if err := results.Save(ctx, d.db, res, rep); err != nil {
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

// digestLoop sends digests after reviews, at most one round per
// digest.schedule (re-read after a reload): a round that delivered
// something starts the period, and new content waits for its end. Only
// content a recipient has not been sent goes out. A failed round leaves
// nothing recorded as sent and is retried on a timer, the wait doubling
// from digestRetry up to the schedule.
func (d *Daemon) digestLoop(ctx context.Context) {
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
		cfg, s := d.current()
		if cfg.SMTP == nil || cfg.Digest == nil || cfg.Digest.Schedule == 0 {
			continue
		}
		schedule := cfg.Digest.Schedule
		if failures > 0 && !byTimer {
			continue // the retry timer is set
		}
		if due := lastSent.Add(schedule); failures == 0 && time.Now().Before(due) {
			if timer == nil {
				timer = time.After(time.Until(due))
			}
			continue
		}
		n, err := d.sendDigests(ctx, cfg, s.digester)
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
func (d *Daemon) sendDigests(ctx context.Context, cfg *config.Config, g *digest.Digester) (int, error) {
	reports, err := d.db.Reports(ctx)
	if err != nil {
		return 0, err
	}
	sent, err := g.Send(ctx, digest.Select(cfg, reports, ""))
	d.digests.Add(int64(len(sent)))
	return len(sent), err
}

// Handler serves the web view (cmd/internal/web), /healthz and Prometheus
// /metrics. /healthz answers 503
// with the reason when the store cannot be read or a mailbox's poller
// stopped (refused credentials) or stalled (nothing synced for three poll
// intervals: a silent server, or a store that cannot write).
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := d.db.CountMessages(r.Context()); err != nil {
			http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		var bad []string
		d.mu.Lock()
		for _, rp := range d.pollers {
			if ok, why := rp.p.Health().OK(); !ok {
				bad = append(bad, why)
			}
		}
		d.mu.Unlock()
		if len(bad) > 0 {
			sort.Strings(bad)
			http.Error(w, strings.Join(bad, "\n"), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	// Everything else is the read-only web view of the saved review, as
	// the running configuration builds it.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_, s := d.current()
		s.web.ServeHTTP(w, r)
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
		metric("ferrule_imap_stalls_total", "counter", "IMAP sessions dropped because the server went silent, by mailbox.", func(s imappoll.Stats) string { return fmt.Sprint(s.Stalls) })
		metric("ferrule_messages_too_large_total", "counter", "Messages over the size limit, stored as unparsed placeholders, by mailbox.", func(s imappoll.Stats) string { return fmt.Sprint(s.TooLarge) })
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

// OpenStore opens the store at path for one daemon: it takes the store's
// lock first, since a second daemon on the same store would keep its own
// digest schedule and mail everyone twice (the error then names the lock
// and its holder). ctx bounds the store's life; close releases both.
func OpenStore(ctx context.Context, path string) (db *store.DB, close func(), err error) {
	lock, err := store.Acquire(path)
	if err != nil {
		return nil, nil, err
	}
	if db, err = store.Open(ctx, path); err != nil {
		lock.Close()
		return nil, nil, err
	}
	return db, func() { db.Close(); lock.Close() }, nil
}
