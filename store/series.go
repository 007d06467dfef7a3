package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"ferrule/review"
)

// SaveReview replaces the stored review results with these series (the
// JSON report of each, with its revisions, trailers and findings), in one
// transaction.
func (d *DB) SaveReview(ctx context.Context, series []review.SeriesReport) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM series"); err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO series (id, title, version, superseded_by, tier, score, report, reviewed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	defer stmt.Close()
	now := time.Now().UTC().Format(time.RFC3339)
	for _, s := range series {
		b, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("save review: %w", err)
		}
		if _, err := stmt.ExecContext(ctx, s.ID, s.Title, s.Version, s.SupersededBy, string(s.Tier), s.Score, string(b), now); err != nil {
			return fmt.Errorf("save series %s: %w", s.ID, err)
		}
	}
	return tx.Commit()
}

// Series returns the stored report of one series.
func (d *DB) Series(ctx context.Context, id string) (*review.SeriesReport, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var b string
	if err := d.db.QueryRowContext(ctx, "SELECT report FROM series WHERE id = ?", id).Scan(&b); err != nil {
		return nil, fmt.Errorf("series %s: %w", id, err)
	}
	var s review.SeriesReport
	if err := json.Unmarshal([]byte(b), &s); err != nil {
		return nil, fmt.Errorf("series %s: %w", id, err)
	}
	return &s, nil
}

// Reports returns every stored series report, highest score first: the
// last review's view of the list.
func (d *DB) Reports(ctx context.Context) ([]review.SeriesReport, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := d.db.QueryContext(ctx, "SELECT report FROM series ORDER BY score DESC, id")
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer rows.Close()
	var out []review.SeriesReport
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
		var s review.SeriesReport
		if err := json.Unmarshal([]byte(b), &s); err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return out, nil
}
