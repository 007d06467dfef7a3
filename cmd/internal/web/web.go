// Package web serves a read-only web view of the stored review results:
// the queue by tier (/), one series with its versions, interdiff, trailers
// and findings (/s/ID), what is routed to a maintainer with their wrapper
// map (/m/EMAIL), and the same data as JSON under /api/. Pages are
// rendered on the server from what the Source holds, never by reviewing
// again (a series' diff of diffs, which stored reports do not keep, comes
// from the Source's Interdiffer, bounded in size); they need no
// JavaScript and load nothing from elsewhere.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"ferrule/review/maintainers"
	"ferrule/review/rustcheck"
)

// DefaultLinkTemplate links a Message-ID to its mail on lore
// (digest.link_template's default).
const DefaultLinkTemplate = "https://lore.kernel.org/r/{msgid}"

// DefaultListen is the address Serve binds when none is given: loopback
// only.
const DefaultListen = "127.0.0.1:8025"

// Options configures [New]. Source is required.
type Options struct {
	Source Source
	// LinkTemplate turns a Message-ID into a link to the mail; it must
	// contain {msgid}. Default DefaultLinkTemplate.
	LinkTemplate string
	// Refresh is how long results are kept before the Source is read
	// again, when it does not implement Stamper. Default 30 seconds.
	Refresh time.Duration
	// Maintainers and Knowledge feed the maintainer page's wrapper map;
	// nil uses the embedded snapshots.
	Maintainers *maintainers.File
	Knowledge   *rustcheck.Knowledge
	// Now is the clock for ages (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

//go:embed style.css
var styleCSS []byte

var styleETag = func() string {
	sum := sha256.Sum256(styleCSS)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// contentSecurityPolicy allows the one stylesheet and nothing else: no
// script, no frame, no form posting elsewhere.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

type handler struct {
	opts  Options
	cache *cache
	mux   *http.ServeMux
	log   *slog.Logger

	maintOnce sync.Once
	maint     *maintainers.File

	wrapMu   sync.Mutex
	wrapMaps map[string]*rustcheck.WrapperMap // by lower-case address
}

// New returns the read-only web interface over the stored results.
func New(o Options) http.Handler {
	if o.LinkTemplate == "" || !strings.Contains(o.LinkTemplate, "{msgid}") {
		o.LinkTemplate = DefaultLinkTemplate
	}
	if o.Refresh <= 0 {
		o.Refresh = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{opts: o, log: o.Logger, mux: http.NewServeMux(),
		cache: &cache{src: o.Source, refresh: o.Refresh, now: o.Now}}
	h.mux.HandleFunc("GET /{$}", h.page(h.queue))
	h.mux.HandleFunc("GET /s/{id...}", h.page(h.series))
	h.mux.HandleFunc("GET /m/{email...}", h.page(h.maintainer))
	h.mux.HandleFunc("GET /api/queue", h.page(h.apiQueue))
	h.mux.HandleFunc("GET /api/s/{id...}", h.page(h.apiSeries))
	h.mux.HandleFunc("GET /api/m/{email...}", h.page(h.apiMaintainer))
	h.mux.HandleFunc("GET /style.css", h.style)
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "read-only: only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	h.mux.ServeHTTP(w, r)
}

func (h *handler) style(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("ETag", styleETag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(styleCSS))
}

// response is a rendered page or JSON document.
type response struct {
	status      int
	contentType string
	body        []byte
}

// errNotFound and errBadRequest map to their status codes.
var (
	errNotFound   = errors.New("not found")
	errBadRequest = errors.New("bad request")
)

// page wraps a renderer: it loads the snapshot, answers conditional
// requests from its ETag/Last-Modified, and maps errors to statuses.
func (h *handler) page(render func(*http.Request, *snapshot) (*response, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		r = r.WithContext(ctx)
		snap, err := h.cache.get(ctx)
		if err != nil {
			h.log.Error("web: read results", "err", err)
			http.Error(w, "cannot read the stored results", http.StatusInternalServerError)
			return
		}
		// Ages shown on the pages move with the clock: the ETag changes
		// every hour even when the results do not.
		etag := fmt.Sprintf(`"%x-%x"`, snap.sum, h.opts.Now().Unix()/3600)
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-cache")
		if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		resp, err := render(r, snap)
		switch {
		case errors.Is(err, errNotFound):
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		case errors.Is(err, errBadRequest):
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		case err != nil:
			h.log.Error("web: render", "path", r.URL.Path, "err", err)
			http.Error(w, "cannot render the page", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", resp.contentType)
		if resp.status != 0 && resp.status != http.StatusOK {
			w.WriteHeader(resp.status)
			_, _ = w.Write(resp.body)
			return
		}
		http.ServeContent(w, r, "", snap.stamp, bytes.NewReader(resp.body))
	}
}

func etagMatch(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}

func (h *handler) maintainersFile() *maintainers.File {
	h.maintOnce.Do(func() {
		h.maint = h.opts.Maintainers
		if h.maint == nil {
			h.maint, _ = maintainers.Parse(rustcheck.MaintainersSnapshot())
		}
	})
	return h.maint
}

func (h *handler) knowledge() *rustcheck.Knowledge {
	if h.opts.Knowledge != nil {
		return h.opts.Knowledge
	}
	return rustcheck.Snapshot()
}

// ListenAndServe serves handler on addr (DefaultListen when empty: the
// loopback interface only) until ctx is done, then shuts down gracefully.
// The bound address is logged, so that ":0" can be used.
func ListenAndServe(ctx context.Context, addr string, handler http.Handler, log *slog.Logger) error {
	if addr == "" {
		addr = DefaultListen
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return Serve(ctx, ln, handler, log)
}

// Serve serves handler on ln until ctx is done.
func Serve(ctx context.Context, ln net.Listener, handler http.Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	log.Info("web: serving", "url", "http://"+ln.Addr().String()+"/")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
		return nil
	}
}
