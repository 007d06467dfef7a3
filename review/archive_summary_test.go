package review_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"ferrule/mail"
	"ferrule/review"
	"ferrule/review/rustcheck"
)

var updateArchive = flag.Bool("update-archive", false, "rewrite testdata/archive-summary.txt.gz from the current code")

const archiveSummaryPath = "testdata/archive-summary.txt.gz"

// TestArchiveSummary reviews the whole linux-pwm archive and compares a
// summary of the result with the one saved from an earlier version: the
// message counts, every message's header facts and a hash of its decoded
// text, and the review JSON's series (membership, versions, patches, files,
// trailers, the set of findings). Ranking and state are left out: they
// change for their own reasons. After a deliberate change, regenerate with
// go test ./review -run TestArchiveSummary -update-archive.
func TestArchiveSummary(t *testing.T) {
	r, stop := openArchive(t)
	defer stop()
	got := archiveSummary(t, r)
	if *updateArchive {
		writeGzip(t, archiveSummaryPath, got)
	}
	want := readGzip(t, archiveSummaryPath)
	if got == want {
		return
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	t.Errorf("archive summary differs from %s (%d lines want, %d got); regenerate with -update-archive after a deliberate change", archiveSummaryPath, len(w), len(g))
	diffLines(t, w, g, 20)
}

// archiveSummary ingests the mbox stream r as `ferrule review --format json`
// does (Rust checks with the embedded knowledge) and returns the summary:
// sorted, line-oriented text.
func archiveSummary(tb testing.TB, r io.Reader) string {
	tb.Helper()
	var mu sync.Mutex
	texts := map[string]string{} // position → hash of the decoded text
	opts := &review.IngestOptions{
		Checkers: []review.Checker{rustcheck.New(nil)},
		Visit: func(p *review.Post, m *mail.Message) {
			sum := sha256.Sum256([]byte(m.Text))
			h := hex.EncodeToString(sum[:6])
			mu.Lock()
			texts[p.Position] = h
			mu.Unlock()
		},
	}
	res, err := review.Ingest(context.Background(), mail.NewMboxReader(r, "linux-pwm.mbox", nil), opts)
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	c := res.Counts
	fmt.Fprintf(&b, "counts total=%d patches=%d covers=%d replies=%d other=%d unparsed=%d duplicates=%d\n",
		c.Total, c.Patches, c.Covers, c.Replies, c.Other, c.Unparsed, c.Duplicates)
	for _, list := range []struct {
		tag   string
		posts []*review.Post
	}{{"M", res.Posts}, {"D", res.Duplicates}} {
		for _, p := range list.posts {
			b.WriteString(postLine(list.tag, p, texts[p.Position]))
		}
	}
	data, err := json.Marshal(review.BuildReport(res, nil))
	if err != nil {
		tb.Fatal(err)
	}
	var rep summaryReport
	if err := json.Unmarshal(data, &rep); err != nil {
		tb.Fatal(err)
	}
	sort.Slice(rep.Series, func(i, j int) bool {
		a, b := rep.Series[i], rep.Series[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Version < b.Version
	})
	for _, s := range rep.Series {
		s.write(&b)
	}
	for _, u := range rep.Unparsed {
		fmt.Fprintf(&b, "U %s %s %q %q\n", u.Source, u.MessageID, u.Subject, u.Error)
	}
	return b.String()
}

// postLine is one message's header facts and text hash.
func postLine(tag string, p *review.Post, text string) string {
	recipients := func(lists ...[]mail.Address) string {
		h := sha256.New()
		n := 0
		for _, l := range lists {
			for _, a := range l {
				fmt.Fprintf(h, "%s\x00%s\x00", a.Name, a.Email)
				n++
			}
			h.Write([]byte{1})
		}
		return fmt.Sprintf("%d:%s", n, hex.EncodeToString(h.Sum(nil)[:6]))
	}
	warn := sha256.Sum256([]byte(strings.Join(p.Warnings, "\n")))
	refs := sha256.Sum256([]byte(strings.Join(p.References, " ")))
	return fmt.Sprintf("%s %s %s syn=%t kind=%s irt=%s refs=%d:%s from=%q sender=%q author=%q date=%s subj=%q rcpt=%s bot=%s pull=%t %q diff=%t patch=%s files=%d trailers=%d change=%s base=%s text=%s warn=%d:%s err=%q\n",
		tag, p.Position, p.MessageID, p.SyntheticID, p.Kind, p.InReplyTo,
		len(p.References), hex.EncodeToString(refs[:6]),
		p.From.String(), p.Sender.String(), p.Author.String(), p.Date.UTC().Format(time.RFC3339),
		p.Subject, recipients(p.ReplyTo, p.To, p.Cc), p.Bot, p.Pull, p.PullURL, p.HasDiff, p.PatchID,
		len(p.Files), len(p.Trailers), p.ChangeID, p.BaseCommit, text,
		len(p.Warnings), hex.EncodeToString(warn[:6]), p.Error)
}

// summaryReport is the part of the review JSON the summary compares.
type summaryReport struct {
	Series []summarySeries `json:"series"`
	// Unparsed keeps the report's order (arrival).
	Unparsed []struct {
		Source    string `json:"source"`
		MessageID string `json:"message_id"`
		Subject   string `json:"subject"`
		Error     string `json:"error"`
	} `json:"unparsed"`
}

type summaryFinding struct {
	Rule  string `json:"rule"`
	Patch int    `json:"patch"`
	File  string `json:"file"`
	Line  int    `json:"line"`
	Side  string `json:"side"`
}

type summarySeries struct {
	ID           string           `json:"id"`
	Title        string           `json:"title"`
	Version      int              `json:"version"`
	Total        int              `json:"total"`
	RFC          bool             `json:"rfc"`
	Resend       bool             `json:"resend"`
	Pull         bool             `json:"pull"`
	PullURL      string           `json:"pull_url"`
	Author       mail.Address     `json:"author"`
	Date         string           `json:"date"`
	Cover        *string          `json:"cover_message_id"`
	Complete     bool             `json:"complete"`
	Missing      []int            `json:"missing"`
	Extra        []int            `json:"extra"`
	Duplicates   []int            `json:"duplicates"`
	Supersedes   []string         `json:"supersedes"`
	SupersededBy *string          `json:"superseded_by"`
	ChangeID     string           `json:"change_id"`
	Replies      int              `json:"replies"`
	Findings     []summaryFinding `json:"findings"`
	Patches      []struct {
		Number    int          `json:"number"`
		MessageID string       `json:"message_id"`
		Subject   string       `json:"subject"`
		Author    mail.Address `json:"author"`
		Date      string       `json:"date"`
		Carried   bool         `json:"carried"`
		PatchID   string       `json:"patch_id"`
		DiffError string       `json:"diff_error"`
		Files     []struct {
			Path    string `json:"path"`
			OldPath string `json:"old_path"`
			Class   string `json:"class"`
			Added   int    `json:"added"`
			Deleted int    `json:"deleted"`
			New     bool   `json:"new"`
			Delete  bool   `json:"deleted_file"`
			Rename  bool   `json:"rename"`
			Copy    bool   `json:"copy"`
			Binary  bool   `json:"binary"`
		} `json:"files"`
		Trailers []struct {
			Name     string `json:"name"`
			Value    string `json:"value"`
			Extinfo  string `json:"extinfo"`
			By       string `json:"by_message_id"`
			Verified bool   `json:"verified"`
			Source   string `json:"source"`
		} `json:"trailers"`
		Findings []summaryFinding `json:"findings"`
	} `json:"patches"`
}

func (s *summarySeries) write(b *strings.Builder) {
	str := func(p *string) string {
		if p == nil {
			return "-"
		}
		return *p
	}
	fmt.Fprintf(b, "S %s v%d/%d %q rfc=%t resend=%t pull=%t %q author=%q date=%s cover=%s complete=%t missing=%v extra=%v dup=%v supersedes=%v by=%s change=%s replies=%d\n",
		s.ID, s.Version, s.Total, s.Title, s.RFC, s.Resend, s.Pull, s.PullURL, s.Author.String(), s.Date,
		str(s.Cover), s.Complete, s.Missing, s.Extra, s.Duplicates, s.Supersedes, str(s.SupersededBy), s.ChangeID, s.Replies)
	writeFindings(b, " ", s.Findings)
	for _, p := range s.Patches {
		fmt.Fprintf(b, " P %d %s %q author=%q date=%s carried=%t patch=%s differr=%q\n",
			p.Number, p.MessageID, p.Subject, p.Author.String(), p.Date, p.Carried, p.PatchID, p.DiffError)
		for _, f := range p.Files {
			fmt.Fprintf(b, "  F %s old=%s %s +%d -%d new=%t del=%t ren=%t copy=%t bin=%t\n",
				f.Path, f.OldPath, f.Class, f.Added, f.Deleted, f.New, f.Delete, f.Rename, f.Copy, f.Binary)
		}
		for _, tr := range p.Trailers {
			fmt.Fprintf(b, "  T %s: %q %q by=%s verified=%t %s\n", tr.Name, tr.Value, tr.Extinfo, tr.By, tr.Verified, tr.Source)
		}
		writeFindings(b, "  ", p.Findings)
	}
}

// writeFindings writes the set of findings (rule, patch, file, line),
// sorted: their order and wording are the checkers' business.
func writeFindings(b *strings.Builder, indent string, fs []summaryFinding) {
	lines := make([]string, 0, len(fs))
	for _, f := range fs {
		lines = append(lines, fmt.Sprintf("%sX %s %d %s:%d%s\n", indent, f.Rule, f.Patch, f.File, f.Line, f.Side))
	}
	sort.Strings(lines)
	for _, l := range lines {
		b.WriteString(l)
	}
}

func writeGzip(tb testing.TB, path, s string) {
	tb.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func readGzip(tb testing.TB, path string) string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("%v (run with -update-archive to create it)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// diffLines reports up to max lines only in want or only in got (as sets,
// so that one inserted line does not shift the whole report).
func diffLines(tb testing.TB, want, got []string, max int) {
	tb.Helper()
	count := func(l []string) map[string]int {
		m := map[string]int{}
		for _, s := range l {
			m[s]++
		}
		return m
	}
	wm, gm := count(want), count(got)
	n := 0
	for _, side := range []struct {
		sign       string
		lines      []string
		this, that map[string]int
	}{{"-", want, wm, gm}, {"+", got, gm, wm}} {
		for _, l := range side.lines {
			if side.this[l] > side.that[l] {
				side.this[l]--
				if n < max {
					tb.Logf("%s%s", side.sign, l)
				}
				n++
			}
		}
	}
	if n > max {
		tb.Logf("… and %d more differing lines", n-max)
	}
}
