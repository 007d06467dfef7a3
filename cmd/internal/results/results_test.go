package results

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"ferrule/mail"
	"ferrule/review"
	"ferrule/store"
)

const example = "../../../examples/rust-pwm-demo.mbox"

// reviewed is a store holding the example and its saved review.
func reviewed(t *testing.T) (*store.DB, *review.Result) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	src, err := mail.Open([]string{example}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, _, err := db.Ingest(ctx, src); err != nil {
		t.Fatal(err)
	}
	res, err := review.Ingest(ctx, db.Messages(), &review.IngestOptions{Checkers: []review.Checker{everyFile{}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(ctx, db, res, review.BuildReport(res, nil)); err != nil {
		t.Fatal(err)
	}
	return db, res
}

// everyFile finds something in every file of every patch.
type everyFile struct{}

func (everyFile) Check(in *review.CheckInput) []review.Finding {
	var out []review.Finding
	for _, f := range in.Files {
		out = append(out, review.Finding{Rule: "test", Severity: review.Low, File: f.Path, Message: "seen"})
	}
	return out
}

func count(t *testing.T, src mail.Source) int {
	n := 0
	for {
		_, err := src.Next(context.Background())
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
}

// SeriesSource reads the messages of a series and its revisions, and
// nothing else; an unknown id is not found.
func TestSeriesSource(t *testing.T) {
	db, res := reviewed(t)
	ctx := context.Background()
	var chain *review.Series
	others := 0
	for _, s := range res.Series {
		if s.Previous != nil {
			chain = s
		}
	}
	if chain == nil {
		t.Fatal("the example has no revised series")
	}
	want := 0
	for _, s := range []*review.Series{chain, chain.Previous} {
		want += len(s.Posts()) + len(s.Replies)
	}
	for _, s := range res.Series {
		if s != chain && s != chain.Previous {
			others += len(s.Posts())
		}
	}
	src, saved, ok, err := SeriesSource(ctx, db, chain.Previous.Parts[0].Post.MessageID, true)
	if err != nil || !ok {
		t.Fatalf("SeriesSource = %v, %v", ok, err)
	}
	if n := count(t, src); n != want {
		t.Errorf("SeriesSource read %d messages, want the chain's %d (the store holds %d more)", n, want, others)
	}
	// The saved review answers for the series, its findings on the posts.
	fresh := &review.Series{ID: chain.ID, Parts: []*review.Part{{Number: 1, Post: &review.Post{MessageID: chain.Parts[0].Post.MessageID}}}}
	sr, ok, err := saved.Report(ctx, fresh)
	if err != nil || !ok || sr.ID != chain.ID || len(fresh.Parts[0].Post.Findings) == 0 || len(fresh.Parts[0].Post.Findings) != len(chain.Parts[0].Post.Findings) {
		t.Errorf("Report = %v, %v, %v; findings %d, want %d", sr, ok, err, len(fresh.Parts[0].Post.Findings), len(chain.Parts[0].Post.Findings))
	}
	// Without revisions: the series' own messages only.
	own, _, ok, err := SeriesSource(ctx, db, chain.Parts[0].Post.MessageID, false)
	if n, want := count(t, own), len(chain.Posts())+len(chain.Replies); err != nil || !ok || n != want {
		t.Errorf("SeriesSource without revisions read %d messages, want %d (%v)", n, want, err)
	}
	if _, ok, err := saved.Report(ctx, &review.Series{ID: "nobody@example.org"}); ok || err != nil {
		t.Errorf("Report of an unknown series = %v, %v", ok, err)
	}
	if _, _, ok, err := SeriesSource(ctx, db, "nobody@example.org", true); ok || err != nil {
		t.Errorf("unknown id: %v, %v", ok, err)
	}
}

// Stored filters and limits the saved report in its order.
func TestStored(t *testing.T) {
	db, res := reviewed(t)
	full := review.BuildReport(res, nil)
	rep, ok, err := Stored(context.Background(), db, &review.Filter{Tier: full.Series[0].Tier}, 1)
	if err != nil || !ok {
		t.Fatalf("Stored = %v, %v", ok, err)
	}
	if len(rep.Series) != 1 || rep.Series[0].ID != full.Series[0].ID || rep.Messages != full.Messages {
		t.Errorf("Stored = %d series, first %q, counts %+v", len(rep.Series), rep.Series[0].ID, rep.Messages)
	}
}

// A state filter applies before the limit: the one superseded series of
// the example is found although it comes last in the saved order.
func TestStoredStateBeforeLimit(t *testing.T) {
	db, _ := reviewed(t)
	rep, ok, err := Stored(context.Background(), db, &review.Filter{States: []review.State{review.StateSuperseded}}, 1)
	if err != nil || !ok || len(rep.Series) != 1 || rep.Series[0].State != review.StateSuperseded {
		t.Fatalf("Stored(--state superseded --limit 1) = %+v, %v, %v", rep, ok, err)
	}
}
