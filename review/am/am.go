package am

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"ferrule/mail"
	"ferrule/review"
	"ferrule/review/diff"
)

// DefaultLinkPrefix is where b4 --add-link points: the message on lore,
// by Message-ID.
const DefaultLinkPrefix = "https://patch.msgid.link/"

// Options configures [Write]. The zero value writes what b4 am writes by
// default.
type Options struct {
	// AddLink adds "Link: <LinkPrefix><Message-ID>" to every patch that
	// does not hold that line yet (b4 am --add-link).
	AddLink bool
	// LinkPrefix replaces [DefaultLinkPrefix].
	LinkPrefix string
	// Unverified also adds person trailers given in a reply by someone
	// else than the person named (b4 am --sloppy-trailers).
	Unverified bool
}

// RawFunc returns the raw RFC 5322 bytes of the message with the given
// Message-ID (without angle brackets).
type RawFunc func(msgid string) ([]byte, error)

// Patch says what [Write] did to one patch.
type Patch struct {
	Number    int
	MessageID string
	Subject   string // as written: "[PATCH vN n/m] title"
	// Added are the lines added to the commit message, in order.
	Added []string
	// Skipped are unverified trailers left out.
	Skipped []review.Trailer
}

// Result is what [Write] wrote.
type Result struct {
	Patches []Patch
	// Missing are the numbers 1..Total of patches the series lacks; the
	// mbox holds the others. Callers should refuse or warn.
	Missing []int
}

