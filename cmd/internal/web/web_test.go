package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ferrule/review"
	"ferrule/store"
)

const (
	demoV1  = "20261001-pwm-demo-v1-0-aaaa@example.org"
	demoV2  = "20261010-pwm-demo-v2-0-bbbb@example.org"
	demoFix = "20261013163000.1234-1-cy@example.com"
)

func TestPages(t *testing.T) {
	srv := newTestServer(t, reviewFiles(t, demoMbox))
	tests := []struct {
		name, path string
		status     int
		want, not  []string
	}{
		{"queue: open series by tier", "/", 200,
			[]string{`id="should-look"`, `id="fyi"`, `href="/s/` + url.PathEscape(demoV2) + `"`, "pwm: core: fix a typo in a comment",
				`href="/?state=superseded"`, "superseded</span> 1", "to <a href=\"/m/ukleinek@kernel.org\""},
			[]string{`id="must-look"`, `href="/s/` + url.PathEscape(demoV1) + `"`}},
		{"queue: superseded list", "/?state=superseded", 200,
			[]string{`id="must-look"`, url.PathEscape(demoV1)}, []string{url.PathEscape(demoV2)}},
		{"queue: tier filter", "/?tier=fyi", 200, []string{demoFix}, []string{url.PathEscape(demoV2)}},
		{"queue: path filter", "/?path=rust/kernel/**", 200, []string{url.PathEscape(demoV2)}, []string{demoFix}},
		{"queue: maintainer filter", "/?maintainer=aliceryhl@google.com", 200, []string{url.PathEscape(demoV2)}, []string{demoFix}},
		{"queue: since filter", "/?since=2026-10-12", 200, []string{demoFix}, []string{url.PathEscape(demoV2)}},
		{"queue: no match", "/?path=fs/**", 200, []string{"No series match."}, nil},
		{"queue: bad tier", "/?tier=urgent", 400, []string{"unknown tier"}, nil},
		{"queue: relative since", "/?since=8.days.ago", 200, []string{demoFix}, []string{url.PathEscape(demoV2)}},
		{"queue: bad since", "/?since=someday", 400, []string{"is not a date"}, nil},
		{"series: versions, interdiff, trailers, findings", "/s/" + url.PathEscape(demoV2), 200,
			[]string{`<a href="/s/` + url.PathEscape(demoV1) + `">v1</a>`, "<strong>v2</strong>",
				`<span class="chg chg-changed">changed</span>`, `<span class="chg chg-unchanged">unchanged</span>`,
				`<span class="del">-+use kernel::{bindings, pwm};</span>`,
				`<span class="src src-carried">carried</span> Reviewed-by: Rita Reviewer`,
				`<span class="src src-cover">cover</span> Acked-by: Mo Maintainer`,
				`<code>unsafe-block-added</code>`, `unsafe { bindings::pwm_chip_period_ns(self.as_raw()) }`,
				"Ask: Does the SAFETY comment cover every precondition",
				`<th>abstraction</th>`, `<th>leaf-rust</th>`,
				`href="https://lore.kernel.org/r/` + url.PathEscape(demoV2) + `"`},
			nil},
		{"series: first version has no interdiff", "/s/" + url.PathEscape(demoV1), 200,
			[]string{"No previous version stored.", `<a href="/s/` + url.PathEscape(demoV2) + `">v2</a>`}, nil},
		{"series: by a patch's Message-ID", "/s/20261010-pwm-demo-v2-2-bbbb@example.org", 200, []string{"<strong>v2</strong>"}, nil},
		{"series: unknown", "/s/nope@example.org", 404, nil, nil},
		{"maintainer: routed series and wrapper map", "/m/ukleinek@kernel.org", 200,
			[]string{"Sections: PWM SUBSYSTEM", "<code>pwmchip_alloc</code>", url.PathEscape(demoV2), demoFix},
			[]string{url.PathEscape(demoV1)}},
		{"maintainer: not an address", "/m/%3Cscript%3E", 400, nil, nil},
		{"no such page", "/admin", 404, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			mustContain(t, body, tt.want...)
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("page has %q", n)
				}
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	srv := newTestServer(t, reviewFiles(t, demoMbox))
	resp, _ := get(t, srv.URL+"/")
	for k, want := range map[string]string{
		"Content-Security-Policy": contentSecurityPolicy,
		"Content-Type":            "text/html; charset=utf-8",
		"X-Content-Type-Options":  "nosniff",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(contentSecurityPolicy, "default-src 'none'") || strings.Contains(contentSecurityPolicy, "script-src") {
		t.Errorf("CSP %q must deny everything but the stylesheet", contentSecurityPolicy)
	}
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("ETag %q, Last-Modified %q", etag, lm)
	}
	if r, _ := get(t, srv.URL+"/", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", r.StatusCode)
	}
	if r, _ := get(t, srv.URL+"/", "If-Modified-Since", lm); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d, want 304", r.StatusCode)
	}
	if r, body := get(t, srv.URL+"/style.css"); r.StatusCode != 200 || !strings.Contains(body, "prefers-color-scheme") {
		t.Errorf("style.css: %d", r.StatusCode)
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, "OPTIONS"} {
		req, _ := http.NewRequest(m, srv.URL+"/", strings.NewReader("x"))
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: status %d, Allow %q", m, r.StatusCode, r.Header.Get("Allow"))
		}
	}
	req, _ := http.NewRequest(http.MethodHead, srv.URL+"/s/"+url.PathEscape(demoV2), nil)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 200 {
		t.Errorf("HEAD: status %d", r.StatusCode)
	}
}

