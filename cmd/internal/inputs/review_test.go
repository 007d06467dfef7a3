package inputs

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ferrule/cmd/internal/results"
	"ferrule/review"
	"ferrule/review/am"
)

func TestReviewJob(t *testing.T) {
	ctx := context.Background()
	example := "../../../examples/rust-pwm-demo.mbox"
	dbPath := filepath.Join(t.TempDir(), "ferrule.db")
	// run runs a job and returns the report it printed.
	type job struct {
		paths    []string
		db       string
		useSaved bool
	}
	run := func(j job) (rep *review.Report, cut, err error) {
		cut, err = (&ReviewJob{Paths: j.paths, DBPath: j.db, UseSaved: j.useSaved, Options: &review.IngestOptions{},
			Print: func(r *review.Report) error { rep = r; return nil }}).Run(ctx)
		return rep, cut, err
	}

	plain, cut, err := run(job{[]string{example}, "", false})
	if err != nil || cut != nil || len(plain.Series) == 0 {
		t.Fatalf("plain review: %v, cut %v", err, cut)
	}
	// Into an empty store: the same series, and the store keeps them.
	stored, _, err := run(job{[]string{example}, dbPath, true})
	if err != nil || len(stored.Series) != len(plain.Series) {
		t.Fatalf("review --db: %v, %d series, want %d", err, len(stored.Series), len(plain.Series))
	}
	// The store is back in WAL mode after the import (store.Options.Import):
	// bytes 18 and 19 of the file (its read and write versions) are 2 for
	// WAL, 1 for a rollback journal.
	if header, err := os.ReadFile(dbPath); err != nil || len(header) < 20 || header[18] != 2 || header[19] != 2 {
		t.Errorf("store after review --db: not in WAL mode (%v)", err)
	}
	db, err := OpenStore(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := results.Stored(ctx, db, nil, 0); !ok || err != nil {
		t.Fatalf("no saved review after review --db: %v", err)
	}
	db.Close()
	saved, _, err := run(job{nil, dbPath, true})
	if err != nil || len(saved.Series) != len(plain.Series) || saved.Messages.Total != plain.Messages.Total {
		t.Fatalf("saved review: %v, %d series and %d messages, want %d and %d", err, len(saved.Series), saved.Messages.Total, len(plain.Series), plain.Messages.Total)
	}
	// Reviewing the store again with the same input stores nothing twice.
	again, _, err := run(job{[]string{example}, dbPath, false})
	if err != nil || again.Messages.Total != plain.Messages.Total {
		t.Fatalf("again: %v, %d messages, want %d", err, again.Messages.Total, plain.Messages.Total)
	}

	// A truncated .gz: what came before is reviewed, and the cut is said.
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	truncated := filepath.Join(t.TempDir(), "cut.mbox.gz")
	if err := os.WriteFile(truncated, gz.Bytes()[:gz.Len()*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	rep, cut, err := run(job{[]string{truncated}, "", false})
	if err != nil || cut == nil || rep == nil || rep.Messages.Total == 0 || rep.Messages.Total >= plain.Messages.Total {
		t.Fatalf("cut input: err %v, cut %v, report %v", err, cut, rep != nil)
	}

	// Errors: a missing input is the user's; so is no store path.
	var re *RuntimeError
	if _, _, err := run(job{[]string{filepath.Join(t.TempDir(), "none.mbox")}, "", false}); err == nil || errors.As(err, &re) {
		t.Errorf("missing input: %v", err)
	}
	if _, _, err := run(job{nil, "", false}); err == nil {
		t.Error("no input and no store accepted")
	}
	// An output that fails is a runtime error, and the results are saved
	// all the same.
	other := filepath.Join(t.TempDir(), "other.db")
	_, err = (&ReviewJob{Paths: []string{example}, DBPath: other, Options: &review.IngestOptions{},
		Print: func(*review.Report) error { return errors.New("broken pipe") }}).Run(ctx)
	if !errors.As(err, &re) {
		t.Errorf("failed output: %v, want a RuntimeError", err)
	}
	if saved, _, err := run(job{nil, other, true}); err != nil || len(saved.Series) != len(plain.Series) {
		t.Errorf("after a failed output the store's saved review has %v series: %v", saved, err)
	}
}

// Am gives the newest revision even when asked by a v1 message, with the
// trailers from replies, and writes nothing on an unknown id.
func TestAm(t *testing.T) {
	ctx := context.Background()
	example := "../../../examples/rust-pwm-demo.mbox"
	var out bytes.Buffer
	r, err := Am(ctx, &out, "20261001-pwm-demo-v1-0-aaaa@example.org", []string{example}, nil, "", &am.Options{})
	if err != nil || r == nil {
		t.Fatalf("am: %v", err)
	}
	if n := strings.Count(out.String(), "\nSubject: [PATCH v2 "); n != 2 || strings.Contains(out.String(), "Subject: [PATCH 1/2]") {
		t.Errorf("want the two v2 patches and no v1, got %d v2 subjects:\n%s", n, out.String())
	}
	out.Reset()
	if _, err := Am(ctx, &out, "nobody@example.org", []string{example}, nil, "", &am.Options{}); err == nil || out.Len() != 0 {
		t.Errorf("unknown id: err %v, %d bytes written", err, out.Len())
	}
}

// review --db --format json prints and saves one report, each series
// encoded once for both (PrintsJSON): what it prints is a plain review's
// JSON, and what it saves is what a narrowed print (not shared) saves.
func TestReviewJobSharedJSON(t *testing.T) {
	ctx := context.Background()
	example := "../../../examples/rust-pwm-demo.mbox"
	now := review.ReportOptions{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	run := func(db string, printed review.ReportOptions, share bool) (out []byte, saved []review.SeriesReport) {
		t.Helper()
		var buf bytes.Buffer
		_, err := (&ReviewJob{Paths: []string{example}, DBPath: db, Options: &review.IngestOptions{},
			Printed: printed, Saved: now, PrintsJSON: true,
			Print: func(r *review.Report) error {
				if r.SharesJSON() != share {
					t.Errorf("store %q, limit %d: printed report shares its JSON: %v, want %v", db, printed.Limit, !share, share)
				}
				return r.WriteJSON(&buf)
			}}).Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if db == "" {
			return buf.Bytes(), nil
		}
		store, err := OpenStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		rep, ok, err := results.Stored(ctx, store, nil, 0)
		if !ok || err != nil {
			t.Fatalf("no saved review: %v", err)
		}
		return buf.Bytes(), rep.Series
	}
	plain, _ := run("", now, false)
	shared, savedShared := run(filepath.Join(t.TempDir(), "a.db"), now, true)
	if !bytes.Equal(shared, plain) {
		t.Errorf("review --db printed\n%s\nwant a plain review's\n%s", shared, plain)
	}
	narrowed := now
	narrowed.Limit = 1
	_, savedApart := run(filepath.Join(t.TempDir(), "b.db"), narrowed, false)
	if len(savedShared) == 0 || !reflect.DeepEqual(savedShared, savedApart) {
		t.Errorf("saved with a shared report:\n%+v\nwant as when printed apart:\n%+v", savedShared, savedApart)
	}
}
