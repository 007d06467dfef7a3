package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferrule/cmd/internal/results"
	"ferrule/mail"
	"ferrule/review"
	"ferrule/review/maintainers"
	"ferrule/review/rustcheck"
	"ferrule/store"
)

// testNow is the clock of the tests: a little after the example's mail.
var testNow = time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC)

// reviewInto reviews an mbox source the way `ferrule review --db` does
// (Rust checker, MAINTAINERS routing from the embedded snapshots, hunks
// kept for the interdiff) and saves the results into a new store.
func reviewInto(tb testing.TB, src mail.Source) *store.DB {
	tb.Helper()
	return reviewIntoPath(tb, src, filepath.Join(tb.TempDir(), "ferrule.db"))
}

func reviewIntoPath(tb testing.TB, src mail.Source, path string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	k := rustcheck.Snapshot()
	m, _ := maintainers.Parse(rustcheck.MaintainersSnapshot())
	opts := &review.IngestOptions{
		Checkers: []review.Checker{rustcheck.New(&rustcheck.Options{Knowledge: k})},
		Route:    &review.RouteOptions{Maintainers: m, Wraps: k.WrappedHeaders},
	}
	opts.Inspect.KeepHunks = true
	res, err := review.Ingest(ctx, src, opts)
	if err != nil {
		tb.Fatal(err)
	}
	rep := review.BuildReport(res, &review.ReportOptions{Now: testNow, Interdiff: true})
	if err := db.SaveReview(ctx, &store.Review{Messages: rep.Messages, Series: rep.Series}); err != nil {
		tb.Fatal(err)
	}
	return db
}

// savedStore is a store as `ferrule review --db` leaves it: the messages
// stored, their review saved by results.Save (no diff of diffs: the
// reports keep no hunks), served through results.View, which computes the
// interdiff from the stored messages.
func savedStore(tb testing.TB, src mail.Source, path string) results.View {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, _, err := db.Ingest(ctx, src); err != nil {
		tb.Fatal(err)
	}
	k := rustcheck.Snapshot()
	m, _ := maintainers.Parse(rustcheck.MaintainersSnapshot())
	opts := &review.IngestOptions{
		Checkers: []review.Checker{rustcheck.New(&rustcheck.Options{Knowledge: k})},
		Route:    &review.RouteOptions{Maintainers: m, Wraps: k.WrappedHeaders},
	}
	res, err := review.Ingest(ctx, db.Messages(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	if err := results.Save(ctx, db, res, review.BuildReport(res, &review.ReportOptions{Now: testNow})); err != nil {
		tb.Fatal(err)
	}
	return results.View{DB: db}
}

// savedFiles is savedStore of mbox files.
func savedFiles(tb testing.TB, paths ...string) results.View {
	tb.Helper()
	src, err := mail.Open(paths, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	return savedStore(tb, src, filepath.Join(tb.TempDir(), "ferrule.db"))
}

// reviewFiles reviews mbox files into a new store.
// demoRevisions reviews the demo mbox into a store and returns the saved
// reports of the demo series' two versions.
func demoRevisions(t *testing.T) (v1, v2 *review.SeriesReport) {
	t.Helper()
	db := reviewFiles(t, demoMbox)
	var err error
	if v1, err = db.Series(context.Background(), demoV1); err != nil {
		t.Fatal(err)
	}
	if v2, err = db.Series(context.Background(), demoV2); err != nil {
		t.Fatal(err)
	}
	return v1, v2
}

func reviewFiles(tb testing.TB, paths ...string) *store.DB {
	tb.Helper()
	src, err := mail.Open(paths, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	return reviewInto(tb, src)
}

const demoMbox = "../../../examples/rust-pwm-demo.mbox"

// hostileMbox is a one-patch series whose subject, author and trailer try
// to inject markup and script into the pages.
const hostileMbox = `From hostile@example.org Mon Jun 29 10:00:00 2026
From: "<img src=x onerror=window.pwnedAuthor=1>" <hostile@example.org>
To: linux-pwm@vger.kernel.org
Subject: [PATCH] pwm: <script>window.pwned=1</script>"><img src=x onerror=window.pwnedImg=1> fix
Date: Mon, 29 Jun 2026 10:00:00 +0000
Message-ID: <"><script>window.pwnedID=1</script>@example.org>

Reviewed-by: "><script>window.pwnedTrailer=1</script> <a@example.org>
Signed-off-by: Hostile <hostile@example.org>
---
 drivers/pwm/pwm-demo.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/drivers/pwm/pwm-demo.c b/drivers/pwm/pwm-demo.c
--- a/drivers/pwm/pwm-demo.c
+++ b/drivers/pwm/pwm-demo.c
@@ -1,2 +1,3 @@
 #include <linux/pwm.h>
+/* <script>window.pwnedHunk=1</script> */
 static int x;
-- 
2.43.0
`

// newTestServer serves the web view of db.
func newTestServer(tb testing.TB, db Source) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(New(Options{Source: db, Now: func() time.Time { return testNow }}))
	tb.Cleanup(srv.Close)
	return srv
}

// get fetches a page and returns its status, headers and body.
func get(tb testing.TB, url string, header ...string) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(b)
}

func mustContain(tb testing.TB, body string, want ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			tb.Errorf("page lacks %q", w)
		}
	}
}

// mboxSource reads an mbox held in a string.
func mboxSource(tb testing.TB, text string) mail.Source {
	tb.Helper()
	return mail.NewMboxReader(strings.NewReader(text), "test.mbox", nil)
}
