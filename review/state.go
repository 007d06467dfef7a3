package review

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"ferrule/review/maintainers"
)

// State is where a series stands, derived from the mail (and a kernel
// tree when given) at the end of assembly. The rules, in the order they
// are decided:
//
//   - applied: with a tree, every patch's `git patch-id --stable` is in
//     the tree's history (StateOptions.AppliedPatchIDs). Otherwise a reply
//     from someone other than the series author (or from the author when
//     it names the commits or the tree the patches went to: a maintainer
//     applying their own patches) whose own text (not
//     quoted "> " lines, nothing after a "-- " signature) says the patches
//     were taken:
//   - a sentence that starts (after an optional "Hi,", "Thanks (for …),",
//     "LGTM," or "(") with "Applied", "I('ve) applied …", "Queued …",
//     "Picked up …", "I picked … up", or "<both/all/the/these> patch(es)/
//     series/#N … (was/has been) applied/queued/picked up", or that says
//     "… and applied" ("Fixed up and applied"; not after once, when, if,
//     will, could, …); what follows the verb must be the end of the
//     sentence, punctuation, "thanks", "with …", "as …", "now", "only",
//     or to/into/on/in/for and something naming a tree, branch or release
//     ("pwm/for-next", "my tree", "clk-next", "6.8", a URL);
//   - b4 ty's "[n/m] subject" lines followed by "commit: <sha>" (or a
//     commit URL, or "(no commit info)");
//   - kernel.org patchwork-bot's "This series/patch was applied to …";
//   - "pw-bot: accept" from a maintainer of the files;
//   - a pull request on the list whose shortlog (git request-pull's
//     "Author (N):" and the subjects under it) lists a patch by its
//     author's name and subject, sent after the patch: that tree holds
//     it. Only the newest revision is matched (older ones share the
//     subjects); the reason names the pull request.
//     Not recognised: questions ("Applied?", "Has this been applied?"),
//     "will be applied", "not applied", "can't be applied", "doesn't
//     apply", "applied on top of", "applied … locally", "Could you apply",
//     sentences that tell of testing or trouble ("applied it to next-2024
//     and it works/boots/fails/breaks"), robots other than patchwork-bot,
//     Rob Herring's DT bot ("applied (using b4) to base"). With
//     StateOptions.MaintainerAuthorApplies the author's own "Applied"
//     counts when they maintain the files (off by default).
//     Which patches: the numbers or list a message gives ("I applied
//     patches #1-#5", "[PATCH v6 5/7] …" lines under the sentence, b4 ty
//     and patchwork-bot lists); else "both"/"all"/"the series"/"these"
//     (a count must match the series' size: "Applied both" in a 5-patch
//     series is the patch answered) or a reply to the cover letter take
//     the whole series; "the dts patches" takes the device-tree ones,
//     "the remaining ones"/"the first two" nothing; a reply to patch k
//     takes patch k. The series is applied once the patches taken cover
//     every patch, or every patch left only touches device-tree sources
//     (arch/*/boot/dts/), which go through the SoC trees: "I applied
//     patches #1-#5" of a 7-patch series whose 6 and 7 are riscv dts
//     changes is applied. "Applied patch 1, the rest needs work" in a
//     reply to patch 1 of 3 is not: the series keeps its other state and
//     the reason adds "patch 1 of 3 applied by …".
//   - rejected: "pw-bot: reject" from a maintainer of the files.
//     ("pw-bot: not-applicable" means "not for my tree": on linux-pwm it
//     is always a devicetree maintainer acking a binding that the
//     subsystem tree takes, so it is ignored.)
//   - changes-requested: "pw-bot: changes-requested" or "pw-bot: cr" from
//     the author or a maintainer of the files (MAINTAINERS M:, "+tag"
//     addresses folded); the kernel test robot's build error or warning
//     report ("noticed the following build errors/warnings", "Yet/Perhaps
//     something to improve"); the author announcing a new revision ("I'll
//     send a v2", "will fix in the next version"; not in a question or an
//     if/unless sentence).
//   - superseded: a newer revision exists (Series.Next) and this revision
//     was neither applied nor rejected.
//   - reviewed: a verified Reviewed-by, Acked-by or Tested-by from
//     someone other than the patch author.
//   - new: none of the above.
//   - stale: an open state (new, reviewed, changes-requested) with no
//     message in the thread for StaleAfter (default 90 days) before Now
//     (default: the newest message of the input), so an old archive
//     behaves like a live list.
//
// Precedence: the decisive signals (applied once the patches are covered,
// rejected, changes-requested) are taken in message order (Date, then
// arrival) and the latest wins: changes requested, then the author's
// "will send v2", then "Applied, thanks" is applied; applied and then a
// kernel test robot error is changes-requested. The tree check wins over
// the mail. The first complete application stays the reason.
type State string

