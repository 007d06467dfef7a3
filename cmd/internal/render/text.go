package render

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"ferrule/review"
	"ferrule/review/diff"
)

// summaryLine is the counts line shared by text and markdown output: the
// messages, then the series by state (the queue first).
func summaryLine(r *review.Report) string {
	c := r.Messages
	line := fmt.Sprintf("%d messages: %d patches, %d covers, %d replies, %d other, %d unparsed",
		c.Total, c.Patches, c.Covers, c.Replies, c.Other, c.Unparsed)
	if c.Duplicates > 0 {
		line += fmt.Sprintf(", %d duplicates", c.Duplicates)
	}
	byState := map[review.State]int{}
	tiers := map[review.Tier]int{}
	queue := 0
	for _, s := range r.Series {
		st := s.CurrentState()
		byState[st]++
		if st.Open() {
			queue++
			tiers[s.Tier]++
		}
	}
	line += fmt.Sprintf("\n%s: %d in the queue (%d must-look, %d should-look, %d fyi)", plural(len(r.Series), "series", "series"),
		queue, tiers[review.MustLook], tiers[review.ShouldLook], tiers[review.FYI])
	var closed []string
	for _, st := range []review.State{review.StateApplied, review.StateRejected, review.StateStale, review.StateSuperseded} {
		if n := byState[st]; n > 0 {
			closed = append(closed, fmt.Sprintf("%d %s", n, st))
		}
	}
	if len(closed) > 0 {
		line += "; " + strings.Join(closed, ", ")
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// stateLine is the state with its reason.
func stateLine(s review.SeriesReport) string {
	line := string(s.CurrentState())
	if s.StateReason != "" {
		line += ": " + s.StateReason
	}
	return line
}

func versionTag(s review.SeriesReport) string {
	tag := fmt.Sprintf("v%d", s.Version)
	if s.RFC {
		tag = "RFC " + tag
	}
	if s.Pull {
		tag = "PULL"
	}
	return tag
}

func partsLine(s review.SeriesReport) string {
	line := fmt.Sprintf("%d of %d", len(s.Patches)-len(s.Extra), s.Total)
	if s.Complete {
		line += ", complete"
	}
	if len(s.Missing) > 0 {
		line += ", missing " + joinInts(s.Missing)
	}
	if len(s.Extra) > 0 {
		line += ", extra " + joinInts(s.Extra)
	}
	if len(s.Duplicates) > 0 {
		line += ", sent again " + joinInts(s.Duplicates)
	}
	return line
}

func statusLine(s review.SeriesReport, byID map[string]review.SeriesReport) string {
	var parts []string
	if s.SupersededBy != nil {
		parts = append(parts, "superseded by "+revisionName(*s.SupersededBy, byID))
	} else {
		parts = append(parts, "current")
	}
	if len(s.Supersedes) > 0 {
		parts = append(parts, "supersedes "+revisionName(s.Supersedes[0], byID))
	}
	if s.Reviewed {
		parts = append(parts, "reviewed")
	} else {
		parts = append(parts, "no review trailers yet")
	}
	return strings.Join(parts, ", ")
}

func revisionName(id string, byID map[string]review.SeriesReport) string {
	if s, ok := byID[id]; ok {
		return fmt.Sprintf("v%d <%s>", s.Version, id)
	}
	return "<" + id + ">"
}

// given returns the trailers a patch received (not those it was written
// with).
func given(p review.PatchReport) []review.Trailer {
	var out []review.Trailer
	for _, t := range p.Trailers {
		if t.Source != "patch" {
			out = append(out, t)
		}
	}
	return out
}

func trailerText(t review.Trailer) string {
	s := t.Name + ": " + t.Value
	var notes []string
	if t.Source != "reply" {
		notes = append(notes, t.Source)
	}
	if !t.Verified {
		notes = append(notes, "unverified: sender differs")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

type classTotal struct {
	class          diff.Class
	files          []string
	added, deleted int
}

// filesByClass groups a series' files by path class, in a fixed class
// order.
func filesByClass(s review.SeriesReport) []classTotal {
	order := []diff.Class{diff.Abstraction, diff.BindingsGlue, diff.Helper, diff.RustInfra, diff.LeafRust, diff.CHeader, diff.CSource, diff.Other}
	byClass := map[diff.Class]*classTotal{}
	seen := map[string]bool{}
	for _, p := range s.Patches {
		for _, f := range p.Files {
			ct := byClass[f.Class]
			if ct == nil {
				ct = &classTotal{class: f.Class}
				byClass[f.Class] = ct
			}
			if !seen[f.Path] {
				seen[f.Path] = true
				ct.files = append(ct.files, f.Path)
			}
			ct.added += f.Added
			ct.deleted += f.Deleted
		}
	}
	var out []classTotal
	for _, c := range order {
		if ct := byClass[c]; ct != nil {
			sort.Strings(ct.files)
			out = append(out, *ct)
		}
	}
	return out
}

// Style is how text output may look: the command sets Color only on a
// terminal without NO_COLOR, and Width to the terminal's (titles are cut
// to it; 0: no limit).
type Style struct {
	Color bool
	Width int
	// All lists every series; otherwise a big report (more than
	// QueueOnlyAbove series) lists the queue's must-look and should-look
	// series and counts the rest.
	All bool
	// Verbose prints every reason; otherwise MaxReasons per series.
	Verbose bool
}

// QueueOnlyAbove is the number of series above which text output lists
// only the queue's must-look and should-look series (unless All).
const QueueOnlyAbove = 20

// MaxReasons is how many reasons a series shows unless Verbose.
const MaxReasons = 5

var tierColor = map[review.Tier]string{review.MustLook: "\033[1;31m", review.ShouldLook: "\033[33m", review.FYI: "\033[2m"}

func (st Style) paint(t review.Tier, s string) string {
	if !st.Color {
		return s
	}
	return tierColor[t] + s + "\033[0m"
}

func tierLabel(s review.SeriesReport) string {
	if st := s.CurrentState(); !st.Open() {
		return string(st)
	}
	return string(s.Tier)
}

// listed picks the series text output prints, and says what it left out.
func listed(r *review.Report, st Style) (list []review.SeriesReport, rest []string) {
	if st.All || len(r.Series) <= QueueOnlyAbove {
		return r.Series, nil
	}
	left := map[string]int{}
	for _, s := range r.Series {
		state := s.CurrentState()
		switch {
		case state.Open() && s.Tier != review.FYI:
			list = append(list, s)
		case state.Open():
			left["fyi in the queue"]++
		default:
			left[string(state)]++
		}
	}
	for _, k := range []string{"fyi in the queue", string(review.StateApplied), string(review.StateRejected), string(review.StateStale), string(review.StateSuperseded)} {
		if n := left[k]; n > 0 {
			rest = append(rest, fmt.Sprintf("%d %s", n, k))
		}
	}
	return list, rest
}

// reasonsShown cuts the reasons to MaxReasons unless Verbose.
func reasonsShown(s review.SeriesReport, st Style) []string {
	if st.Verbose || len(s.Reasons) <= MaxReasons {
		return s.Reasons
	}
	more := len(s.Reasons) - MaxReasons
	return append(append([]string{}, s.Reasons[:MaxReasons]...), fmt.Sprintf("… and %d more (--verbose)", more))
}

func reviewStatus(s review.SeriesReport) string {
	if s.Reviewed {
		return "reviewed"
	}
	return "none"
}

// table is the compact ranked overview: one line per series with the
// short id that show, reply and thanks accept. On a narrow terminal the
// date and author columns go first, then the title is cut.
func table(ew *errWriter, list []review.SeriesReport, st Style) {
	const wide = 11 + 1 + 6 + 1 + 10 + 1 + 8 + 1 + 5 + 1 + 7 + 1 + 18 + 1
	const narrow = 11 + 1 + 6 + 1 + 8 + 1 + 5 + 1 + 7 + 1
	ver := 5 // VER fits "RFC v12" when a series has it
	for _, s := range list {
		ver = max(ver, len(versionTag(s)))
	}
	compact := st.Width > 0 && st.Width < wide+ver-5+20
	fixed := wide + ver - 5
	if compact {
		fixed = narrow + ver - 5
		ew.printf("%-11s %6s %-8s %-*s %-7s %s\n", "TIER", "SCORE", "ID", ver, "VER", "PARTS", "TITLE")
	} else {
		ew.printf("%-11s %6s %-10s %-8s %-*s %-7s %-18s %s\n", "TIER", "SCORE", "DATE", "ID", ver, "VER", "PARTS", "AUTHOR", "TITLE")
	}
	for _, s := range list {
		title := s.Title
		if st.Width > fixed+1 && len([]rune(title)) > st.Width-fixed {
			title = string([]rune(title)[:st.Width-fixed-1]) + "…"
		}
		parts := fmt.Sprintf("%d/%d", len(s.Patches)-len(s.Extra), s.Total)
		label := st.paint(s.Tier, fmt.Sprintf("%-11s", tierLabel(s)))
		if compact {
			ew.printf("%s %6.1f %-8s %-*s %-7s %s\n", label, s.Score, s.ShortID, ver, versionTag(s), parts, title)
			continue
		}
		date := s.Date
		if len(date) > 10 {
			date = date[:10]
		}
		ew.printf("%s %6.1f %-10s %-8s %-*s %-7s %-18s %s\n", label, s.Score, date, s.ShortID,
			ver, versionTag(s), parts, cut(s.Author.DisplayName(), 18), title)
	}
}

// cut shortens s to n runes, marking the cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Text is the overview: the counts, a ranked table, then each series with
// its reasons, parts, trailers, findings and files.
func Text(w io.Writer, r *review.Report, st Style) error {
	ew := newErrWriter(w)
	ew.printf("%s\n\n", summaryLine(r))
	list, rest := listed(r, st)
	table(ew, list, st)
	if len(rest) > 0 {
		ew.printf("(not listed: %s; --all lists them, --state and --tier pick)\n", strings.Join(rest, ", "))
	}
	byID := indexSeries(r)
	for _, s := range list {
		ew.printf("\n== %s %.1f %s %s\n", st.paint(s.Tier, tierLabel(s)), s.Score, versionTag(s), s.Title)
		for _, reason := range reasonsShown(s, st) {
			ew.printf("   - %s\n", reason)
		}
		ew.printf("   id:       %s (%s)\n", s.ID, s.ShortID)
		ew.printf("   state:    %s\n", stateLine(s))
		ew.printf("   author:   %s\n", s.Author)
		ew.printf("   date:     %s\n", s.Date)
		ew.printf("   parts:    %s\n", partsLine(s))
		ew.printf("   status:   %s\n", statusLine(s, byID))
		ew.printf("   replies:  %d\n", s.Replies)
		if look := lookLine(s.Maintainers, 6); look != "" {
			ew.printf("   look:     %s\n", look)
		}
		for _, p := range s.Patches {
			mark := ""
			if p.Carried {
				mark = " (unchanged from previous revision)"
			}
			if p.DiffError != "" {
				mark = " (diff unparsed: " + p.DiffError + ")"
			}
			ew.printf("   %d/%d %s%s\n", p.Number, s.Total, review.ParseSubject(p.Subject).Title, mark)
			for _, t := range given(p) {
				ew.printf("        %s\n", trailerText(t))
			}
			for _, fd := range p.Findings {
				ew.printf("        %s\n", findingText(fd))
			}
		}
		for _, fd := range s.Findings {
			ew.printf("   series: %s\n", findingText(fd))
		}
		for _, ct := range filesByClass(s) {
			ew.printf("   %-13s %-9s %s\n", ct.class, fmt.Sprintf("+%d -%d", ct.added, ct.deleted), strings.Join(ct.files, ", "))
		}
	}
	if len(r.Unparsed) > 0 {
		ew.printf("\nunparsed:\n")
		for _, u := range r.Unparsed {
			ew.printf("   %s: %s\n", u.Source, u.Error)
		}
	}
	return ew.done()
}

// Markdown is the overview as a markdown document.
func Markdown(w io.Writer, r *review.Report, _ Style) error {
	ew := newErrWriter(w)
	ew.printf("# Patch series\n\n%s\n", strings.ReplaceAll(summaryLine(r), "\n", "  \n"))
	ew.printf("\n| tier | score | version | parts | review | title |\n|---|---|---|---|---|---|\n")
	for _, s := range r.Series {
		ew.printf("| %s | %.1f | %s | %d/%d | %s | %s |\n", tierLabel(s), s.Score, versionTag(s), len(s.Patches)-len(s.Extra), s.Total, reviewStatus(s), mdEscape(s.Title))
	}
	byID := indexSeries(r)
	for _, s := range r.Series {
		ew.printf("\n## %s %s\n\n", versionTag(s), mdEscape(s.Title))
		ew.printf("**%s**, score %.1f, %s\n\n", tierLabel(s), s.Score, mdEscape(stateLine(s)))
		for _, reason := range s.Reasons {
			ew.printf("- %s\n", mdEscape(reason))
		}
		if len(s.Reasons) > 0 {
			ew.printf("\n")
		}
		ew.printf("- **id:** `%s`\n", s.ID)
		ew.printf("- **author:** %s\n", mdEscape(s.Author.String()))
		ew.printf("- **date:** %s\n", s.Date)
		ew.printf("- **parts:** %s\n", partsLine(s))
		ew.printf("- **status:** %s\n", mdEscape(statusLine(s, byID)))
		ew.printf("- **replies:** %d\n\n", s.Replies)
		ew.printf("| # | patch | trailers received |\n|---|---|---|\n")
		for _, p := range s.Patches {
			var ts []string
			for _, t := range given(p) {
				ts = append(ts, mdEscape(trailerText(t)))
			}
			ew.printf("| %d/%d | %s | %s |\n", p.Number, s.Total, mdEscape(review.ParseSubject(p.Subject).Title), strings.Join(ts, "<br>"))
		}
		if cts := filesByClass(s); len(cts) > 0 {
			ew.printf("\n| class | lines | files |\n|---|---|---|\n")
			for _, ct := range cts {
				ew.printf("| %s | +%d −%d | %s |\n", ct.class, ct.added, ct.deleted, "`"+strings.Join(ct.files, "`, `")+"`")
			}
		}
	}
	if len(r.Unparsed) > 0 {
		ew.printf("\n## Unparsed\n\n")
		for _, u := range r.Unparsed {
			ew.printf("- `%s`: %s\n", u.Source, mdEscape(u.Error))
		}
	}
	return ew.done()
}

func indexSeries(r *review.Report) map[string]review.SeriesReport {
	m := make(map[string]review.SeriesReport, len(r.Series))
	for _, s := range r.Series {
		m[s.ID] = s
	}
	return m
}

var mdReplacer = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`)

func mdEscape(s string) string { return mdReplacer.Replace(s) }

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

// errWriter buffers a renderer's output and keeps the first write error,
// so renderers can print freely and check once, at done.
type errWriter struct {
	w   *bufio.Writer
	err error
}

func newErrWriter(w io.Writer) *errWriter { return &errWriter{w: bufio.NewWriterSize(w, 64<<10)} }

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// done flushes the buffer and returns the first error.
func (e *errWriter) done() error {
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// findingText is one line: severity, rule, place, message.
func findingText(f review.Finding) string {
	place := f.File
	if f.Line > 0 {
		place = fmt.Sprintf("%s:%d", f.File, f.Line)
		if f.Side == "pre" {
			place += " (removed)"
		}
	}
	conf := ""
	if f.Confidence != review.Certain {
		conf = " [" + string(f.Confidence) + "]"
	}
	if place == "" {
		return fmt.Sprintf("%-8s %s: %s%s", f.Severity, f.Rule, f.Message, conf)
	}
	return fmt.Sprintf("%-8s %s %s: %s%s", f.Severity, f.Rule, place, f.Message, conf)
}

// lookLine names the first n people who must look (lists left out) and
// how many more there are.
func lookLine(rs []review.Responsible, n int) string {
	var people []string
	more := 0
	for _, r := range rs {
		if strings.Contains(r.Role, "list:") {
			continue
		}
		if len(people) == n {
			more++
			continue
		}
		role := r.Role
		if i := strings.IndexByte(role, ':'); i >= 0 {
			role = role[:i] + " of " + role[i+1:]
		}
		people = append(people, fmt.Sprintf("%s <%s> (%s)", r.Name, r.Email, role))
	}
	s := strings.Join(people, ", ")
	if more > 0 {
		s += fmt.Sprintf(", and %d more", more)
	}
	return s
}

// JSON is the report as indented JSON (the documented contract), written
// series by series ([review.Report.WriteJSON]) through a buffer.
func JSON(w io.Writer, r *review.Report, _ Style) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := r.WriteJSON(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// Formats are the renderers of `ferrule review --format`.
var Formats = map[string]func(io.Writer, *review.Report, Style) error{
	"json":     JSON,
	"text":     Text,
	"markdown": Markdown,
}
