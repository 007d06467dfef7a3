package am_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
	"ferrule/review/am"
)

func TestWriteReportsAndErrors(t *testing.T) {
	dir := mailtest.SharedDir(t, "b4")
	th := load(t, filepath.Join(dir, "trailers-followup-single.mbox"))
	s := th.res.Series[0].Latest()

	var buf bytes.Buffer
	res, err := am.Write(&buf, s, th.rawFunc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patches) != 1 || len(res.Patches[0].Skipped) == 0 {
		t.Fatalf("want one patch with the mismatched reviewer skipped, got %+v", res.Patches)
	}
	for _, tr := range res.Patches[0].Skipped {
		if tr.Verified || strings.Contains(buf.String(), tr.String()) {
			t.Errorf("skipped %q is verified or written", tr.String())
		}
	}
	if !strings.HasPrefix(buf.String(), "From git@z Thu Jan  1 00:00:00 1970\nFrom: ") {
		t.Errorf("mbox starts %q", buf.String()[:min(60, buf.Len())])
	}

	buf.Reset()
	failing := func(string) ([]byte, error) { return nil, errors.New("gone") }
	if _, err := am.Write(&buf, s, failing, nil); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("raw message missing: err = %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written before the error", buf.Len())
	}
	if _, err := am.Write(&buf, &review.Series{}, th.rawFunc, nil); !errors.Is(err, am.ErrNoPatches) {
		t.Errorf("empty series: err = %v", err)
	}
	for _, raw := range []string{"\x00\x01 not a message", "Subject: x\n\nno diff here\n"} {
		f := func(string) ([]byte, error) { return []byte(raw), nil }
		if _, err := am.Write(&buf, s, f, nil); err == nil {
			t.Errorf("raw bytes %q: no error", raw)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written on errors", buf.Len())
	}
}

// TestCollect is the CLI's path: review the input, then read it again for
// the raw bytes of the chosen series' patches only.
func TestCollect(t *testing.T) {
	dir := mailtest.SharedDir(t, "b4")
	path := filepath.Join(dir, "trailers-thread-with-cover-followup.mbox")
	th := load(t, path)
	s := th.res.Series[0].Latest()
	ids := am.MessageIDs(s)
	if len(ids) != 4 {
		t.Fatalf("MessageIDs = %q", ids)
	}
	src, err := mail.Open([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	raw, err := am.Collect(context.Background(), src, ids)
	if err != nil {
		t.Fatal(err)
	}
	var viaCollect, viaMap bytes.Buffer
	if _, err := am.Write(&viaCollect, s, raw, &am.Options{AddLink: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := am.Write(&viaMap, s, th.rawFunc, &am.Options{AddLink: true}); err != nil {
		t.Fatal(err)
	}
	if viaCollect.String() != viaMap.String() {
		t.Error("Collect gives other bytes than the first read")
	}
	if _, err := raw(th.res.Series[0].Cover.MessageID); err == nil {
		t.Error("Collect kept a message it was not asked for")
	}
}

func TestAuthorHeader(t *testing.T) {
	dir := mailtest.SharedDir(t, "b4")
	th := load(t, filepath.Join(dir, "shazam-git1-just-series.mbox"))
	out, res := writeAm(t, th, "20221025-test1-v1-1-e4f28f57990c@linuxfoundation.org", nil)
	if !bytes.Contains(out, []byte("\nFrom: Konstantin Ryabitsev <konstantin@linuxfoundation.org>\n")) {
		t.Errorf("author header not written plainly:\n%s", out[:min(300, len(out))])
	}
	if res.Patches[0].Subject != "[PATCH 1/4] Remove line 2 from file2" {
		t.Errorf("subject %q", res.Patches[0].Subject)
	}
}
