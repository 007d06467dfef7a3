package templates

import (
	"regexp"
	"strings"
	"time"
)

// ReplyData feeds the reply template: a review draft answering one patch
// or cover letter, with its findings' hunks quoted.
type ReplyData struct {
	Subject  string    // of the message answered
	FromName string    // its author
	Date     time.Time // its date
	Quote    string    // its text, for replies without findings
	Items    []ReplyItem
	MyName   string
}

// ReplyItem is one flagged place: the quoted hunk lines and the question
// for the author.
type ReplyItem struct {
	File     string
	Line     int
	Rule     string   // the first finding's rule
	Rules    []string // every finding on these lines
	Severity string   // the first (most severe) finding's severity
	Quote    string   // diff lines, unquoted ("+", " ", "-" prefixes)
	Prompt   string   // the questions, one paragraph per rule
}

// ThanksData feeds the thanks template. Its fields mirror b4 ty's
// variables (ANCHORS.md §d), which B4Vars exposes by their b4 names.
type ThanksData struct {
	FromName, FromEmail string
	Subject             string
	MsgID               string
	SentDate            time.Time
	Quote               string // first lines of the cover, quoted, ending "> [...]"
	Summary             string // "[1/N] subject" lines
	Branch, TreeName    string
	MyName, MyEmail     string
	Signature           string
}

// B4Vars are ${name} substitutions of a b4-style template.
type B4Vars map[string]string

// B4Vars returns d under b4 ty's variable names.
func (d *ThanksData) B4Vars() B4Vars {
	tree := d.TreeName
	if tree == "" {
		tree = "local tree"
	}
	return B4Vars{
		"fromname": d.FromName, "fromemail": d.FromEmail, "subject": d.Subject, "msgid": d.MsgID,
		"sentdate": d.SentDate.Format("Mon, 02 Jan 2006 15:04:05 -0700"), "quote": d.Quote,
		"summary": d.Summary, "branch": d.Branch, "treename": tree, "myname": d.MyName,
		"myemail": d.MyEmail, "signature": d.Signature,
	}
}

var b4VarRe = regexp.MustCompile(`\$\{(\w+)\}|\$(\w+)`)

// substituteB4 does what b4's string.Template.safe_substitute does: known
// ${name} and $name are replaced, unknown ones stay as written; lines
// starting with # are dropped.
func substituteB4(tmpl string, vars B4Vars) string {
	var lines []string
	for _, l := range strings.Split(tmpl, "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return b4VarRe.ReplaceAllStringFunc(strings.Join(lines, "\n"), func(m string) string {
		name := strings.Trim(m, "${}")
		if v, ok := vars[name]; ok {
			return v
		}
		return m
	})
}

// DigestData feeds the digest templates: one recipient's series by tier.
type DigestData struct {
	Recipient string
	Date      time.Time
	Count     int
	MustLook  int
	Tiers     []DigestTier
}

// DigestTier is one tier's series.
type DigestTier struct {
	Name   string
	Series []DigestSeries
}

// DigestSeries is one series in a digest.
type DigestSeries struct {
	Title              string
	Version            int
	Link               string
	Score              float64
	Reasons            []string
	NewUnsafe          int
	AbstractionChanges int
	CImpacts           int
	Reviewed           bool
	Why                string // why this recipient gets it
}

// samples are rendered by Load to catch broken templates at start-up.
func samples() map[string]any {
	when := time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)
	digest := &DigestData{Recipient: "Maintainer <m@example.org>", Date: when, Count: 1, MustLook: 1,
		Tiers: []DigestTier{{Name: "must-look", Series: []DigestSeries{{Title: "rust: pwm: sample", Version: 2,
			Link: "https://lore.kernel.org/r/sample@example.org", Score: 12, Reasons: []string{"1 unsafe block without SAFETY comment in drivers/pwm/x.rs"},
			NewUnsafe: 1, Why: "maintainer:PWM SUBSYSTEM"}}}}}
	return map[string]any{
		Reply: &ReplyData{Subject: "[PATCH] rust: pwm: sample", FromName: "Ada Example", Date: when, MyName: "Reviewer",
			Items: []ReplyItem{{File: "drivers/pwm/x.rs", Line: 3, Rule: "safety-comment-missing", Severity: "high",
				Quote: "+    unsafe { f() }", Prompt: "Please add a SAFETY comment."}}},
		Thanks: &ThanksData{FromName: "Ada Example", FromEmail: "ada@example.org", Subject: "[PATCH 0/2] sample",
			SentDate: when, Quote: "> sample", Summary: "[1/2] sample", MyName: "Maintainer", Signature: "Maintainer <m@example.org>"},
		DigestText: digest,
		DigestHTML: digest,
	}
}
