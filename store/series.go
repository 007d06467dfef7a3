package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"ferrule/mail"
	"ferrule/review"
)

// Review is what a review leaves in the store.
type Review struct {
	Messages review.Counts
	Unparsed []review.UnparsedReport
	// Series are every series' full report, in the report's order.
	Series []review.SeriesReport
	// Members are the Message-IDs of each series' messages (cover,
	// patches, replies), by series id.
	Members map[string][]string
	// SeriesJSON, when set, gives the JSON saved for Series[i] (that of
	// json.Marshal): a report printed too encodes each series once for
	// both (review.Report.ShareJSON).
	SeriesJSON func(i int) ([]byte, error)
}

// SaveReview replaces the stored review results with r, in one
// transaction.
func (d *DB) SaveReview(ctx context.Context, r *Review) error {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []string{"DELETE FROM series", "DELETE FROM series_messages"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("save review: %w", err)
		}
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	counts, err := json.Marshal(r.Messages)
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	unparsed, err := json.Marshal(r.Unparsed)
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (id, messages, unparsed, reviewed_at) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET messages = excluded.messages, unparsed = excluded.unparsed, reviewed_at = excluded.reviewed_at`,
		string(counts), string(unparsed), now); err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO series (id, title, version, superseded_by, tier, score, report, reviewed_at, rank)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	defer stmt.Close()
	row := perRow(ctx)
	encode := r.SeriesJSON
	if encode == nil {
		encode = func(i int) ([]byte, error) { return json.Marshal(&r.Series[i]) }
	}
	for i, s := range r.Series {
		b, err := encode(i)
		if err != nil {
			return fmt.Errorf("save review: %w", err)
		}
		if _, err := stmt.ExecContext(row, s.ID, s.Title, s.Version, s.SupersededBy, string(s.Tier), s.Score, string(b), now, i); err != nil {
			return fmt.Errorf("save series %s: %w", s.ID, err)
		}
	}
	if err := saveMembers(ctx, tx, r.Members); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	return nil
}

// membersPerInsert is how many (series, message) rows one INSERT adds:
// a list's review has tens of thousands, and one statement each cost more
// than the rest of saving it. Each multi-row INSERT copies the pages it
// changes that the transaction had already changed to sqlite's statement
// journal (so that it can be undone alone): 200 rows a statement in map
// order wrote 205 MB of statement journal for linux-pwm's review; 4096
// in key order (saveMembers), about 14 MB. Its 8192 variables need
// SQLite 3.32 or later (limit 32766; the bundled one is 3.54, Debian
// 12's 3.40).
const membersPerInsert = 4096

// saveMembers inserts the rows of series_messages, membersPerInsert at a
// time.
func saveMembers(ctx context.Context, tx *sql.Tx, members map[string][]string) error {
	var stmt *sql.Stmt // for full batches, prepared when first needed
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, 2*membersPerInsert)
	row := perRow(ctx)
	insert := func() error {
		n := len(args) / 2
		if n == 0 {
			return nil
		}
		defer func() { args = args[:0] }()
		if n < membersPerInsert {
			_, err := tx.ExecContext(row, membersInsert(n), args...)
			return err
		}
		if stmt == nil {
			var err error
			if stmt, err = tx.PrepareContext(ctx, membersInsert(membersPerInsert)); err != nil {
				return err
			}
		}
		_, err := stmt.ExecContext(row, args...)
		return err
	}
	// In key order, each INSERT adds to the end of the primary key's
	// index instead of to pages all over it (the index by message still
	// takes them in random order).
	for _, id := range slices.Sorted(maps.Keys(members)) {
		for _, m := range slices.Sorted(slices.Values(members[id])) {
			args = append(args, id, m)
			if len(args) == cap(args) {
				if err := insert(); err != nil {
					return fmt.Errorf("save series members: %w", err)
				}
			}
		}
	}
	if err := insert(); err != nil {
		return fmt.Errorf("save series members: %w", err)
	}
	return nil
}

// membersInsert is an INSERT of n rows into series_messages.
func membersInsert(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO series_messages (series_id, message_id) VALUES (?, ?)")
	for range n - 1 {
		b.WriteString(", (?, ?)")
	}
	b.WriteString(" ON CONFLICT DO NOTHING")
	return b.String()
}

// ReviewQuery narrows what LastReview reads: only series of a tier (""
// for all), only the first Limit (0 for all).
type ReviewQuery struct {
	Tier  review.Tier
	Limit int
}

// LastReview returns the last saved review as a report, series in the
// report's order, as q narrows them; ok is false when none was saved (by
// this version).
func (d *DB) LastReview(ctx context.Context, q ReviewQuery) (rep *review.Report, ok bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var counts, unparsed string
	err = d.db.QueryRowContext(ctx, "SELECT messages, unparsed FROM reviews WHERE id = 1").Scan(&counts, &unparsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("last review: %w", err)
	}
	rep = &review.Report{}
	if err := json.Unmarshal([]byte(counts), &rep.Messages); err != nil {
		return nil, false, fmt.Errorf("last review: %w", err)
	}
	if err := json.Unmarshal([]byte(unparsed), &rep.Unparsed); err != nil {
		return nil, false, fmt.Errorf("last review: %w", err)
	}
	if rep.Unparsed == nil {
		rep.Unparsed = []review.UnparsedReport{}
	}
	query, args := "SELECT report FROM series", []any{}
	if q.Tier != "" {
		query += " WHERE tier = ?"
		args = append(args, string(q.Tier))
	}
	query += " ORDER BY rank"
	if q.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, q.Limit)
	}
	if rep.Series, err = d.reports(ctx, query, args...); err != nil {
		return nil, false, err
	}
	return rep, true, nil
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

// SeriesHolding returns the id of the stored series that id names: a
// series id, or the Message-ID of one of its messages. ok is false when
// the last review has no such series.
func (d *DB) SeriesHolding(ctx context.Context, id string) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var sid string
	err := d.db.QueryRowContext(ctx, `SELECT id FROM series WHERE id = ?
		UNION ALL SELECT series_id FROM series_messages WHERE message_id = ? LIMIT 1`, id, id).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("find series of %s: %w", id, err)
	}
	return sid, true, nil
}

// Members returns the Message-IDs of the stored series' messages.
func (d *DB) Members(ctx context.Context, seriesIDs []string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	if len(seriesIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(seriesIDs))
	for i, id := range seriesIDs {
		args[i] = id
	}
	rows, err := d.db.QueryContext(ctx, "SELECT DISTINCT message_id FROM series_messages WHERE series_id IN (?"+strings.Repeat(",?", len(args)-1)+")", args...)
	if err != nil {
		return nil, fmt.Errorf("series messages: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, fmt.Errorf("series messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("series messages: %w", err)
	}
	return out, nil
}

// MessagesByID returns the stored messages with these Message-IDs, in
// arrival order (a source for reviewing a few series again).
func (d *DB) MessagesByID(ctx context.Context, ids []string) (mail.Source, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	src := &sliceSource{}
	const chunk = 500 // below sqlite's variable limit
	var all []idRaw
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := d.db.QueryContext(ctx, "SELECT id, source, raw, error FROM messages WHERE message_id IN (?"+strings.Repeat(",?", len(args)-1)+")", args...)
		if err != nil {
			return nil, fmt.Errorf("read messages: %w", err)
		}
		for rows.Next() {
			var x idRaw
			var source, errText string
			var raw []byte
			if err := rows.Scan(&x.id, &source, &raw, &errText); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read messages: %w", err)
			}
			x.raw = &mail.Raw{Position: source, Bytes: raw}
			if errText != "" && len(raw) == 0 {
				x.raw.Err = errors.New(errText)
			}
			all = append(all, x)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read messages: %w", err)
		}
	}
	sortByID(all)
	for _, x := range all {
		src.raws = append(src.raws, x.raw)
	}
	return src, nil
}

// Reports returns every stored series report, highest score first: the
// last review's view of the list.
func (d *DB) Reports(ctx context.Context) ([]review.SeriesReport, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	return d.reports(ctx, "SELECT report FROM series ORDER BY score DESC, id")
}

func (d *DB) reports(ctx context.Context, query string, args ...any) ([]review.SeriesReport, error) {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer rows.Close()
	out := []review.SeriesReport{}
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

// ReviewedAt is when the saved review was made (zero when there is none),
// so that readers of the results (the web view) know when to read again.
func (d *DB) ReviewedAt(ctx context.Context) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var at string
	err := d.db.QueryRowContext(ctx, "SELECT reviewed_at FROM reviews WHERE id = 1").Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("reviewed at: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return time.Time{}, fmt.Errorf("reviewed at: %w", err)
	}
	return t, nil
}

// SeriesByShortID is the id of the saved series whose review.ShortID is
// short ("" when none).
func (d *DB) SeriesByShortID(ctx context.Context, short string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := d.db.QueryContext(ctx, "SELECT id FROM series")
	if err != nil {
		return "", fmt.Errorf("series by short id: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", fmt.Errorf("series by short id: %w", err)
		}
		if review.ShortID(id) == short {
			return id, nil
		}
	}
	return "", rows.Err()
}
