package inputs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/store"
)

// storeWith opens a store in a temporary directory holding msgs.
func storeWith(t *testing.T, name string, msgs [][]byte) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, _, err := db.Ingest(t.Context(), mboxOf(msgs, "earlier")); err != nil {
		t.Fatal(err)
	}
	return db
}

func mboxOf(msgs [][]byte, name string) mail.Source {
	return mail.NewMboxReader(bytes.NewReader(mailtest.MboxRD(msgs)), name, nil)
}

// positions lists where the stored messages came from, in arrival order.
func positions(t *testing.T, db *store.DB) []string {
	t.Helper()
	src := db.Messages()
	var out []string
	for {
		r, err := src.Next(t.Context())
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Position)
	}
}

// summary is what a review of a store must not change: counts, series
// in order, posts in order, unparsed messages.
func summary(res *review.Result) []any {
	var series, posts, unparsed []string
	for _, s := range res.Series {
		series = append(series, s.ID)
	}
	for _, p := range res.Posts {
		posts = append(posts, p.MessageID)
	}
	for _, p := range res.Unparsed {
		unparsed = append(unparsed, p.Position+" "+p.Error)
	}
	return []any{res.Counts, series, posts, unparsed}
}

// Reviewing a store with new inputs through StoreReview (the inputs
// stored as the review decodes them) stores and reviews exactly what
// storing the inputs first and then reviewing the store did: the
// earlier mail, the new messages once (not those already stored, not a
// repeat within the inputs), an undecodable one under its fallback id.
func TestStoreReviewMatchesIngestThenReview(t *testing.T) {
	msgs := mailtest.ArchiveMessages(t, 600)
	earlier := msgs[:300]
	broken := []byte(" folded first line\nSubject: broken\n\nbody\n")
	newer := append(append([][]byte{}, msgs[200:600]...), broken, msgs[450])

	before := storeWith(t, "before.db", earlier)
	if _, _, err := before.Ingest(t.Context(), mboxOf(newer, "new")); err != nil {
		t.Fatal(err)
	}
	want, err := review.Ingest(t.Context(), before.Messages(), nil)
	if err != nil {
		t.Fatal(err)
	}

	db := storeWith(t, "tee.db", earlier)
	tee := NewStoreReview(t.Context(), db, mboxOf(newer, "new"))
	got, err := review.Ingest(t.Context(), tee, &review.IngestOptions{Tee: tee.Tee})
	if err != nil {
		t.Fatal(err)
	}
	added, err := tee.Close()
	if err != nil || added != 301 {
		t.Errorf("Close = %d, %v; want 301 added", added, err)
	}
	if g, w := summary(got), summary(want); !reflect.DeepEqual(g, w) {
		t.Errorf("review differs:\n got %v\nwant %v", g, w)
	}
	if g, w := positions(t, db), positions(t, before); !reflect.DeepEqual(g, w) {
		t.Errorf("stored messages differ: %d vs %d", len(g), len(w))
	}
	if got.Counts.Total != 601 || got.Counts.Unparsed == 0 || got.Counts.Duplicates != 0 {
		t.Errorf("counts %+v", got.Counts)
	}
}

// A store that cannot be written: the error comes out of Close, or
// earlier out of the review.
func TestStoreReviewWriteError(t *testing.T) {
	msgs := mailtest.ArchiveMessages(t, 600)
	db := storeWith(t, "s.db", nil)
	dead, cancel := context.WithCancel(t.Context())
	cancel()
	tee := NewStoreReview(dead, db, mboxOf(msgs, "new"))
	_, err := review.Ingest(t.Context(), tee, &review.IngestOptions{Tee: tee.Tee})
	if _, cerr := tee.Close(); cerr == nil || (err != nil && !errors.Is(err, context.Canceled)) {
		t.Errorf("Close = %v, review = %v; want the write error", cerr, err)
	}
	if n, err := db.CountMessages(t.Context()); n != 0 || err != nil {
		t.Errorf("%d messages stored (%v)", n, err)
	}
}
