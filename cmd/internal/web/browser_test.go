package web

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// browser starts headless Debian chromium with a fresh profile and no
// network beyond loopback; it skips when chromium is not installed. The
// returned counter counts JavaScript dialogs (alert, confirm, prompt).
func browser(t *testing.T) (context.Context, *atomic.Int32) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (.ci/run installs Debian's chromium): skipping the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	dialogs := &atomic.Int32{}
	err = chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			// Listen's callback must not call the browser: dismiss
			// the dialog from another goroutine.
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
			}()
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, dialogs
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return v
}

// artefacts is where the screenshots go: $FERRULE_ARTIFACTS, else a test
// temporary directory.
func artefacts(t *testing.T) string {
	dir := os.Getenv("FERRULE_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// TestBrowserQueueAndSeries drives the pages of a store as `ferrule
// review --db` leaves it: its saved reports keep no hunks, so the series
// page's interdiff is computed from the stored messages.
func TestBrowserQueueAndSeries(t *testing.T) {
	ctx, dialogs := browser(t)
	srv := newTestServer(t, savedFiles(t, demoMbox))
	dir := artefacts(t)

	do(t, ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("section.tier")))
	tiers := eval[[]string](t, ctx, `[...document.querySelectorAll("section.tier h2")].map(e => e.textContent.trim())`)
	states := eval[[]string](t, ctx, `[...document.querySelectorAll("ol.rows .row .state")].map(e => e.textContent)`)
	counts := eval[[]string](t, ctx, `[...document.querySelectorAll(".counts a")].map(e => e.textContent.trim())`)
	// The stylesheet loads under the Content-Security-Policy.
	border := eval[string](t, ctx, `getComputedStyle(document.querySelector(".row")).borderLeftWidth`)
	if strings.Join(tiers, "|") != "Should look 1|FYI 1" {
		t.Errorf("tiers %q, want the v2 series in should-look and the typo fix in fyi", tiers)
	}
	if strings.Join(states, "|") != "reviewed|reviewed" {
		t.Errorf("states %q", states)
	}
	if strings.Join(counts, "|") != "reviewed 2|superseded 1" {
		t.Errorf("state counts %q", counts)
	}
	if border != "4px" {
		t.Errorf("row border %q: the stylesheet did not apply", border)
	}
	screenshot(t, ctx, dir, "queue.png")

	do(t, ctx, chromedp.Click(chromedp.CSS(`.counts a[href="/?state=superseded"]`)), chromedp.WaitVisible(chromedp.CSS("section.tier")))
	superseded := eval[[]string](t, ctx, `[...document.querySelectorAll("ol.rows .row")].map(e => e.querySelector(".state").textContent + " " + e.querySelector(".title").textContent)`)
	if strings.Join(superseded, "|") != "superseded pwm: demo: add a Rust driver for the demo PWM" {
		t.Errorf("superseded list %q", superseded)
	}

	do(t, ctx, chromedp.Navigate(srv.URL+"/s/"+url.PathEscape(demoV2)), chromedp.WaitVisible(chromedp.CSS("#interdiff")))
	versions := eval[[]string](t, ctx, `[...document.querySelectorAll("ol.versions li")].map(e => e.textContent.trim().split(" ")[0])`)
	if strings.Join(versions, "|") != "v1|v2" {
		t.Errorf("versions %q", versions)
	}
	interdiff := text(t, ctx, "ul.changes")
	for _, want := range []string{"unchanged", "changed", "-+use kernel::{bindings, pwm};", "++        chip.period_ns()"} {
		if !strings.Contains(interdiff, want) {
			t.Errorf("interdiff lacks %q:\n%s", want, interdiff)
		}
	}
	if hunk := text(t, ctx, ".patch .finding.sev-medium pre.diff"); !strings.Contains(hunk, "unsafe { bindings::pwm_chip_period_ns(self.as_raw()) }") {
		t.Errorf("finding hunk %q", hunk)
	}
	if prompt := text(t, ctx, ".patch .finding.sev-medium .prompt"); !strings.Contains(prompt, "SAFETY comment cover every precondition") {
		t.Errorf("finding prompt %q", prompt)
	}
	screenshot(t, ctx, dir, "series.png")

	// A phone-sized, dark-mode view of the queue.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("section.tier")))
	if bg := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`); bg != "rgb(22, 24, 27)" {
		t.Errorf("dark background %q: prefers-color-scheme not honoured", bg)
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the queue is %dpx wide on a 390px phone", w)
	}
	screenshot(t, ctx, dir, "queue-phone-dark.png")
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d dialogs opened", n)
	}
}

func TestBrowserHostileSubject(t *testing.T) {
	ctx, dialogs := browser(t)
	db := reviewInto(t, mboxSource(t, hostileMbox))
	srv := newTestServer(t, db)
	reps, err := db.Reports(context.Background())
	if err != nil || len(reps) != 1 {
		t.Fatalf("reports: %d, %v", len(reps), err)
	}
	// Every global the payloads would set.
	const ran = `["pwned", "pwnedImg", "pwnedAuthor", "pwnedID", "pwnedTrailer", "pwnedHunk"].filter(k => k in window)`
	for _, path := range []string{"/", "/s/" + url.PathEscape(reps[0].ID), "/m/ukleinek@kernel.org"} {
		t.Run(path, func(t *testing.T) {
			do(t, ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS("body")),
				chromedp.Sleep(200*time.Millisecond)) // let an onerror fire, if any
			executed := eval[[]string](t, ctx, ran)
			scripts := eval[int](t, ctx, `document.scripts.length`)
			images := eval[int](t, ctx, `document.images.length`)
			body := eval[string](t, ctx, `document.body.textContent`)
			if len(executed) > 0 || scripts != 0 || images != 0 {
				t.Errorf("payload ran: globals %q, %d script and %d img elements", executed, scripts, images)
			}
			if !strings.Contains(body, `<script>window.pwned=1</script>"><img src=x onerror=window.pwnedImg=1>`) {
				t.Errorf("the subject is not shown as text:\n%s", body)
			}
		})
	}
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d dialogs opened", n)
	}
}