func TestAPI(t *testing.T) {
	srv := newTestServer(t, reviewFiles(t, demoMbox))
	decode := func(path string, v any) {
		t.Helper()
		resp, body := get(t, srv.URL+path)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	var q apiQueue
	decode("/api/queue", &q)
	if q.Matched != 2 || len(q.Series) != 2 || q.Series[0].ID != demoV2 || q.Series[1].ID != demoFix {
		t.Errorf("queue: %d matched, %+v", q.Matched, q.Series)
	}
	var s apiShow
	decode("/api/s/"+url.PathEscape(demoV2), &s)
	if s.Series.ID != demoV2 || len(s.Versions) != 2 || s.Versions[0].ID != demoV1 || !s.Versions[1].Current {
		t.Errorf("show: %s, versions %+v", s.Series.ID, s.Versions)
	}
	if s.Interdiff == nil || s.Interdiff.From != demoV1 || len(s.Interdiff.Patches) != 2 || s.Interdiff.Patches[1].Diff == "" {
		t.Errorf("show: interdiff %+v", s.Interdiff)
	}
	var m apiMaintainer
	decode("/api/m/ukleinek@kernel.org", &m)
	if m.Maintainer != "ukleinek@kernel.org" || len(m.Series) != 2 || m.Wrappers == nil || len(m.Wrappers.Symbols) == 0 {
		t.Errorf("maintainer: %+v", m)
	}
}

// TestHostileEscaped checks the HTML itself: markup from the mail comes
// out as text (the browser test checks that nothing runs).
func TestHostileEscaped(t *testing.T) {
	db := reviewInto(t, mboxSource(t, hostileMbox))
	srv := newTestServer(t, db)
	reps, err := db.Reports(context.Background())
	if err != nil || len(reps) != 1 {
		t.Fatalf("reports: %d, %v", len(reps), err)
	}
	for _, path := range []string{"/", "/s/" + url.PathEscape(reps[0].ID), "/m/ukleinek@kernel.org"} {
		_, body := get(t, srv.URL+path)
		for _, bad := range []string{"<script>window", "<img src=x", `"><img`, `"><script`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: page has raw %q", path, bad)
			}
		}
	}
	_, body := get(t, srv.URL+"/")
	mustContain(t, body, "&lt;script&gt;window.pwned=1&lt;/script&gt;")
}

// fakeSource counts reads and says when its results changed.
type fakeSource struct {
	reps  []review.SeriesReport
	stamp time.Time
	reads atomic.Int32
}

func (f *fakeSource) Reports(context.Context) ([]review.SeriesReport, error) {
	f.reads.Add(1)
	return f.reps, nil
}

func (f *fakeSource) Series(_ context.Context, id string) (*review.SeriesReport, error) {
	for i := range f.reps {
		if f.reps[i].ID == id {
			return &f.reps[i], nil
		}
	}
	return nil, errNotFound
}

func (f *fakeSource) ReviewedAt(context.Context) (time.Time, error) { return f.stamp, nil }

