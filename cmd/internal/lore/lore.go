// Package lore downloads a whole thread, by Message-ID, from a
// public-inbox HTTP server such as https://lore.kernel.org: the mbox at
// BASE/<msgid>/t.mbox.gz, as b4 and lei fetch it. The thread is kept in a
// cache directory so that running ferrule again on the same Message-ID
// does not download it again while the copy is fresh.
//
// The package reads no environment and no configuration: the caller says
// where the server and the cache are ([Options]). Downloads are bounded
// in size and time.
package lore

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// DefaultBase is the inbox searched when the caller names none: every
// list lore.kernel.org archives.
const DefaultBase = "https://lore.kernel.org/all/"

// ErrNotFound is returned when the server has no message with the ID.
var ErrNotFound = errors.New("no such message on the server")

// Options configures [Fetch]. The zero value fetches from [DefaultBase]
// without a cache.
type Options struct {
	// Base is the inbox URL the Message-ID is appended to; default
	// DefaultBase. A lore URL given as the ID names its own inbox.
	Base string
	// CacheDir keeps downloaded threads (created 0700 when missing);
	// empty disables the cache.
	CacheDir string
	// MaxAge is how long a cached thread is used without asking the
	// server again (new replies arrive); default 10 minutes, as b4.
	MaxAge time.Duration
	// Refresh downloads the thread even when a fresh copy is cached.
	Refresh bool
	// MaxBytes bounds the download (compressed) and, 8 times over, the
	// mbox it holds; default 64 MiB.
	MaxBytes int64
	// Timeout bounds the whole request; default 60 s.
	Timeout time.Duration
	// Client makes the request; default a client with Timeout.
	Client *http.Client
	// UserAgent is sent with the request; default "ferrule".
	UserAgent string
	// Now returns the current time (for tests); default time.Now.
	Now func() time.Time
}

// Thread is a fetched thread.
type Thread struct {
	MessageID string
	URL       string // where it was (or would have been) downloaded from
	// Path is the cached gzip-compressed mbox; "" without a cache.
	Path string
	// Mbox is the gzip-compressed mbox when there is no cache.
	Mbox []byte
	// Cached is set when the copy in the cache was used.
	Cached bool
}

// ID is a Message-ID as the user gave it, parsed.
type ID struct {
	MessageID string // without angle brackets
	// Base is the inbox named by a lore URL ("https://lore.kernel.org/LIST/"),
	// empty for a bare Message-ID or a patch.msgid.link URL.
	Base string
}

var schemeRe = regexp.MustCompile(`^https?://`)