// Series states (PRODUCT.md "JSON output contract").
const (
	StateNew              State = "new"
	StateReviewed         State = "reviewed"
	StateChangesRequested State = "changes-requested"
	StateApplied          State = "applied"
	StateRejected         State = "rejected"
	StateSuperseded       State = "superseded"
	StateStale            State = "stale"
)

// Open reports whether the series still waits for someone (new, reviewed,
// changes-requested).
func (s State) Open() bool {
	return s == StateNew || s == StateReviewed || s == StateChangesRequested
}

// DefaultStaleAfter is how long a thread may be silent before an open
// series is stale.
const DefaultStaleAfter = 90 * 24 * time.Hour

// StateOptions configures how series states are derived. The zero value
// is valid.
type StateOptions struct {
	// Now is the date staleness is measured from; zero means the newest
	// message date of the input (a few far-future outliers skipped).
	Now time.Time
	// StaleAfter is how long a thread may be silent; zero means
	// DefaultStaleAfter, negative never.
	StaleAfter time.Duration
	// AppliedPatchIDs are the `git patch-id --stable` ids of the commits
	// of a kernel tree's history: a series whose every patch id is in the
	// set is applied.
	AppliedPatchIDs map[string]bool
	// IsMaintainer reports whether email is a MAINTAINERS maintainer (M:)
	// of any of files. Nil: no one is, and pw-bot directives are honoured
	// from the author only. [MaintainerCheck] builds one.
	IsMaintainer func(email string, files []string) bool
	// MaintainerAuthorApplies honours "Applied …" from the series author
	// when the author maintains its files (a maintainer applying their
	// own patches). Off, an author's own word never makes a series
	// applied (a pull request they send is not their word but their
	// tree's content: see pullEvents).
	MaintainerAuthorApplies bool

	// pulls indexes the shortlogs of the pull requests SetStates sees,
	// by normalised commit subject.
	pulls map[string][]pulledCommit
}

// pullWindow bounds how long after a patch a pull request may list it:
// a patch can wait a year for its merge window, but the same author's
// subject in a pull request four years on is a later series, sent again
// (linux-pwm's GPIO PWM driver: 2020's v1, applied as 2024's v7).
const pullWindow = 2 * 365 * 24 * time.Hour

// pulledCommit is a commit a pull request lists.
type pulledCommit struct {
	author string // normalised (lowercase, single spaces)
	pull   *Post
}

// pullIndex indexes the shortlogs of the pull requests among posts.
func pullIndex(posts []*Post) map[string][]pulledCommit {
	var idx map[string][]pulledCommit
	for _, p := range posts {
		for _, e := range p.Shortlog {
			if idx == nil {
				idx = map[string][]pulledCommit{}
			}
			k := NormalizeTitle(e.Title)
			idx[k] = append(idx[k], pulledCommit{author: normalizeName(e.Author), pull: p})
		}
	}
	return idx
}

func normalizeName(n string) string { return strings.Join(strings.Fields(strings.ToLower(n)), " ") }

// pullEvents are the applied events of the pull requests whose shortlog
// lists patches of s by their author and subject, sent after the patch
// and within pullWindow of it: the tree the pull request comes from
// holds them. Only the newest revision is matched (older ones carry the
// same subjects). A pull request counts whoever sends it, the series'
// author too: on linux-pwm all 85 come from tree owners, and a
// maintainer's pull request often holds only their own fixes.
func pullEvents(s *Series, pulls map[string][]pulledCommit) []event {
	if len(pulls) == 0 || s.Next != nil {
		return nil
	}
	var order []*Post
	parts := map[*Post][]int{}
	for _, pt := range ownParts(s) {
		author := normalizeName(pt.Post.Author.Name)
		if author == "" {
			continue
		}
		for _, c := range pulls[NormalizeTitle(pt.Post.Tags.Title)] {
			if c.author != author || !c.pull.Date.After(pt.Post.Date) || !within(pt.Post.Date, c.pull.Date, pullWindow) {
				continue
			}
			if parts[c.pull] == nil {
				order = append(order, c.pull)
			}
			parts[c.pull] = append(parts[c.pull], pt.Number)
		}
	}
	var out []event
	for _, pr := range order {
		out = append(out, event{sig: Signal{Kind: SignalApplied, Line: pr.Subject, Evidence: true, Parts: parts[pr]}, post: pr})
	}
	return out
}