// Summary writes what was done, as b4 am tells it on stderr: each patch's
// subject with the trailers added ("+") and those left out ("!"), and a
// warning when patches are missing.
func (r *Result) Summary(w io.Writer) error {
	var b bytes.Buffer
	for _, p := range r.Patches {
		fmt.Fprintf(&b, "  %s\n", p.Subject)
		for _, l := range p.Added {
			fmt.Fprintf(&b, "    + %s\n", l)
		}
		for _, t := range p.Skipped {
			fmt.Fprintf(&b, "    ! %s: %s (not from the reply's sender; --unverified adds it)\n", t.Name, t.Value)
		}
	}
	if len(r.Missing) > 0 {
		fmt.Fprintf(&b, "WARNING: the series lacks patch(es) %v\n", r.Missing)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ErrNoPatches is returned for a series with no patch to write.
var ErrNoPatches = errors.New("series has no patches")

// Write writes the patches of s, in number order, as an mboxrd to w, each
// with its collected trailers added. It fails before writing anything when
// a patch's raw message cannot be had or decoded.
func Write(w io.Writer, s *review.Series, raw RawFunc, opts *Options) (*Result, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.LinkPrefix == "" {
		o.LinkPrefix = DefaultLinkPrefix
	}
	if s == nil || len(s.Parts) == 0 {
		return nil, ErrNoPatches
	}
	res := &Result{Missing: append([]int(nil), s.Missing...)}
	var out bytes.Buffer
	for _, part := range s.Parts {
		p := part.Post
		if p.Pull {
			return nil, fmt.Errorf("patch %d <%s> is a pull request, not a patch", part.Number, p.MessageID)
		}
		b, err := raw(p.MessageID)
		if err != nil {
			return nil, fmt.Errorf("patch %d <%s>: %w", part.Number, p.MessageID, err)
		}
		m, err := mail.Parse(&mail.Raw{Position: "<" + p.MessageID + ">", Bytes: b})
		if err != nil {
			return nil, fmt.Errorf("patch %d: %w", part.Number, err)
		}
		text := dropInBodyFrom(strings.ReplaceAll(m.Text, "\r\n", "\n"))
		if diff.Find(text) < 0 {
			return nil, fmt.Errorf("patch %d <%s>: the message holds no diff", part.Number, p.MessageID)
		}
		pr := Patch{Number: part.Number, MessageID: p.MessageID, Subject: amSubject(s, part)}
		pr.Added, pr.Skipped = AddedLines(part, text, &o)
		writeMessage(&out, p, pr.Subject, InsertTrailers(text, pr.Added))
		res.Patches = append(res.Patches, pr)
	}
	if _, err := w.Write(out.Bytes()); err != nil {
		return nil, fmt.Errorf("write mbox: %w", err)
	}
	return res, nil
}

// AddedLines returns the trailer lines part gets from others (replies to
// it and to the cover, carried ones) and the Link when asked, less those
// the commit message part of text already holds, and the unverified
// trailers left out. text is the patch mail body or, to update a commit
// already applied (b4 trailers --update), its message.
func AddedLines(part *review.Part, text string, opts *Options) (added []string, skipped []review.Trailer) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.LinkPrefix == "" {
		o.LinkPrefix = DefaultLinkPrefix
	}
	for _, t := range part.Trailers {
		if t.Source == "patch" {
			continue
		}
		if !t.Verified && !o.Unverified {
			skipped = append(skipped, t)
			continue
		}
		if hasLine(text, t.String()) {
			continue
		}
		added = append(added, trailerLine(t))
	}
	if o.AddLink {
		link := "Link: " + o.LinkPrefix + part.Post.MessageID
		if !hasLine(text, link) {
			added = append(added, link)
		}
	}
	return added, skipped
}

// dropInBodyFrom removes an in-body "From:" line (and the blank line
// ending the in-body header when it held only that): the author it names
// becomes the mail's From, as b4 am does.
func dropInBodyFrom(text string) string {
	rest := strings.TrimLeft(text, "\n")
	if !strings.HasPrefix(rest, "From:") {
		return text
	}
	i := strings.IndexByte(rest, '\n')
	if i < 0 {
		return ""
	}
	return strings.TrimPrefix(rest[i+1:], "\n")
}

// trailerLine formats t with its extinfo: an inline "# comment" stays on
// the line, a "[…]" note goes on the next.
func trailerLine(t review.Trailer) string {
	switch {
	case t.Extinfo == "":
		return t.String()
	case strings.HasPrefix(strings.TrimLeft(t.Extinfo, " \t"), "#"):
		return t.String() + t.Extinfo
	default:
		return t.String() + "\n" + t.Extinfo
	}
}

// mboxFrom is the separator b4 and git format-patch write: a fixed date,
// so the output depends on the series only.
const mboxFrom = "From git@z Thu Jan  1 00:00:00 1970\n"

var fromLineRe = regexp.MustCompile(`(?m)^(>*From )`)

// writeMessage writes one mboxrd entry: the patch author as From, the
// original Date, Subject and Message-Id, the text as UTF-8.
func writeMessage(out *bytes.Buffer, p *review.Post, subject, body string) {
	out.WriteString(mboxFrom)
	out.WriteString("From: " + formatAddress(p.Author) + "\n")
	if !p.Date.IsZero() {
		out.WriteString("Date: " + p.Date.Format(time.RFC1123Z) + "\n")
	}
	out.WriteString("Subject: " + encodeSubject(subject) + "\n")
	out.WriteString("Message-Id: <" + p.MessageID + ">\n")
	out.WriteString("MIME-Version: 1.0\n")
	out.WriteString("Content-Type: text/plain; charset=\"utf-8\"\n")
	out.WriteString("Content-Transfer-Encoding: 8bit\n\n")
	body = fromLineRe.ReplaceAllString(body, ">$1")
	out.WriteString(body)
	if !strings.HasSuffix(body, "\n") {
		out.WriteByte('\n')
	}
	out.WriteByte('\n')
}

// formatAddress writes "Name <email>" as b4 and git do, quoting or
// encoding the name only when it needs it.
func formatAddress(a mail.Address) string {
	if a.Name == "" || !plainName.MatchString(a.Name) {
		return (&netmail.Address{Name: a.Name, Address: a.Email}).String()
	}
	return a.Name + " <" + a.Email + ">"
}

// plainName is a display name of atoms (RFC 5322 atext and spaces) that
// needs no quoting.
var plainName = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+( [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")

// amSubject is b4's clean subject: "[PATCH RFC vN n/total] title", the
// series' version also on a patch carried from the previous revision.
func amSubject(s *review.Series, part *review.Part) string {
	p := part.Post
	if p.Tags.Title == "" {
		return p.Subject
	}
	tags := []string{"PATCH"}
	if s.RFC || p.Tags.RFC {
		tags = append(tags, "RFC")
	}
	if s.VersionExplicit {
		v := "v" + strconv.Itoa(s.Version)
		if s.Point > 0 {
			v += "." + strconv.Itoa(s.Point)
		}
		tags = append(tags, v)
	}
	if p.Tags.Counter {
		tags = append(tags, fmt.Sprintf("%d/%d", part.Number, max(s.Total, part.Number)))
	}
	return "[" + strings.Join(tags, " ") + "] " + p.Tags.Title
}

// encodeSubject RFC 2047-encodes a subject that is not plain ASCII,
// folding between encoded words.
func encodeSubject(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	enc := mime.QEncoding.Encode("utf-8", s)
	if enc == s {
		return s
	}
	return strings.ReplaceAll(enc, "?= =?utf-8?q?", "?=\n =?utf-8?q?")
}
