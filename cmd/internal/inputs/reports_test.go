package inputs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"ferrule/review"
)

func TestReports(t *testing.T) {
	ctx := context.Background()
	example := "../../../examples/rust-pwm-demo.mbox"
	dbPath := filepath.Join(t.TempDir(), "ferrule.db")

	// The store is not there: the user's to fix, not a runtime error.
	_, _, err := Reports(ctx, &ReportsQuery{DBPath: dbPath})
	var re *RuntimeError
	if err == nil || errors.As(err, &re) {
		t.Fatalf("missing store: %v", err)
	}
	// Inputs are reviewed; the store is opened only when asked for.
	reports, db, err := Reports(ctx, &ReportsQuery{Paths: []string{example}, DBPath: dbPath})
	if err != nil || db != nil || len(reports) == 0 {
		t.Fatalf("inputs: %d reports, store %v, %v", len(reports), db, err)
	}
	if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a store was created without KeepStore: %v", err)
	}
	reports, db, err = Reports(ctx, &ReportsQuery{Paths: []string{example}, DBPath: dbPath, KeepStore: true, Report: &review.ReportOptions{}})
	if err != nil || db == nil || len(reports) == 0 {
		t.Fatalf("inputs with the store: %d reports, store %v, %v", len(reports), db, err)
	}
	db.Close()
	// The store now exists and holds no saved review: no series.
	reports, db, err = Reports(ctx, &ReportsQuery{DBPath: dbPath})
	if err != nil || db == nil || len(reports) != 0 {
		t.Fatalf("empty store: %d reports, %v", len(reports), err)
	}
	db.Close()
	// An input that cannot be read is a runtime failure.
	if _, _, err := Reports(ctx, &ReportsQuery{Paths: []string{filepath.Join(t.TempDir(), "missing.mbox")}}); !errors.As(err, &re) {
		t.Errorf("unreadable input: %v, want a RuntimeError", err)
	}
}