// MaintainerCheck returns an IsMaintainer callback for a MAINTAINERS
// file: email (compared without a "+tag") is an M: entry of a section
// covering one of the files.
func MaintainerCheck(f *maintainers.File) func(email string, files []string) bool {
	if f == nil {
		return nil
	}
	return func(email string, files []string) bool {
		want := canonEmail(email)
		if want == "" {
			return false
		}
		for _, m := range f.ForPaths(files, nil) {
			for _, v := range m.Section.Maintain {
				if canonEmail(addressOf(v)) == want {
					return true
				}
			}
		}
		return false
	}
}

func addressOf(v string) string {
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return v[i+1 : i+j]
		}
	}
	return strings.TrimSpace(v)
}

// canonEmail lower-cases an address and drops a "+tag" from its local
// part (conor+dt@kernel.org is conor@kernel.org).
func canonEmail(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	at := strings.LastIndexByte(e, '@')
	if at < 0 {
		return e
	}
	local := e[:at]
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	return local + e[at:]
}

// event is one honoured signal of a series, in message order.
type event struct {
	sig    Signal
	post   *Post
	target int // 0: the cover letter; n: patch n
}

// SetStates derives Series.State and StateReason for every series of r.
func SetStates(r *Result, opts *StateOptions) {
	var o StateOptions
	if opts != nil {
		o = *opts
	}
	if o.Now.IsZero() {
		o.Now = newestDate(r.Posts)
	}
	if o.StaleAfter == 0 {
		o.StaleAfter = DefaultStaleAfter
	}
	o.pulls = pullIndex(r.Posts)
	for _, s := range r.Series {
		s.State, s.StateReason = seriesState(s, &o)
	}
}

// newestDate returns the newest message date of posts. Up to 1% of the
// posts may be skipped as outliers when each is more than 30 days newer
// than the next (a bogus Date: 2099 must not make a live list stale).
func newestDate(posts []*Post) time.Time {
	var dates []time.Time
	for _, p := range posts {
		if !p.Date.IsZero() {
			dates = append(dates, p.Date)
		}
	}
	if len(dates) == 0 {
		return time.Time{}
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].After(dates[j]) })
	i := 0
	for i < len(dates)/100 && dates[i].Sub(dates[i+1]) > 30*24*time.Hour {
		i++
	}
	return dates[i]
}

func seriesState(s *Series, o *StateOptions) (State, string) {
	if len(s.Parts) == 0 && s.Cover == nil {
		return StateNew, "no patches"
	}
	if reason, ok := inTree(s, o.AppliedPatchIDs); ok {
		return StateApplied, reason
	}
	state, reason, partial := mailState(s, o)
	switch {
	case state == StateApplied || state == StateRejected:
		return state, reason
	case s.Next != nil:
		return StateSuperseded, supersededReason(s)
	case state == "":
		if s.Reviewed() {
			state, reason = StateReviewed, reviewedReason(s)
		} else {
			state, reason = StateNew, "no review yet"
		}
	}
	if partial != "" {
		reason += "; " + partial
	}
	if o.StaleAfter > 0 && !o.Now.IsZero() {
		last := latest(s)
		if idle := o.Now.Sub(last); idle > o.StaleAfter {
			return StateStale, fmt.Sprintf("no message for %d days (last %s; was %s: %s)",
				int(idle.Hours()/24), day(last), state, reason)
		}
	}
	return state, reason
}

func inTree(s *Series, ids map[string]bool) (string, bool) {
	if len(ids) == 0 || len(s.Parts) == 0 {
		return "", false
	}
	for _, pt := range s.Parts {
		if pt.Post.PatchID == "" || !ids[pt.Post.PatchID] {
			return "", false
		}
	}
	return fmt.Sprintf("every patch (%d) is in the tree's history (git patch-id --stable)", len(s.Parts)), true
}