// ParseID accepts a Message-ID with or without angle brackets, a "id:"
// or "mid:" prefix, a lore URL (https://lore.kernel.org/LIST/MSGID/…,
// https://lore.kernel.org/r/MSGID) or a patch.msgid.link URL.
func ParseID(s string) (ID, error) {
	s = strings.TrimSpace(s)
	if schemeRe.MatchString(s) {
		return parseURL(s)
	}
	for _, p := range []string{"id:", "mid:"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	return checkID(ID{MessageID: s})
}

func parseURL(s string) (ID, error) {
	u, err := url.Parse(s)
	if err != nil {
		return ID{}, fmt.Errorf("message URL: %w", err)
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	unescape := func(seg string) (string, error) {
		id, err := url.PathUnescape(seg)
		if err != nil {
			return "", fmt.Errorf("message URL %s: %w", s, err)
		}
		return id, nil
	}
	if len(segs) == 1 && segs[0] != "" {
		// patch.msgid.link/MSGID, lore.kernel.org/MSGID
		id, err := unescape(segs[0])
		if err != nil {
			return ID{}, err
		}
		return checkID(ID{MessageID: id})
	}
	if len(segs) < 2 {
		return ID{}, fmt.Errorf("message URL %s: no Message-ID in it", s)
	}
	id, err := unescape(segs[1])
	if err != nil {
		return ID{}, err
	}
	list := segs[0]
	if list == "r" {
		list = "all"
	}
	base := u.Scheme + "://" + u.Host + "/" + list + "/"
	return checkID(ID{MessageID: id, Base: base})
}

func checkID(id ID) (ID, error) {
	m := id.MessageID
	switch {
	case m == "":
		return id, errors.New("empty Message-ID")
	case len(m) > 998:
		return id, errors.New("Message-ID longer than 998 characters")
	case m == "." || m == "..", strings.ContainsAny(m, "<> \t\r\n\x00"):
		return id, fmt.Errorf("not a Message-ID: %q", m)
	}
	return id, nil
}

// ThreadURL is where the thread of msgid is served under base.
func ThreadURL(base, msgid string) string {
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + url.PathEscape(msgid) + "/t.mbox.gz"
}

// Fetch downloads the thread of id (see [ParseID]) or takes it from the
// cache. A Message-ID the server does not know fails with [ErrNotFound].
func Fetch(ctx context.Context, id string, opts *Options) (*Thread, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Base == "" {
		o.Base = DefaultBase
	}
	if o.MaxAge == 0 {
		o.MaxAge = 10 * time.Minute
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 64 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.UserAgent == "" {
		o.UserAgent = "ferrule"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	pid, err := ParseID(id)
	if err != nil {
		return nil, err
	}
	base := o.Base
	if pid.Base != "" {
		base = pid.Base
	}
	if _, err := url.Parse(base); err != nil || !schemeRe.MatchString(base) {
		return nil, fmt.Errorf("inbox URL %q: not an http(s) URL", base)
	}
	th := &Thread{MessageID: pid.MessageID, URL: ThreadURL(base, pid.MessageID)}
	if o.CacheDir != "" {
		th.Path = cachePath(o.CacheDir, base, pid.MessageID)
		if st, err := os.Stat(th.Path); err == nil && !o.Refresh && o.Now().Sub(st.ModTime()) < o.MaxAge {
			th.Cached = true
			return th, nil
		}
	}
	body, err := download(ctx, th.URL, &o)
	if err != nil {
		return nil, err
	}
	if th.Path == "" {
		th.Mbox = body
		return th, nil
	}
	if err := writeCache(th.Path, body); err != nil {
		return nil, err
	}
	return th, nil
}

func download(ctx context.Context, u string, o *Options) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	req.Header.Set("User-Agent", o.UserAgent)
	req.Header.Set("Accept-Encoding", "identity")
	client := o.Client
	if client == nil {
		client = &http.Client{Timeout: o.Timeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, fmt.Errorf("fetch %s: %w (HTTP %d)", u, ErrNotFound, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("fetch %s: HTTP %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	if int64(len(body)) > o.MaxBytes {
		return nil, fmt.Errorf("fetch %s: thread larger than %d bytes", u, o.MaxBytes)
	}
	if err := checkMbox(body, 8*o.MaxBytes); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	return body, nil
}

// checkMbox verifies that body is a whole gzip stream holding an mbox of
// at most limit bytes, so that an error page or a cut download is never
// cached.
func checkMbox(body []byte, limit int64) error {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("not a gzip-compressed mbox: %w", err)
	}
	head := make([]byte, 5)
	if _, err := io.ReadFull(zr, head); err != nil || string(head) != "From " {
		return errors.New("not an mbox (no \"From \" line at the start)")
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, limit))
	if err != nil {
		return fmt.Errorf("damaged gzip stream: %w", err)
	}
	if n >= limit-5 {
		return fmt.Errorf("thread larger than %d bytes uncompressed", limit)
	}
	return nil
}

// cachePath is CACHEDIR/<hash of base>/<msgid>.mbox.gz, the Message-ID
// hashed too when it is not a safe file name.
func cachePath(dir, base, msgid string) string {
	sum := sha256.Sum256([]byte(base))
	name := msgid
	if !safeName.MatchString(name) {
		s := sha256.Sum256([]byte(msgid))
		name = hex.EncodeToString(s[:16])
	}
	return filepath.Join(dir, hex.EncodeToString(sum[:6]), name+".mbox.gz")
}

var safeName = regexp.MustCompile(`^[A-Za-z0-9_@+=-][A-Za-z0-9._@+=-]{0,199}$`)

// writeCache stores body at path atomically (temporary file, rename),
// readable by the owner only.
func writeCache(path string, body []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("thread cache: %w", err)
	}
	f, err := os.CreateTemp(dir, ".fetch-*")
	if err != nil {
		return fmt.Errorf("thread cache: %w", err)
	}
	_, werr := f.Write(body)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("thread cache: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("thread cache: %w", err)
	}
	return nil
}

// Reader returns the thread's mbox, decompressed. The caller must close
// it.
func (t *Thread) Reader() (io.ReadCloser, error) {
	var src io.ReadCloser
	if t.Path != "" {
		f, err := os.Open(t.Path)
		if err != nil {
			return nil, fmt.Errorf("thread cache: %w", err)
		}
		src = f
	} else {
		src = io.NopCloser(bytes.NewReader(t.Mbox))
	}
	zr, err := gzip.NewReader(src)
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("thread %s: %w", t.MessageID, err)
	}
	return &gzipFile{zr, src}, nil
}

type gzipFile struct {
	*gzip.Reader
	src io.Closer
}

func (g *gzipFile) Close() error { return errors.Join(g.Reader.Close(), g.src.Close()) }
