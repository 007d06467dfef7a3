package am_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/review"
	"ferrule/review/am"
)

// b4Identity is the user b4's test harness runs as; b4 adds its
// Signed-off-by itself (-s), it is not a trailer anyone gave.
const b4Identity = "Signed-off-by: Test Override <test-override@example.com>"

var trailerish = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*: \S`)

// thread is an ingested mbox with its raw messages kept by Message-ID, as
// the CLI re-reads them for am.
type thread struct {
	res *review.Result
	raw map[string][]byte
}

func (th *thread) rawFunc(id string) ([]byte, error) {
	b, ok := th.raw[id]
	if !ok {
		return nil, errors.New("message not in the input")
	}
	return b, nil
}

func load(t *testing.T, paths ...string) *thread {
	t.Helper()
	th := &thread{raw: map[string][]byte{}}
	src, err := mail.Open(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	for {
		r, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.Parse(r)
		if err != nil {
			continue
		}
		if _, seen := th.raw[m.MessageID]; !seen {
			th.raw[m.MessageID] = r.Bytes
		}
	}
	src.Close()
	src, err = mail.Open(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	th.res, err = review.Ingest(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// writeAm runs am.Write on the newest revision of the series holding id.
func writeAm(t *testing.T, th *thread, id string, opts *am.Options) ([]byte, *am.Result) {
	t.Helper()
	s := th.res.SeriesOf(id).Latest()
	if s == nil {
		t.Fatalf("<%s>: no series", id)
	}
	var buf bytes.Buffer
	r, err := am.Write(&buf, s, th.rawFunc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), r
}

// commitTrailers returns, per Message-Id of an mbox, the trailer lines of
// each commit message (before the "---" or the diff), less b4's own
// sign-off.
func commitTrailers(t *testing.T, mbox []byte) (map[string][]string, []string) {
	t.Helper()
	out := map[string][]string{}
	var order []string
	src := mail.NewMboxReader(bytes.NewReader(mbox), "am", nil)
	for {
		r, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, line := range strings.Split(m.Text, "\n") {
			if line == "---" || strings.HasPrefix(line, "diff ") || strings.HasPrefix(line, "--- ") {
				break
			}
			if trailerish.MatchString(line) && line != b4Identity {
				got = append(got, line)
			}
		}
		out[m.MessageID] = got
		order = append(order, m.MessageID)
	}
	return out, order
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func join(lines []string) string { return fmt.Sprintf("\n\t%s", strings.Join(lines, "\n\t")) }

// subjects returns the decoded Subject of every message of an mbox, by
// Message-Id.
func subjects(t *testing.T, mbox []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	src := mail.NewMboxReader(bytes.NewReader(mbox), "am", nil)
	for {
		r, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		out[m.MessageID] = m.Subject
	}
}
