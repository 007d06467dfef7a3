package lore_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ferrule/cmd/internal/lore"
)

func TestParseID(t *testing.T) {
	cases := []struct {
		in       string
		id, base string
		bad      bool
	}{
		{in: "20260603160910.159307-1-a@b.com", id: "20260603160910.159307-1-a@b.com"},
		{in: " <x@y> ", id: "x@y"},
		{in: "id:<x@y>", id: "x@y"},
		{in: "https://lore.kernel.org/linux-pwm/x@y/", id: "x@y", base: "https://lore.kernel.org/linux-pwm/"},
		{in: "https://lore.kernel.org/rust-for-linux/x@y/T/#u", id: "x@y", base: "https://lore.kernel.org/rust-for-linux/"},
		{in: "https://lore.kernel.org/r/x@y", id: "x@y", base: "https://lore.kernel.org/all/"},
		{in: "https://lore.kernel.org/all/a%2Fb%40c/", id: "a/b@c", base: "https://lore.kernel.org/all/"},
		{in: "https://patch.msgid.link/x@y", id: "x@y"},
		{in: "http://127.0.0.1:8080/test/x@y/raw", id: "x@y", base: "http://127.0.0.1:8080/test/"},
		{in: "", bad: true},
		{in: "<>", bad: true},
		{in: "..", bad: true},
		{in: "two words@x", bad: true},
		{in: "https://lore.kernel.org/", bad: true},
		{in: "https://lore.kernel.org/all/%zz/", bad: true},
		{in: strings.Repeat("a", 999), bad: true},
	}
	for _, c := range cases {
		got, err := lore.ParseID(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("ParseID(%q) = %+v, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got.MessageID != c.id || got.Base != c.base {
			t.Errorf("ParseID(%q) = %+v, %v; want %q, %q", c.in, got, err, c.id, c.base)
		}
	}
	if u := lore.ThreadURL("https://lore.kernel.org/all", "a/b c@d"); u != "https://lore.kernel.org/all/a%2Fb%20c@d/t.mbox.gz" {
		t.Errorf("ThreadURL = %s", u)
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

const oneMessage = "From mboxrd@z Thu Jan  1 00:00:00 1970\nMessage-ID: <a/b@c>\nSubject: x\n\nbody\n"

func TestFetchCacheAndErrors(t *testing.T) {
	var hits atomic.Int32
	var lastPath atomic.Value
	good := gz(t, oneMessage)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		lastPath.Store(r.URL.EscapedPath())
		switch {
		case strings.Contains(r.URL.Path, "missing"):
			http.NotFound(w, r)
		case strings.Contains(r.URL.Path, "html"):
			w.Write([]byte("<html>busy</html>"))
		case strings.Contains(r.URL.Path, "cut"):
			w.Write(good[:len(good)-6])
		case strings.Contains(r.URL.Path, "big"):
			w.Write(gz(t, "From x\n"+strings.Repeat("y", 4096)))
		case strings.Contains(r.URL.Path, "slow"):
			time.Sleep(2 * time.Second)
			w.Write(good)
		case strings.Contains(r.URL.Path, "fail"):
			http.Error(w, "no", http.StatusServiceUnavailable)
		default:
			w.Write(good)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	now := time.Now()
	cache := t.TempDir()
	opts := &lore.Options{Base: srv.URL + "/test", CacheDir: cache, Now: func() time.Time { return now }}

	th, err := lore.Fetch(ctx, "<a/b@c>", opts)
	if err != nil {
		t.Fatal(err)
	}
	if p := lastPath.Load(); p != "/test/a%2Fb@c/t.mbox.gz" {
		t.Errorf("requested %v", p)
	}
	if th.Cached || th.Path == "" || !strings.HasPrefix(th.Path, cache) {
		t.Errorf("first fetch: %+v", th)
	}
	r, err := th.Reader()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != oneMessage {
		t.Errorf("cached mbox = %q", b)
	}
	if th, err = lore.Fetch(ctx, "a/b@c", opts); err != nil || !th.Cached || hits.Load() != 1 {
		t.Errorf("second fetch: %+v, %v, %d requests", th, err, hits.Load())
	}
	now = now.Add(11 * time.Minute)
	if th, err = lore.Fetch(ctx, "a/b@c", opts); err != nil || th.Cached || hits.Load() != 2 {
		t.Errorf("fetch after MaxAge: %+v, %v, %d requests", th, err, hits.Load())
	}
	refresh := *opts
	refresh.Refresh = true
	if th, err = lore.Fetch(ctx, "a/b@c", &refresh); err != nil || th.Cached || hits.Load() != 3 {
		t.Errorf("refresh: %+v, %v, %d requests", th, err, hits.Load())
	}
	nocache := &lore.Options{Base: srv.URL + "/test/"}
	if th, err = lore.Fetch(ctx, "a/b@c", nocache); err != nil || th.Path != "" || !bytes.Equal(th.Mbox, good) {
		t.Errorf("without a cache: %+v, %v", th, err)
	}

	for _, c := range []struct{ id, want string }{
		{"missing@x", "no such message"},
		{"html@x", "not a gzip"},
		{"cut@x", "damaged"},
		{"big@x", "larger than"},
		{"slow@x", "deadline"},
		{"fail@x", "503"},
	} {
		o := *opts
		o.MaxBytes = 256
		o.Timeout = 300 * time.Millisecond
		_, err := lore.Fetch(ctx, c.id, &o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Fetch(%s): err = %v, want %q", c.id, err, c.want)
		}
		if c.id == "missing@x" && !errors.Is(err, lore.ErrNotFound) {
			t.Errorf("404 is not ErrNotFound: %v", err)
		}
	}
	if _, err := lore.Fetch(ctx, "x@y", &lore.Options{Base: "file:///etc/"}); err == nil {
		t.Error("file: base accepted")
	}
}
