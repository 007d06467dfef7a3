package review

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ferrule/mail"
	"ferrule/review/diff"
)

// Kind is what a message is to a reviewer.
type Kind string

// Message kinds (PRODUCT.md "Series model").
const (
	KindPatch    Kind = "patch"    // carries a diff, or is a git pull request
	KindCover    Kind = "cover"    // introduces a series (0/N, or a naked same-author thread root)
	KindReply    Kind = "reply"    // comments on something (Re:, or any other message in a thread)
	KindOther    Kind = "other"    // none of the above
	KindUnparsed Kind = "unparsed" // could not be decoded, or its diff was rejected
)

// Post is everything review needs from one message, extracted once so the
// message body can be dropped. Posts are built by [Inspect] and are not
// modified after assembly starts except by the assembler.
type Post struct {
	Seq         int // arrival order in the input
	Position    string
	MessageID   string
	SyntheticID bool
	InReplyTo   string   // the first In-Reply-To
	References  []string // References plus In-Reply-To, oldest first, deduplicated

	Subject string
	Tags    Subject
	From    mail.Address // header sender
	Sender  mail.Address // From with relay and DMARC munging undone
	Author  mail.Address // patch author: in-body From, else Sender
	// ReplyTo, To and Cc are the recipients a reply goes to.
	ReplyTo, To, Cc []mail.Address
	Date            time.Time

	Kind     Kind
	Pull     bool   // a git pull request
	HasDiff  bool   // (booleans together: a post is smaller)
	Diffstat bool   // the body has a "N files changed" diffstat
	PullURL  string // where to pull from
	Bot      string // set for robots (kernel test robot, patchwork-bot, …)
	// Shortlog is what a pull request says it holds: its shortlog's
	// commits (nil for other posts), which make those patches applied.
	Shortlog []ShortlogEntry

	Files   []diff.File // without hunks unless InspectOptions.KeepHunks
	PatchID string
	DiffErr string // go-gitdiff's complaint, for unparsed patches
	// Removed and Added are hashes of changed lines (white space
	// stripped, at most fingerprintLines each), compared when linking
	// revisions whose subjects differ.
	Removed, Added []uint64

	// Trailers are the trailers written in this message: a patch's own
	// (before its "---"), or those a reply gives.
	Trailers   []Trailer
	ChangeID   string // b4 "change-id:" line
	BaseCommit string // "base-commit:" line

	// Findings are what the checkers found in this patch.
	Findings []Finding
	// Signals are what a reply says about the patches' fate (applied,
	// changes requested, …), read before the body is dropped.
	Signals []Signal

	Warnings []string
	Error    string // why the message is unparsed
}

// InspectOptions configures [Inspect].
type InspectOptions struct {
	// KeepHunks keeps the hunks of each file (for Rust analysis and
	// interdiffs). Without it only per-file counts are kept, which keeps
	// list-wide runs small; [RestoreHunks] reads the hunks back for the
	// posts of one series.
	KeepHunks bool
}

var (
	baseCommitRe = regexp.MustCompile(`^[0-9a-fA-F]{7,64}$`)
	diffstatRe   = regexp.MustCompile(`^\s*\d+ files? changed(, \d+ insertions?\(\+\))?(, \d+ deletions?\(-\))?`)
	pullRe       = regexp.MustCompile(`(?ims)^The following changes since commit.*^are available in the git repository at:\s*\n^\s*([\w+-]+(?:://|@)[\w/.@:~-]+[\s\\]*[\w/._-]*)\s*$`)
	spaceRunRe   = regexp.MustCompile(`\s+`)
)

// Inspect extracts a Post from a decoded message.
func Inspect(m *mail.Message, opts *InspectOptions) *Post {
	p := new(Post)
	inspectInto(p, m, opts)
	return p
}

