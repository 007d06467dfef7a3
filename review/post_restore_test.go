package review_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/rustcheck"
)

// TestRestoreHunks: a review without hunks, then the hunks of one series
// and its previous revision read again, gives the interdiff a review
// that kept every hunk gives; the other series stay without hunks, and a
// post whose message is not where it says is left alone.
func TestRestoreHunks(t *testing.T) {
	path := filepath.Join(mailtest.SharedDir(t, "rust-series", "lore"), "clk-exclusive-v1-v4.mbox")
	ingest := func(keep bool) *review.Result {
		src, err := mail.Open([]string{path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		res, err := review.Ingest(context.Background(), src, &review.IngestOptions{
			Checkers: []review.Checker{rustcheck.New(nil)},
			Inspect:  review.InspectOptions{KeepHunks: keep},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	version := func(res *review.Result, v int) *review.Series {
		for _, s := range res.Series {
			if s.Version == v {
				return s
			}
		}
		t.Fatalf("no v%d", v)
		return nil
	}
	restore := func(posts []*review.Post) int {
		src, err := mail.Open([]string{path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		n, err := review.RestoreHunks(context.Background(), src, posts)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	hunks := func(s *review.Series) (n int) {
		for _, p := range s.Posts() {
			for _, f := range p.Files {
				n += len(f.Hunks)
			}
		}
		return n
	}

	want := review.Interdiff(version(ingest(true), 2), version(ingest(true), 3))
	res := ingest(false)
	v2, v3 := version(res, 2), version(res, 3)
	if hunks(v2)+hunks(v3) != 0 {
		t.Fatal("hunks kept without KeepHunks")
	}
	posts := append(v3.Posts(), v2.Posts()...)
	if n := restore(posts); n != len(v2.Parts)+len(v3.Parts) {
		t.Errorf("restored %d posts, want the %d patches", n, len(v2.Parts)+len(v3.Parts))
	}
	if got := review.Interdiff(v2, v3); !reflect.DeepEqual(got, want) {
		t.Errorf("interdiff after RestoreHunks:\n%+v\nwant\n%+v", got, want)
	}
	if hunks(version(res, 1)) != 0 || hunks(version(res, 4)) != 0 {
		t.Error("hunks restored for series not asked for")
	}
	if n := restore(posts); n != 0 {
		t.Errorf("restoring again restored %d posts, want 0 (they have their hunks)", n)
	}

	// A post whose position holds another message keeps its counts only.
	v1 := version(res, 1)
	moved := *v1.Parts[0].Post
	moved.Position = v2.Parts[0].Post.Position
	if n := restore([]*review.Post{&moved}); n != 0 || hunks(v1) != 0 || len(moved.Files[0].Hunks) != 0 {
		t.Errorf("restored %d posts from another message's position", n)
	}
}

// TestRestoreRecipients: a review that dropped the recipients gets back
// those of the one post asked for, as a review that kept them has them.
func TestRestoreRecipients(t *testing.T) {
	path := filepath.Join(mailtest.SharedDir(t, "rust-series", "lore"), "clk-exclusive-v1-v4.mbox")
	ingest := func(drop bool) *review.Result {
		src, err := mail.Open([]string{path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		res, err := review.Ingest(context.Background(), src, &review.IngestOptions{DropRecipients: drop})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	kept, dropped := ingest(false), ingest(true)
	i := len(kept.Posts) / 2
	want := kept.Posts[i]
	if len(want.To)+len(want.Cc) == 0 {
		t.Fatalf("%s has no recipients to restore", want.MessageID)
	}
	for _, p := range dropped.Posts {
		if p.To != nil || p.Cc != nil {
			t.Fatalf("%s kept its recipients under DropRecipients", p.MessageID)
		}
	}
	p := dropped.Posts[i]
	src, err := mail.Open([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if n, err := review.RestoreRecipients(context.Background(), src, []*review.Post{p}); n != 1 || err != nil {
		t.Fatalf("RestoreRecipients = %d, %v; want 1 post", n, err)
	}
	if !reflect.DeepEqual(p.To, want.To) || !reflect.DeepEqual(p.Cc, want.Cc) {
		t.Errorf("restored To %v Cc %v, want To %v Cc %v", p.To, p.Cc, want.To, want.Cc)
	}
	if other := dropped.Posts[i+1]; other.To != nil || other.Cc != nil {
		t.Error("recipients restored for a post not asked for")
	}
}
