package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// What was recorded for one recipient is sent for nobody else, survives
// reopening, and recording twice is harmless.
func TestSentDigests(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	db := open(t, path)
	when := time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC)
	if err := db.RecordDigest(ctx, "m@example.com", []string{"a", "b"}, when); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordDigest(ctx, "m@example.com", []string{"b"}, when); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open(t, path)
	got, err := db.SentDigest(ctx, "m@example.com", []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if !got["a"] || !got["b"] || got["c"] || len(got) != 2 {
		t.Errorf("sent = %v, want a and b", got)
	}
	other, err := db.SentDigest(ctx, "r@example.org", []string{"a"})
	if err != nil || len(other) != 0 {
		t.Errorf("another recipient sees %v, %v", other, err)
	}
}