// inspectInto is Inspect filling a post the caller allocated.
func inspectInto(p *Post, m *mail.Message, opts *InspectOptions) {
	var o InspectOptions
	if opts != nil {
		o = *opts
	}
	*p = Post{
		Position:    m.Position,
		MessageID:   m.MessageID,
		SyntheticID: m.SyntheticID,
		Subject:     m.Subject,
		Tags:        ParseSubject(m.Subject),
		From:        m.From,
		ReplyTo:     m.ReplyTo,
		To:          m.To,
		Cc:          m.Cc,
		Date:        m.Date,
		Warnings:    m.Warnings,
	}
	if len(m.InReplyTo) > 0 {
		p.InReplyTo = m.InReplyTo[0]
	}
	p.References = mergeRefs(m.References, m.InReplyTo, m.MessageID)
	body := m.Text
	p.Sender = resolveSender(m)
	p.Author = p.Sender
	if a, ok := inBodyFrom(body); ok && a.Email != "" {
		p.Author = mail.Address{Name: strings.Clone(a.Name), Email: strings.Clone(a.Email)}
	}
	p.Bot = detectBot(m, body)

	start := diff.Find(body)
	p.HasDiff = start >= 0
	if strings.Contains(body, "repository at:") {
		if mm := pullRe.FindStringSubmatch(body); mm != nil {
			p.Pull = true
			p.PullURL = strings.Clone(strings.TrimSpace(spaceRunRe.ReplaceAllString(mm[1], " ")))
		}
	}
	if p.Tags.Pull && !p.Tags.Reply {
		p.Pull = true
	}
	if p.Pull && !p.Tags.Reply {
		p.Shortlog = parseShortlog(body)
	}
	comment := body
	if start >= 0 {
		comment = body[:start]
	}
	p.Diffstat = hasDiffstat(comment)
	p.ChangeID = lineValue(body, "change-id:")
	if v := lineValue(body, "base-commit:"); baseCommitRe.MatchString(v) {
		p.BaseCommit = v
	}

	switch {
	case p.Tags.Reply:
		p.Kind = KindReply
	case p.HasDiff || p.Pull:
		p.Kind = KindPatch
	case p.Tags.Counter && p.Tags.Number == 0:
		p.Kind = KindCover
	case len(p.References) > 0:
		p.Kind = KindReply
	default:
		p.Kind = KindOther
	}

	switch p.Kind {
	case KindPatch:
		msg := comment
		if i := strings.Index(msg, "\n---\n"); i >= 0 {
			msg = msg[:i+1]
		}
		p.Trailers = stamp(ParseTrailers(msg), p, "patch", true)
		if p.HasDiff {
			parsed, err := diff.Parse(body[start:])
			if err != nil {
				p.DiffErr = err.Error()
				p.Error = err.Error()
			} else {
				p.PatchID = parsed.ID
				p.Files = parsed.Files
				if parsed.Repaired > 0 {
					p.Warnings = append(p.Warnings, fmt.Sprintf("diff: restored the leading space of %d context line(s) lost in transit", parsed.Repaired))
				}
				p.Removed, p.Added = fingerprint(parsed.Files)
				if !o.KeepHunks {
					for i := range p.Files {
						p.Files[i].DropHunks()
					}
				}
			}
		}
	case KindReply, KindOther:
		if p.Bot == "" {
			p.Trailers = stamp(ParseTrailers(comment), p, "reply", false)
		}
		p.Signals = ScanSignals(comment, p.Bot)
	}
}

// stamp records who gave the trailers and checks person trailers against
// the sender.
func stamp(ts []Trailer, p *Post, source string, own bool) []Trailer {
	for i := range ts {
		ts[i].ByMessageID = p.MessageID
		ts[i].Source = source
		ts[i].Verified = own || ts[i].Person == nil ||
			strings.EqualFold(ts[i].Person.Email, p.From.Email) ||
			strings.EqualFold(ts[i].Person.Email, p.Author.Email)
	}
	return ts
}