func TestReloadsWhenReviewed(t *testing.T) {
	src := &fakeSource{stamp: testNow, reps: []review.SeriesReport{{ID: "a@x", Title: "first", Version: 1, Tier: review.FYI}}}
	srv := newTestServer(t, src)
	_, body := get(t, srv.URL+"/")
	mustContain(t, body, "first")
	get(t, srv.URL+"/")
	if n := src.reads.Load(); n != 1 {
		t.Errorf("%d reads of unchanged results, want 1", n)
	}
	src.reps = append(src.reps, review.SeriesReport{ID: "b@x", Title: "second", Version: 1, Tier: review.MustLook})
	src.stamp = testNow.Add(time.Minute)
	resp, body := get(t, srv.URL+"/")
	mustContain(t, body, "first", "second")
	if got := resp.Header.Get("Last-Modified"); got != src.stamp.Format(http.TimeFormat) {
		t.Errorf("Last-Modified %q, want the review time", got)
	}
}

func TestStateOf(t *testing.T) {
	next := "n@x"
	tests := []struct {
		r    review.SeriesReport
		want string
	}{
		// The review's own state wins; a superseded revision that was
		// applied stays applied.
		{review.SeriesReport{State: review.StateApplied, SupersededBy: &next}, "applied"},
		{review.SeriesReport{State: review.StateChangesRequested, Reviewed: true}, "changes-requested"},
		// Reports saved before states existed.
		{review.SeriesReport{SupersededBy: &next, Reviewed: true}, "superseded"},
		{review.SeriesReport{Reviewed: true}, "reviewed"},
		{review.SeriesReport{}, "new"},
	}
	for _, tt := range tests {
		if got, _ := stateOf(&tt.r); got != tt.want {
			t.Errorf("stateOf(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestServe(t *testing.T) {
	if !strings.HasPrefix(DefaultListen, "127.0.0.1:") {
		t.Errorf("DefaultListen %q is not loopback", DefaultListen)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, New(Options{Source: &fakeSource{stamp: testNow}}), nil) }()
	resp, body := get(t, "http://"+ln.Addr().String()+"/")
	if resp.StatusCode != 200 || !strings.Contains(body, "No series match.") {
		t.Errorf("empty store: %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

// TestOddIDs follows the queue's links to series whose ids need
// percent-encoding.
func TestOddIDs(t *testing.T) {
	ids := []string{"a/b@x", "100%@x", "q?x#y@z", `"><b>@x`, "sp ace@x", "../../etc@x"}
	src := &fakeSource{stamp: testNow}
	for i, id := range ids {
		src.reps = append(src.reps, review.SeriesReport{ID: id, Title: "series " + string(rune('A'+i)), Version: 1, Tier: review.FYI})
	}
	srv := newTestServer(t, src)
	_, body := get(t, srv.URL+"/")
	for i, id := range ids {
		href := seriesHref(id)
		if !strings.Contains(body, `href="`+href+`"`) {
			t.Errorf("queue lacks the link %s", href)
		}
		resp, page := get(t, srv.URL+href)
		if resp.StatusCode != 200 || !strings.Contains(page, "series "+string(rune('A'+i))) {
			t.Errorf("%s: status %d", href, resp.StatusCode)
		}
	}
}

var _ Source = (*store.DB)(nil)

// TestInterdiffWithoutHunks: a review that kept no hunks stores no diff
// of diffs; the series page still says which patches changed, from the
// patch-ids of both stored revisions.
func TestInterdiffWithoutHunks(t *testing.T) {
	v1, v2 := demoRevisions(t)
	got := patchChanges(v1, v2)
	var sum []string
	for _, c := range got {
		sum = append(sum, fmt.Sprintf("%s %d>%d %s", c.Status, c.From, c.To, c.Title))
	}
	want := "unchanged 1>1 rust: pwm: add Chip::period_ns()|changed 2>2 pwm: demo: add Rust driver"
	if strings.Join(sum, "|") != want {
		t.Errorf("patchChanges = %q, want %q", sum, want)
	}
	v2.Interdiff = nil
	srv := newTestServer(t, &fakeSource{stamp: testNow, reps: []review.SeriesReport{*v1, *v2}})
	_, body := get(t, srv.URL+"/s/"+url.PathEscape(demoV2))
	mustContain(t, body, "by patch-id only", `<span class="chg chg-changed">changed</span>`)
}