// mailState walks the honoured signals in message order. partial, when
// set, says which patches were applied without the series being applied.
func mailState(s *Series, o *StateOptions) (state State, reason, partial string) {
	events := seriesEvents(s, o)
	covered := map[int]bool{}
	var appliers []applier // who took which patches, in order
	for i := range events {
		ev := &events[i]
		switch ev.sig.Kind {
		case SignalApplied:
			appliers = took(appliers, ev, appliedParts(s, ev), covered)
			if left, ok := coverageDone(s, covered); ok && state == StateApplied {
				// Already applied: the first complete application
				// stays the reason; the note on what was left goes.
				if left == "" {
					reason, _, _ = strings.Cut(reason, "; ")
				}
			} else if ok {
				state, reason = StateApplied, "applied by "+who(ev)+" on "+day(ev.post.Date)+": "+quote(ev.sig.Line)
				if left != "" {
					reason += "; " + left
				}
			}
		case SignalRejected:
			state, reason = StateRejected, "rejected by "+who(ev)+" on "+day(ev.post.Date)+": "+quote(ev.sig.Line)
		case SignalChangesRequested:
			state, reason = StateChangesRequested, "changes requested by "+who(ev)+" on "+day(ev.post.Date)+": "+quote(ev.sig.Line)
		case SignalBuildError:
			state, reason = StateChangesRequested, "build bot report on "+day(ev.post.Date)+": "+quote(ev.sig.Line)
		case SignalNewRevision:
			state, reason = StateChangesRequested, "author announced a new revision on "+day(ev.post.Date)+": "+quote(ev.sig.Line)
		}
	}
	if state != StateApplied && len(covered) > 0 {
		partial = partialNote(appliers, len(ownParts(s)))
	}
	return state, reason, partial
}

// applier is one person's (or robot's) share of a partial application:
// the patches they were first to take, and when they last took some.
type applier struct {
	who   string
	parts map[int]bool
	last  time.Time
}

// took records that ev took parts: those not yet covered are ev's
// applier's.
func took(appliers []applier, ev *event, parts []int, covered map[int]bool) []applier {
	w := who(ev)
	k := slices.IndexFunc(appliers, func(a applier) bool { return a.who == w })
	if k < 0 {
		appliers = append(appliers, applier{who: w, parts: map[int]bool{}})
		k = len(appliers) - 1
	}
	a := &appliers[k]
	for _, n := range parts {
		if !covered[n] {
			covered[n] = true
			a.parts[n] = true
			a.last = ev.post.Date
		}
	}
	return appliers
}

// partialNote says which of a series' total patches were applied, by
// whom: "patch 2 of 6 applied by Uwe Kleine-König on 2026-06-15,
// patches 3-6 by Bjorn Andersson on 2026-07-02".
func partialNote(appliers []applier, total int) string {
	var b strings.Builder
	for _, a := range appliers {
		if len(a.parts) == 0 {
			continue
		}
		if b.Len() == 0 {
			fmt.Fprintf(&b, "%s of %d applied by %s on %s", numberList(a.parts), total, a.who, day(a.last))
		} else {
			fmt.Fprintf(&b, ", %s by %s on %s", numberList(a.parts), a.who, day(a.last))
		}
	}
	return b.String()
}

// seriesEvents lists the signals of s's replies that their senders may
// give, and the pull requests that list its patches, in message order.
func seriesEvents(s *Series, o *StateOptions) []event {
	authors := seriesAuthors(s)
	var files []string
	maintainer := func(email string) bool {
		if o.IsMaintainer == nil {
			return false
		}
		if files == nil {
			files = seriesFiles(s)
		}
		return o.IsMaintainer(email, files)
	}
	var events []event
	for i, r := range s.Replies {
		if len(r.Signals) == 0 {
			continue
		}
		target := 0
		if i < len(s.replyTargets) {
			target = s.replyTargets[i]
		}
		byAuthor := authors[canonEmail(r.Sender.Email)] || authors[canonEmail(r.From.Email)]
		for _, sig := range r.Signals {
			ok := false
			switch {
			case sig.Kind == SignalBuildError:
				ok = r.Bot != ""
			case r.Bot != "":
				ok = sig.Kind == SignalApplied && (r.Bot == "patchwork-bot" || r.Bot == "pr-tracker-bot")
			case sig.Directive && sig.Kind == SignalChangesRequested:
				ok = byAuthor || maintainer(r.Sender.Email)
			case sig.Directive:
				ok = !byAuthor && maintainer(r.Sender.Email)
			case sig.Kind == SignalApplied:
				ok = !byAuthor || sig.Evidence || o.MaintainerAuthorApplies && maintainer(r.Sender.Email)
			case sig.Kind == SignalNewRevision:
				ok = byAuthor
			}
			if ok {
				events = append(events, event{sig: sig, post: r, target: target})
			}
		}
	}
	events = append(events, pullEvents(s, o.pulls)...)
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i].post, events[j].post
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		return a.Seq < b.Seq
	})
	return events
}

