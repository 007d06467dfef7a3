package review_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"ferrule/mail"
	"ferrule/mail/mailtest"
	"ferrule/review"
)

// b4Identity is the user b4's test harness runs as (conftest.py); b4 adds
// its Signed-off-by itself, it is not a trailer anyone gave.
const b4Identity = "Signed-off-by: Test Override <test-override@example.com>"

var trailerish = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*: \S`)

// TestB4FollowupTrailers checks, for every b4 sample with a -ref-defaults
// reference, that the trailers ferrule attributes to each patch of the
// newest revision (verified ones, from replies, the cover, or carried) are
// exactly those b4 appends, in the same order.
func TestB4FollowupTrailers(t *testing.T) {
	dir := mailtest.SharedDir(t, "b4")
	refs, _ := filepath.Glob(filepath.Join(dir, "trailers-followup-*-ref-defaults.txt"))
	if len(refs) == 0 {
		t.Fatal("no -ref-defaults.txt fixtures")
	}
	for _, ref := range refs {
		name := strings.TrimSuffix(filepath.Base(ref), "-ref-defaults.txt")
		t.Run(name, func(t *testing.T) {
			input := filepath.Join(dir, name+".mbox")
			res := ingest(t, input)
			expected := refTrailers(t, ref, messageTexts(t, input))
			added := 0
			for _, want := range expected {
				added += len(want)
			}
			if added == 0 {
				t.Fatal("reference adds no trailers: the comparison would be empty")
			}
			for msgid, want := range expected {
				part := currentPart(res, msgid)
				if part == nil {
					t.Errorf("<%s>: not a part of a current series", msgid)
					continue
				}
				var got []string
				for _, tr := range part.Trailers {
					if tr.Source != "patch" && tr.Verified {
						got = append(got, tr.String())
					}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("<%s> trailers =\n\t%q\nwant (b4)\n\t%q", msgid, got, want)
				}
			}
		})
	}
}

func readAll(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// messageTexts decodes every message of an mbox, by Message-ID.
func messageTexts(t *testing.T, path string) map[string]string {
	t.Helper()
	src, err := mail.Open([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	out := map[string]string{}
	for {
		raw, err := src.Next(context.Background())
		if err != nil {
			return out
		}
		m, err := mail.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		out[m.MessageID] = m.Text
	}
}

// refTrailers reads a b4 reference mbox and returns, per Message-Id, the
// trailer lines b4 added: those of the commit message that the patch as
// sent did not hold, less b4's own sign-off.
func refTrailers(t *testing.T, ref string, sent map[string]string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for id, text := range messageTexts(t, ref) {
		input := sent[id]
		var added []string
		for _, line := range strings.Split(text, "\n") {
			if line == "---" || strings.HasPrefix(line, "diff ") || strings.HasPrefix(line, "--- ") {
				break
			}
			if trailerish.MatchString(line) && line != b4Identity && !strings.Contains(input, line+"\n") {
				added = append(added, line)
			}
		}
		out[id] = added
	}
	return out
}

func currentPart(res *review.Result, msgid string) *review.Part {
	for _, s := range res.Series {
		if s.Superseded() {
			continue
		}
		for _, p := range s.Parts {
			if p.Post.MessageID == msgid {
				return p
			}
		}
	}
	return nil
}

// TestB4ParseTrailers checks single-message trailer parsing against b4's
// test_parse_trailers expectations.
func TestB4ParseTrailers(t *testing.T) {
	dir := mailtest.SharedDir(t, "b4")
	type tr struct{ name, value, extinfo string }
	check := func(file string, want []tr) {
		t.Helper()
		var got []tr
		for _, x := range review.ParseTrailers(readAll(t, filepath.Join(dir, file))) {
			got = append(got, tr{x.Name, x.Value, x.Extinfo})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ParseTrailers(%s) =\n\t%q\nwant\n\t%q", file, got, want)
		}
	}
	check("trailers-test-simple.txt", []tr{
		{"Reported-by", `"Doe, Jane" <jane@example.com>`, ""},
		{"Reviewed-by", "Bogus Bupkes <bogus@example.com>", ""},
		{"Fixes", "abcdef01234567890", ""},
		{"Link", "https://msgid.link/some@msgid.here", ""},
	})
	check("trailers-test-extinfo.txt", []tr{
		{"Reported-by", "Some, One <somewhere@example.com>", ""},
		{"Reviewed-by", "Bogus Bupkes <bogus@example.com>", "[for the parts that are bogus]"},
		{"Fixes", "abcdef01234567890", ""},
		{"Tested-by", "Some Person <bogus2@example.com>", "           [this person visually indented theirs]"},
		{"Link", "https://msgid.link/some@msgid.here", "  # initial submission"},
		{"Signed-off-by", "Wrapped Persontrailer <broken@example.com>", ""},
	})
}

func TestParseTrailersInline(t *testing.T) {
	check := func(in string, want ...string) {
		t.Helper()
		var got []string
		for _, x := range review.ParseTrailers(in) {
			got = append(got, x.String())
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ParseTrailers(%q) = %q, want %q", in, got, want)
		}
	}
	check(`Fixes: abcdef012345 ("subject")`, `Fixes: abcdef012345 ("subject")`)
	check("Fixes: "+strings.Repeat("ab", 32), "Fixes: "+strings.Repeat("ab", 32))
	check("Fixes: ?")
	check("Fixes: some description with no hash")
	check("Cc: <bare@example.com>", "Cc: bare@example.com")
	check("Cc: bare@example.com", "Cc: bare@example.com")
	check(`Reviewed-by: Jane "JD" Doe <jd@example.com>`, `Reviewed-by: Jane "JD" Doe <jd@example.com>`)
	check("Acked-by: Developer Foo (EXAMPLECORP) <foo@example.com>", "Acked-by: Developer Foo (EXAMPLECORP) <foo@example.com>")
	check("> Reviewed-by: Quoted <q@example.com>")
	check("Thanks!\n-- \nReviewed-by: After Sig <s@example.com>")
	check("Reviewed-by: HTML Junker <html-junker@example.com<mailto:html-junker@example.com>>", "Reviewed-by: HTML Junker <html-junker@example.com>")
	check("Note: this is not a trailer")
}
