package store

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/review"
)

// schemaV2 is the schema of version 2, frozen. DO NOT EDIT: it is what
// stores written before the saved review held its order, members and
// counts look like.
const schemaV2 = schemaV1 + `
ALTER TABLE messages ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN date TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN error TEXT NOT NULL DEFAULT '';
CREATE TABLE series (
	id            TEXT PRIMARY KEY,
	title         TEXT NOT NULL,
	version       INTEGER NOT NULL,
	superseded_by TEXT,
	tier          TEXT NOT NULL,
	score         REAL NOT NULL,
	report        TEXT NOT NULL,
	reviewed_at   TEXT NOT NULL
);
CREATE TABLE sent_digests (
	recipient    TEXT NOT NULL,
	content_hash TEXT NOT NULL,
	sent_at      TEXT NOT NULL,
	PRIMARY KEY (recipient, content_hash)
);
PRAGMA user_version = 2;
`

// A version-2 store opens, migrates, keeps its series and says it has no
// saved review of this version (so the next view reviews again).
func TestMigratesVersion2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	raw := openDB(dsn(path, Options{}, false))
	if _, err := raw.Exec(schemaV2); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO series (id, title, version, tier, score, report, reviewed_at)
		VALUES ('s@x', 't', 1, 'fyi', 1, '{"id":"s@x","title":"t"}', '2026-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	d := open(t, path)
	if v := userVersion(t, d); v != Version() {
		t.Fatalf("migrated to %d, want %d", v, Version())
	}
	if s, err := d.Series(t.Context(), "s@x"); err != nil || s.Title != "t" {
		t.Errorf("series after migration = %+v, %v", s, err)
	}
	if _, ok, err := d.LastReview(t.Context(), ReviewQuery{}); ok || err != nil {
		t.Errorf("LastReview on a migrated store = %v, %v; want none", ok, err)
	}
}

func TestSaveReviewRoundTrip(t *testing.T) {
	ctx := context.Background()
	d := open(t, filepath.Join(t.TempDir(), "r.db"))
	mbox := "From x Mon Jan  1 00:00:00 2024\nMessage-ID: <1@x>\nSubject: one\n\nb\n\n" +
		"From x Mon Jan  1 00:00:00 2024\nMessage-ID: <2@x>\nSubject: two\n\nb\n\n" +
		"From x Mon Jan  1 00:00:00 2024\nMessage-ID: <3@x>\nSubject: three\n\nb\n"
	if _, _, err := d.Ingest(ctx, mail.NewMboxReader(strings.NewReader(mbox), "m", nil)); err != nil {
		t.Fatal(err)
	}
	rev := &Review{
		Messages: review.Counts{Total: 3, Patches: 2, Replies: 1},
		Unparsed: []review.UnparsedReport{{Source: "m:9", Error: "bad"}},
		// Lower score first: the saved order is the report's, not the score's.
		Series:  []review.SeriesReport{{ID: "3@x", Title: "low", Score: 1}, {ID: "1@x", Title: "high", Score: 9}},
		Members: map[string][]string{"1@x": {"1@x", "2@x"}, "3@x": {"3@x"}},
	}
	for i := 0; i < 2; i++ { // saving again replaces
		if err := d.SaveReview(ctx, rev); err != nil {
			t.Fatal(err)
		}
	}
	rep, ok, err := d.LastReview(ctx, ReviewQuery{})
	if err != nil || !ok {
		t.Fatalf("LastReview = %v, %v", ok, err)
	}
	if rep.Messages != rev.Messages || len(rep.Unparsed) != 1 || len(rep.Series) != 2 || rep.Series[0].ID != "3@x" {
		t.Errorf("LastReview = %+v", rep)
	}
	if first, _, err := d.LastReview(ctx, ReviewQuery{Limit: 1}); err != nil || len(first.Series) != 1 || first.Series[0].ID != "3@x" {
		t.Errorf("LastReview limit 1 = %+v, %v", first, err)
	}
	if none, _, err := d.LastReview(ctx, ReviewQuery{Tier: review.MustLook}); err != nil || len(none.Series) != 0 {
		t.Errorf("LastReview of an absent tier = %+v, %v", none, err)
	}
	for id, want := range map[string]string{"1@x": "1@x", "2@x": "1@x", "3@x": "3@x", "9@x": ""} {
		got, ok, err := d.SeriesHolding(ctx, id)
		if err != nil || got != want || ok != (want != "") {
			t.Errorf("SeriesHolding(%s) = %q, %v, %v; want %q", id, got, ok, err, want)
		}
	}
	ids, err := d.Members(ctx, []string{"1@x"})
	if err != nil || len(ids) != 2 {
		t.Fatalf("Members = %v, %v", ids, err)
	}
	src, err := d.MessagesByID(ctx, []string{"2@x", "1@x"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		r, err := src.Next(ctx)
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Position)
	}
	if strings.Join(got, " ") != "m:2 m:8" {
		t.Errorf("MessagesByID positions = %v, want arrival order m:2 m:8", got)
	}
}

// Members of more series than one INSERT holds are all saved, and read
// back by series.
func TestSaveManyMembers(t *testing.T) {
	ctx := context.Background()
	d := open(t, filepath.Join(t.TempDir(), "m.db"))
	members := map[string][]string{}
	var series []review.SeriesReport
	// Two full INSERTs (the prepared one, run twice) and a partial one.
	const seriesN, perSeries = 7, (2*membersPerInsert + 100) / 7
	for s := range seriesN {
		id := fmt.Sprintf("s%d@x", s)
		series = append(series, review.SeriesReport{ID: id})
		for m := range perSeries {
			members[id] = append(members[id], fmt.Sprintf("m%d.%d@x", s, m))
		}
	}
	members["s0@x"] = append(members["s0@x"], "m0.0@x") // a duplicate row is one row
	if err := d.SaveReview(ctx, &Review{Series: series, Members: members}); err != nil {
		t.Fatal(err)
	}
	for s := range seriesN {
		ids, err := d.Members(ctx, []string{fmt.Sprintf("s%d@x", s)})
		if err != nil || len(ids) != perSeries {
			t.Errorf("series %d: %d members, %v; want %d", s, len(ids), err, perSeries)
		}
	}
	var n int
	if err := d.db.QueryRow("SELECT count(*) FROM series_messages").Scan(&n); err != nil || n != seriesN*perSeries {
		t.Errorf("%d rows, %v; want %d", n, err, seriesN*perSeries)
	}
}