// seriesAuthors returns the canonical addresses of whoever sent or wrote
// the series.
func seriesAuthors(s *Series) map[string]bool {
	m := map[string]bool{}
	add := func(e string) {
		if c := canonEmail(e); c != "" {
			m[c] = true
		}
	}
	add(s.Sender.Email)
	for _, p := range s.Posts() {
		add(p.Sender.Email)
		add(p.From.Email)
		add(p.Author.Email)
	}
	return m
}

func seriesFiles(s *Series) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, pt := range s.Parts {
		for _, f := range pt.Post.Files {
			if !seen[f.Path] {
				seen[f.Path] = true
				out = append(out, f.Path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ownParts are the numbers of the patches sent with this revision (parts
// carried from the previous one are not).
func ownParts(s *Series) []*Part {
	var out []*Part
	for _, pt := range s.Parts {
		if !pt.Carried {
			out = append(out, pt)
		}
	}
	return out
}

// appliedParts are the patch numbers an applied signal takes.
func appliedParts(s *Series, ev *event) []int {
	var out []int
	switch {
	case len(ev.sig.Parts) > 0:
		out = ev.sig.Parts
	case ev.sig.DTS:
		for _, pt := range ownParts(s) {
			if dtsOnly(pt.Post) {
				out = append(out, pt.Number)
			}
		}
	case ev.sig.Some && !ev.sig.DTS && ev.sig.Count > 0 && ev.sig.Count == len(ownParts(s)):
		// "I applied the two patches" of a 2-patch series.
		for _, pt := range ownParts(s) {
			out = append(out, pt.Number)
		}
	case ev.sig.Some:
	case ev.sig.Whole && ev.sig.Count > 0 && ev.sig.Count != len(ownParts(s)):
		// "Applied both" in a 5-patch series: about the patch answered.
		if ev.target > 0 {
			out = []int{ev.target}
		}
	case ev.target == 0 || ev.sig.Whole:
		for _, pt := range ownParts(s) {
			out = append(out, pt.Number)
		}
	default:
		out = []int{ev.target}
	}
	return out
}

// coverageDone reports whether the patches taken cover the series: every
// patch, or every one left only touches device-tree sources. left says
// which were left.
func coverageDone(s *Series, covered map[int]bool) (left string, ok bool) {
	parts := ownParts(s)
	if len(parts) == 0 {
		return "", false
	}
	rest := map[int]bool{}
	for _, pt := range parts {
		if covered[pt.Number] {
			continue
		}
		if !dtsOnly(pt.Post) {
			return "", false
		}
		rest[pt.Number] = true
	}
	if len(rest) == len(parts) {
		return "", false
	}
	if len(rest) > 0 {
		left = numberList(rest) + " (device-tree sources) left to the SoC tree"
	}
	return left, true
}

// dtsOnly reports whether a patch only touches device-tree sources.
func dtsOnly(p *Post) bool {
	if len(p.Files) == 0 {
		return false
	}
	for _, f := range p.Files {
		if !strings.HasPrefix(f.Path, "arch/") || !strings.Contains(f.Path, "/boot/dts/") {
			return false
		}
	}
	return true
}

// numberList formats a set of patch numbers: "patch 3", "patches 1-5, 7".
func numberList(set map[int]bool) string {
	var ns []int
	for n := range set {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", ns[i], ns[j]))
		} else {
			parts = append(parts, fmt.Sprint(ns[i]))
		}
		i = j + 1
	}
	if len(ns) == 1 {
		return "patch " + parts[0]
	}
	return "patches " + strings.Join(parts, ", ")
}

func who(ev *event) string {
	if ev.sig.By != "" {
		return ev.sig.By + " (" + ev.post.Bot + ")"
	}
	if ev.post.Bot != "" {
		return ev.post.Bot
	}
	if ev.post.Sender.Name != "" {
		return ev.post.Sender.Name
	}
	return ev.post.Sender.Email
}

func supersededReason(s *Series) string {
	n := s.Next.Latest()
	if n == s.Next {
		return fmt.Sprintf("superseded by v%d (%s)", n.Version, day(n.Date))
	}
	return fmt.Sprintf("superseded by v%d (%s), latest v%d", s.Next.Version, day(s.Next.Date), n.Version)
}

func reviewedReason(s *Series) string {
	names := reviewers(s)
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("%d more", len(names)-3))
	}
	return "reviewed by " + strings.Join(names, ", ")
}

func day(t time.Time) string {
	if t.IsZero() {
		return "an unknown date"
	}
	return t.UTC().Format("2006-01-02")
}

func quote(s string) string { return `"` + s + `"` }