func mergeRefs(refs, inReplyTo []string, self string) []string {
	out := make([]string, 0, len(refs)+len(inReplyTo))
	seen := map[string]bool{self: true}
	for _, list := range [][]string{refs, inReplyTo} {
		for _, r := range list {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// relayIndex is where " via …" starts in a relayed sender's name ("Name
// via List", "Name via B4 Relay", "Name via"), or -1.
func relayIndex(name string) int {
	i := strings.LastIndex(name, " via ")
	if i < 0 && strings.HasSuffix(name, " via") {
		i = len(name) - len(" via")
	}
	return i
}

// resolveSender returns who sent m: a relay or DMARC-munged sender
// ("Name via List", "Name via B4 Relay") is replaced by X-Original-From or
// a Reply-To (or Cc) with the same name.
func resolveSender(m *mail.Message) mail.Address {
	from := m.From
	name := from.Name
	i := relayIndex(name)
	if i < 0 {
		return from
	}
	stripped := strings.Trim(strings.TrimSpace(name[:i]), "'\"")
	if m.OriginalFrom.Email != "" {
		a := m.OriginalFrom
		if a.Name == "" {
			a.Name = stripped
		}
		return a
	}
	for _, r := range append(append([]mail.Address{}, m.ReplyTo...), m.Cc...) {
		if r.Name == stripped || len(m.ReplyTo) == 1 {
			return mail.Address{Name: stripped, Email: r.Email}
		}
	}
	return from
}

func inBodyFrom(body string) (mail.Address, bool) {
	for n := 0; n < 4 && body != ""; n++ {
		line := body
		if i := strings.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = ""
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "From:") {
			return mail.ParseAddress(strings.TrimPrefix(line, "From:"))
		}
		return mail.Address{}, false
	}
	return mail.Address{}, false
}

// bots maps sender addresses (lower case) of known robots to a label.
var bots = map[string]string{
	"lkp@intel.com":                      "kernel-test-robot",
	"patchwork-bot+netdevbpf@kernel.org": "patchwork-bot",
	"syzbot@syzkaller.appspotmail.com":   "syzbot",
	"pr-tracker-bot@kernel.org":          "pr-tracker-bot",
}

func detectBot(m *mail.Message, body string) string {
	email := strings.ToLower(m.From.Email)
	if b, ok := bots[email]; ok {
		return b
	}
	switch {
	case strings.HasPrefix(email, "patchwork-bot"):
		return "patchwork-bot"
	case strings.HasPrefix(email, "syzbot"):
		return "syzbot"
	case strings.EqualFold(m.From.Name, "kernel test robot"),
		strings.Contains(m.Subject, "[auto build test"),
		strings.Contains(body, "kernel test robot noticed"):
		return "kernel-test-robot"
	}
	return ""
}

const fingerprintLines = 96

// fingerprint hashes the added and removed lines of files, white space
// stripped, skipping blank ones.
func fingerprint(files []diff.File) (removed, added []uint64) {
	// Gathered on the stack, kept at their size: every patch keeps
	// them until its revisions are linked.
	var rbuf, abuf [fingerprintLines]uint64
	rem, add := rbuf[:0], abuf[:0]
	for _, f := range files {
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Op == diff.Context {
					continue
				}
				sum, n := lineHash(l.Text)
				if n < 3 {
					continue
				}
				if l.Op == diff.Delete && len(rem) < fingerprintLines {
					rem = append(rem, sum)
				} else if l.Op == diff.Add && len(add) < fingerprintLines {
					add = append(add, sum)
				}
			}
		}
	}
	return exact(rem), exact(add)
}

// exact is a copy of v in an array of its length, or nil when v is empty.
func exact(v []uint64) []uint64 {
	if len(v) == 0 {
		return nil
	}
	return append(make([]uint64, 0, len(v)), v...)
}

// lineHash is the FNV-1a hash of s without its white space
// (strings.Join(strings.Fields(s), "")) and that text's length, computed
// without building it.
func lineHash(s string) (sum uint64, n int) {
	const offset64, prime64 = 14695981039346656037, 1099511628211
	sum = offset64
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		if c >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				i += size
				continue
			}
		} else if c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' {
			i++
			continue
		}
		for _, b := range []byte(s[i : i+size]) {
			sum ^= uint64(b)
			sum *= prime64
		}
		n += size
		i += size
	}
	return sum, n
}

// lineValue returns the first word after prefix on the first line that
// starts with prefix, or "". It is a fast (?m)^prefix\s*(\S+).
func lineValue(text, prefix string) string {
	for off := 0; off < len(text); {
		i := strings.Index(text[off:], prefix)
		if i < 0 {
			return ""
		}
		i += off
		off = i + len(prefix)
		if i > 0 && text[i-1] != '\n' {
			continue
		}
		rest := text[off:]
		if j := strings.IndexByte(rest, '\n'); j >= 0 {
			rest = rest[:j]
		}
		if f := strings.Fields(rest); len(f) > 0 {
			return strings.Clone(f[0])
		}
	}
	return ""
}

// hasDiffstat reports whether text has a git diffstat summary line
// ("N files changed, …").
func hasDiffstat(text string) bool {
	for off := 0; off < len(text); {
		i := strings.Index(text[off:], " changed")
		if i < 0 {
			return false
		}
		i += off
		off = i + len(" changed")
		start := strings.LastIndexByte(text[:i], '\n') + 1
		end := strings.IndexByte(text[i:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += i
		}
		if diffstatRe.MatchString(text[start:end]) {
			return true
		}
	}
	return false
}
