package review_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/rustcheck"
)

// benchInput concatenates the real Rust-for-Linux threads and format-patch
// series (about 2 MB, 150 messages) into one mbox held in memory.
func benchInput(b *testing.B) ([]byte, int) {
	b.Helper()
	var buf bytes.Buffer
	for _, sub := range []string{"lore", "format-patch"} {
		files, _ := filepath.Glob(filepath.Join(mailtest.SharedDir(b, "rust-series", sub), "*.mbox"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			buf.Write(data)
			buf.WriteString("\n")
		}
	}
	n := 0
	src := mail.NewMboxReader(bytes.NewReader(buf.Bytes()), "bench", nil)
	for {
		if _, err := src.Next(context.Background()); errors.Is(err, io.EOF) {
			break
		}
		n++
	}
	return buf.Bytes(), n
}

// BenchmarkReadBaseline scans the input for line ends: the floor any
// mbox reader pays. Compare the others' MB/s with it.
func BenchmarkReadBaseline(b *testing.B) {
	data, _ := benchInput(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if bytes.Count(data, []byte("\n")) == 0 {
			b.Fatal("no lines")
		}
	}
}

// BenchmarkMboxSplit splits the input into messages without decoding.
func BenchmarkMboxSplit(b *testing.B) {
	data, msgs := benchInput(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		src := mail.NewMboxReader(bytes.NewReader(data), "bench", nil)
		for {
			if _, err := src.Next(context.Background()); errors.Is(err, io.EOF) {
				break
			}
		}
	}
	b.ReportMetric(float64(msgs*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkIngest is the whole review pipeline: split, MIME decoding,
// inspection with diff parsing, assembly, revisions and trailers.
func BenchmarkIngest(b *testing.B) {
	data, msgs := benchInput(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := review.Ingest(context.Background(), mail.NewMboxReader(bytes.NewReader(data), "bench", nil), nil)
		if err != nil || res.Counts.Total != msgs {
			b.Fatalf("Ingest: %v, %d of %d messages", err, res.Counts.Total, msgs)
		}
	}
	b.ReportMetric(float64(msgs*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkIngestRust is BenchmarkIngest with the Rust analysis: compare
// the two for the analysis overhead on Rust-heavy input (every message
// here is Rust-for-Linux traffic; on the whole list the share is small).
func BenchmarkIngestRust(b *testing.B) {
	data, msgs := benchInput(b)
	b.SetBytes(int64(len(data)))
	opts := &review.IngestOptions{Checkers: []review.Checker{rustcheck.New(nil)}}
	for b.Loop() {
		res, err := review.Ingest(context.Background(), mail.NewMboxReader(bytes.NewReader(data), "bench", nil), opts)
		if err != nil || res.Counts.Total != msgs {
			b.Fatalf("Ingest: %v", err)
		}
	}
	b.ReportMetric(float64(msgs*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkArchiveReview is `ferrule review --format json` on the whole
// linux-pwm archive (held in memory): ingestion with the Rust checks, the
// report and its JSON. Profile it with -cpuprofile/-memprofile.
func BenchmarkArchiveReview(b *testing.B) {
	if testing.Short() {
		b.Skip("whole-archive benchmark skipped in -short mode")
	}
	r, stop := mailtest.OpenArchive(b)
	var buf bytes.Buffer
	buf.Grow(240 << 20) // the archive's size: one allocation, out of the profile's way
	_, err := buf.ReadFrom(r)
	stop()
	if err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	opts := &review.IngestOptions{Checkers: []review.Checker{rustcheck.New(nil)}}
	b.ReportAllocs()
	for b.Loop() {
		res, err := review.Ingest(context.Background(), mail.NewMboxReader(bytes.NewReader(data), "linux-pwm.mbox", nil), opts)
		if err != nil || res.Counts.Total != archiveMessages {
			b.Fatalf("Ingest: %v, %d messages", err, res.Counts.Total)
		}
		if err := review.BuildReport(res, nil).WriteJSON(bufio.NewWriter(io.Discard)); err != nil {
			b.Fatal(err)
		}
	}
}
