package review

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SignalKind is what a reply says about the fate of the patches it
// answers.
type SignalKind string

// Signal kinds, extracted by [Inspect] from a reply's own (unquoted) text.
const (
	SignalApplied          SignalKind = "applied"           // applied, queued or picked up
	SignalChangesRequested SignalKind = "changes-requested" // pw-bot: cr / changes-requested
	SignalRejected         SignalKind = "rejected"          // pw-bot: reject
	SignalBuildError       SignalKind = "build-error"       // a build bot's error or warning report
	SignalNewRevision      SignalKind = "new-revision"      // "I'll send a v2"
)

// Signal is one state signal found in a message. Who may give it (the
// author, a maintainer, anyone else) is decided at assembly, where the
// series is known.
type Signal struct {
	Kind SignalKind
	// Line is the sentence or line that matched, white space collapsed,
	// at most maxSignalLine bytes.
	Line string
	// Directive is set for a "pw-bot:" line, which is honoured only from
	// the series author or a maintainer of its files.
	Directive bool
	// Evidence is set on an applied signal that names where the patches
	// went: b4 ty's "commit:" lines, or a tree or branch ("to
	// pwm/for-next"). Only a maintainer writes that, so it counts even
	// from the series' author (a maintainer applying their own patches).
	Evidence bool
	// Parts are the patch numbers the message names ("patches #1-#5", a
	// b4 ty or patchwork-bot list); nil when it names none.
	Parts []int
	// Whole is set when the text speaks of the whole series ("both",
	// "all", "the series", "these") rather than the message it answers.
	Whole bool
	// Some is set when the text takes an unnamed subset ("the dts
	// patches", "the remaining ones"); DTS when that subset is the
	// device-tree patches.
	Some, DTS bool
	// Count is how many patches the text says it took ("both": 2, "all
	// three": 3); 0 when it does not say. A whole-series claim whose
	// count differs from the series' size is about the patch answered.
	Count int
	// By is the person a patchwork-bot notification names as the one who
	// applied the patches.
	By string
}

const maxSignalLine = 120

var (
	pwBotRe = regexp.MustCompile(`(?i)^pw-bot:\s*([a-z-]+)\s*$`)

	// appliedRe: "Applied, thanks!", "Thanks, applied.", "I've applied
	// this to pwm/for-next", "Queued for 6.8", "Picked up, thanks".
	appliedRe = regexp.MustCompile(`^` + greetPat + subjectPat +
		`(applied|queued|picked)((?:\s+up)?\s+` + objectPat + `)?(\s+up)?` + tailPat)
	// appliedPassiveRe: "Both patches applied, thanks.", "This series was
	// applied to …" (patchwork-bot), "These changes has been applied on
	// the intermediate git tree".
	appliedPassiveRe = regexp.MustCompile(`^` + greetPat +
		`((?:(?:the|this|these|both|all|whole|entire|your|my|first|last)\s+)*(?:\w+\s+)?(?:patch(?:es|set)?|series|set|changes?|commits?)` +
		`(?:\s+#?\d+(?:\s*(?:-|–|to|,|and|&)\s*#?\d+)*)?|#\d+(?:\s*(?:-|–|to|,|and|&)\s*#?\d+)*)` +
		`\s+(?:(?:is|are|was|were|has|have|been|got|now|also|all|both)\s+)*(applied|queued|picked\s+up)` + tailPat)
	// appliedAndRe: "Fixed up and applied, thanks!", "I added a Fixes:
	// line and applied to …".
	appliedAndRe = regexp.MustCompile(`^(?:i\s+)?[^,;]{0,60}?\band\s+(?:then\s+)?(applied|queued|picked)((?:\s+up)?\s+` + objectPat + `)?(\s+up)?` + tailPat)
	// hedgeRe marks a sentence about a future or hypothetical
	// application: "once it is reviewed and applied".
	hedgeRe = regexp.MustCompile(`\b(?:once|when|after|if|until|unless|before|should|would|could|can|will|may|might|please|i'll|i'd)\b`)

	// testerRe marks a sentence that tells of testing, not applying:
	// "applied it to next-20240101 and it works", "just applied it to my
	// own branch, all okay from my side".
	testerRe = regexp.MustCompile(`\b(?:breaks?|broke|fails?|failed|failing|causes?|caused|regress\w*|crash\w*|works|worked|tested|boots?|booted|conflicts?|cleanly|locally|own\s+(?:branch|tree)|not|n't|base|using b4)\b`)
	// destRe is what may follow "applied to/into/on/in/for": something
	// that names a tree, a branch or a release.
	destRe = regexp.MustCompile(`^(?:to|into|onto|on|in|for)\s*(?:$|[:.,!]|\s+(?:the\s+|my\s+|our\s+|local\s+|his\s+|her\s+|[` + "`" + `'"(<]\s*)*(?:\S+\s+){0,3}?(?:\S*(?:/|next|fixes|tree|branch|\.git|https?:|queue|mainline|for-|-dt|master|main\b|\d+\.\d+)|v?\d+\.\d+))`)

	prepRe    = regexp.MustCompile(`^(?:to|into|onto|on|in|for)\b`)
	numListRe = regexp.MustCompile(`(?:patch(?:es)?|commits?|#)\s*#?(\d+(?:\s*(?:-|–|to|,|and|&)\s*#?\d+)*)`)
	numRe     = regexp.MustCompile(`\d+|-|–|to`)
	// wholeRe marks an object that means the whole series.
	wholeRe = regexp.MustCompile(`\b(?:patches|changes|commits|set|lot)\b`)
	allRe   = regexp.MustCompile(`\b(?:them|these|those|both|all|everything|series|whole|entire)\b`)
	// someRe marks an object that is an unnamed subset of the series.
	someRe  = regexp.MustCompile(`\b(?:first|last|remaining|other|rest|some|few|following|two|three|four|five|six|seven|eight|nine|ten|\d+|pwm|dt|dts|driver|binding|bindings)\b`)
	dtsWord = regexp.MustCompile(`\b(?:dt|dts)\b`)

	// b4ty: "[1/3] pwm: foo" followed by "      commit: 0123abcd" (or a
	// commit URL, or "(no commit info)").
	b4tyItemRe   = regexp.MustCompile(`^\[(\d+)/(\d+)\]\s+\S`)
	listItemRe   = regexp.MustCompile(`^\[(?:[^\]]*?[\s,])?(\d+)/(\d+)\]\s+\S`)
	b4tyCommitRe = regexp.MustCompile(`^\s+(?:commit:\s*[0-9a-f]{7,40}\b|https?://\S+/[0-9a-f]{12,40}\b|\(no commit info\))`)
	// patchwork-bot's summary: "  - [v2,1/2] dt-bindings: …".
	pwSummaryRe = regexp.MustCompile(`^\s*-\s*\[(?:[^\],\]]*,)*(\d+)/(\d+)\]`)
	pwByRe      = regexp.MustCompile(`^by\s+(.+?)(?:\s*<[^>]*>)?:?\s*$`)

	// newRevisionRe: "I'll send a v2", "will fix in the next version".
	newRevisionRe = regexp.MustCompile(`\b(?:i'll|i will|will|i'm going to|i am going to|going to|i plan to)\s+(?:\w+\s+){0,3}?(?:send|post|submit|spin|respin|re-spin|resend|prepare|roll|fix|address|do|update|change|drop|handle|include|rework)\b[^?]*?\b(?:v\d+|new version|next version|another version|updated version|new revision|next revision|next iteration|new iteration|next spin|next round|new spin|respin|re-spin|updated series|new series|next series)\b`)
	conditionalRe = regexp.MustCompile(`\b(?:if|unless|should i|shall i|do you want|would you)\b`)

	robotErrorRe = regexp.MustCompile(`(?i)(noticed the following build (?:errors|warnings)|yet something to improve|perhaps something to improve|\[auto build test (?:error|warning)\b)`)
)

const (
	greetPat = `(?:(?:hi|hello|hey|dear)(?:\s+[\w-]+)?[,!.]*\s+)?` +
		`(?:(?:ok(?:ay)?|great|good|nice|thanks|thank you|thx|many thanks|so|lgtm|looks good(?: to me)?|sure|yes|perfect|fine|right)` +
		`(?:\s+(?:a lot|again|for\s+(?:[\w'-]+\s+){0,4}?[\w'-]+))?[,.!]*\s+)?`
	subjectPat = `(?:(?:i|we)(?:'ve|\s+have)?\s+)?(?:now\s+|also\s+|just\s+|finally\s+|already\s+)?`
	objectPat  = `(?:it|this|that|them|these|those|both|all|everything|` +
		`(?:(?:the|this|that|these|those|both|all|your|v\d+)(?:\s+(?:whole|full|entire|first|last|remaining|other|two|three|four|five|six|seven|eight|nine|ten|\d+|pwm|dt|dts))*\s+(?:patch(?:es|set)?|series|set|ones?|changes?|commits?|fix(?:es)?|lot))|` +
		`(?:patch(?:es)?|commits?)\s*#?\d+(?:\s*(?:-|–|to|,|and|&)\s*#?\d+)*)`
	// tailPat: what may follow the verb and object: the end, punctuation,
	// thanks, "with …"/"as …", or a destination checked by destRe.
	tailPat = `(\s*$|\s*[,.!;:](?:\s|$)|\s*--|\s*\(|\s+thanks|\s+(?:with|as|after|now|only|already|and\s+pushed)\b|\s+(?:to|into|onto|on|in|for)\b.*)`
)

// robotPhrases are robotErrorRe's alternatives, in its order, lower case;
// the last two end at a word boundary.
var robotPhrases = []string{"noticed the following build errors", "noticed the following build warnings",
	"yet something to improve", "perhaps something to improve", "[auto build test error", "[auto build test warning"}

// robotError is robotErrorRe.FindString(text) without the regexp engine,
// which is slow on the long case-insensitive texts of a build robot: the
// leftmost phrase, in any case. When lower-casing changes more than
// ASCII letters (it could move offsets), or the text holds the Kelvin
// sign or the long s (Go folds them into k and s), the regexp decides.
func robotError(text string) string {
	lower := strings.ToLower(text)
	if !sameShape(text, lower) || strings.ContainsAny(text, "\u017f\u212a") {
		return robotErrorRe.FindString(text)
	}
	best, bestLen := -1, 0
	for k, p := range robotPhrases {
		boundary := k >= 4
		for from := 0; from < len(lower); {
			i := strings.Index(lower[from:], p)
			if i < 0 || best >= 0 && from+i >= best {
				break
			}
			i += from
			if end := i + len(p); !boundary || end == len(lower) || !isWordByte(lower[end]) {
				best, bestLen = i, len(p)
				break
			}
			from = i + 1
		}
	}
	if best < 0 {
		return ""
	}
	return text[best : best+bestLen]
}

// sameShape reports whether lower is text with only ASCII letters
// changed, byte for byte in place.
func sameShape(text, lower string) bool {
	if len(text) != len(lower) {
		return false
	}
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf && text[i] != lower[i] {
			return false
		}
	}
	return true
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// ScanSignals extracts the state signals from the text of a reply: its
// own lines (quoted "> " lines and everything after a "-- " signature are
// skipped) for people, the notification phrases for robots. bot is
// Post.Bot.
func ScanSignals(text, bot string) []Signal {
	switch bot {
	case "":
	case "kernel-test-robot":
		if m := robotError(text); m != "" {
			return []Signal{{Kind: SignalBuildError, Line: clip(m)}}
		}
		return nil
	case "patchwork-bot":
	case "pr-tracker-bot":
		// "The pull request you sent on … has been merged into
		// torvalds/linux.git": a pull is applied when Linus merged it.
		if m := prMergedRe.FindString(text); m != "" {
			return []Signal{{Kind: SignalApplied, Line: clip(m), Whole: true, Evidence: true}}
		}
		return nil
	default:
		return nil
	}
	lines := ownLines(text)
	var out []Signal
	var b4parts, listed []int
	b4line := ""
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if bot == "" {
			if m := pwBotLine(t); m != nil {
				if s, ok := directive(strings.ToLower(m[1])); ok {
					s.Line = clip(t)
					out = append(out, s)
				}
				continue
			}
			if m := listItem(t); m != nil {
				if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
					listed = appendUnique(listed, n)
				}
			}
			if m := b4tyItem(l); m != nil && i+1 < len(lines) && b4tyCommitRe.MatchString(lines[i+1]) {
				if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
					b4parts = append(b4parts, n)
					if b4line == "" {
						b4line = clip(t + " " + strings.TrimSpace(lines[i+1]))
					}
				}
			}
		}
	}
	var pw *Signal
	for _, para := range paragraphs(lines) {
		for _, sent := range sentences(para) {
			if !maySignal(sent) {
				continue
			}
			low := normalize(sent)
			if s, ok := appliedSignal(low); ok {
				s.Line = clip(sent)
				if bot == "patchwork-bot" {
					if pw != nil {
						continue
					}
					out = append(out, s)
					pw = &out[len(out)-1]
					continue
				}
				out = append(out, s)
				continue
			}
			if bot == "" && mayAnnounce(low) && newRevisionRe.MatchString(low) && !conditionalRe.MatchString(low) && !strings.HasSuffix(strings.TrimSpace(low), "?") {
				out = append(out, Signal{Kind: SignalNewRevision, Line: clip(sent)})
			}
		}
	}
	if pw != nil {
		for _, l := range lines {
			if m := pwByRe.FindStringSubmatch(strings.TrimSpace(l)); m != nil && pw.By == "" {
				pw.By = clip(m[1])
			}
			if m := pwSummaryRe.FindStringSubmatch(l); m != nil {
				if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
					pw.Parts = appendUnique(pw.Parts, n)
				}
			}
		}
		if len(pw.Parts) > 0 {
			pw.Whole = false
		}
	}
	// A list of patches under the applied sentence (b4 ty's, or "[PATCH
	// v6 5/7] …" lines) says which were taken.
	if len(b4parts) == 0 {
		b4parts = listed
	}
	// Every applied sentence of the message is about the patches it
	// names anywhere: "Thanks, applied [3/8] … These changes has been
	// applied on the intermediate tree" took patch 3 only.
	named := append([]int{}, b4parts...)
	phrase := false
	for _, s := range out {
		if s.Kind == SignalApplied && !s.Directive {
			phrase = true
			for _, n := range s.Parts {
				named = appendUnique(named, n)
			}
		}
	}
	if len(named) > 0 && bot == "" {
		for i := range out {
			if out[i].Kind == SignalApplied && !out[i].Directive && len(out[i].Parts) == 0 {
				out[i].Parts, out[i].Whole, out[i].Some, out[i].DTS = named, false, false, false
			}
		}
	}
	if !phrase && b4line != "" {
		out = append(out, Signal{Kind: SignalApplied, Line: b4line, Parts: b4parts})
	}
	if b4line != "" {
		for i := range out {
			if out[i].Kind == SignalApplied {
				out[i].Evidence = true
			}
		}
	}
	return out
}

func directive(v string) (Signal, bool) {
	s := Signal{Directive: true, Whole: true}
	switch v {
	case "cr", "changes-requested":
		s.Kind = SignalChangesRequested
	case "reject", "rejected":
		s.Kind = SignalRejected
	case "accept", "accepted":
		s.Kind = SignalApplied
	default:
		// not-applicable means "not for my tree" (on linux-pwm, always a
		// devicetree maintainer acking a binding that goes through the
		// subsystem tree); other states say nothing about the fate.
		return s, false
	}
	return s, true
}

// maySignal says whether a sentence, before normalize, can hold what
// appliedSignal or newRevisionRe look for: one of the words each of their
// patterns needs (mayAnnounce's and appliedSignal's first tests), in any
// ASCII case. Beyond ASCII it says yes: lower-casing turns a few other
// letters (the Kelvin sign, a dotted capital I) into ASCII ones, and
// normalize turns ’ into '. Most sentences of a reply are turned away
// without being normalized.
func maySignal(sent string) bool {
	for i := 0; i < len(sent); i++ {
		c := sent[i]
		if c >= utf8.RuneSelf {
			return true
		}
		var found bool
		switch lowerASCII(c) {
		case 'a':
			found = hasPrefixFold(sent[i:], "applied")
		case 'q':
			found = hasPrefixFold(sent[i:], "queued")
		case 'p':
			found = hasPrefixFold(sent[i:], "picked") || hasPrefixFold(sent[i:], "plan")
		case 'w':
			found = hasPrefixFold(sent[i:], "will")
		case 'g':
			found = hasPrefixFold(sent[i:], "going")
		case '\'':
			found = hasPrefixFold(sent[i:], "'ll")
		}
		if found {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold reports whether s starts with lower (ASCII, lower case)
// in any ASCII case.
func hasPrefixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for j := 0; j < len(lower); j++ {
		if lowerASCII(s[j]) != lower[j] {
			return false
		}
	}
	return true
}

// pwBotLine is pwBotRe.FindStringSubmatch(t), tried only on lines that
// start with "pw-bot:" in any case (the regexp's (?i) folds no letter of
// it beyond ASCII).
func pwBotLine(t string) []string {
	if !hasPrefixFold(t, "pw-bot:") {
		return nil
	}
	return pwBotRe.FindStringSubmatch(t)
}

// listItem and b4tyItem are listItemRe's and b4tyItemRe's submatches,
// tried only on lines that start with '[' as every match does.
func listItem(t string) []string {
	if !strings.HasPrefix(t, "[") {
		return nil
	}
	return listItemRe.FindStringSubmatch(t)
}

func b4tyItem(l string) []string {
	if !strings.HasPrefix(l, "[") {
		return nil
	}
	return b4tyItemRe.FindStringSubmatch(l)
}

// mayAnnounce says whether a sentence has the future tense every
// newRevisionRe match needs, before that regex runs.
func mayAnnounce(low string) bool {
	return strings.Contains(low, "will") || strings.Contains(low, "'ll") || strings.Contains(low, "going to") || strings.Contains(low, "plan to")
}

// prMergedRe is kernel.org's pr-tracker-bot telling that a pull request
// was merged.
var prMergedRe = regexp.MustCompile(`has been merged into \S+`)

// appliedSignal matches one lower-cased sentence.
func appliedSignal(low string) (Signal, bool) {
	// Every applied pattern has one of these verbs: most sentences of a
	// reply are turned away before any regex runs.
	if !strings.Contains(low, "applied") && !strings.Contains(low, "queued") && !strings.Contains(low, "picked") {
		return Signal{}, false
	}
	if strings.HasSuffix(low, "?") || strings.Contains(low, "? ") || testerRe.MatchString(low) {
		return Signal{}, false
	}
	var object, tail string
	if m := appliedRe.FindStringSubmatch(low); m != nil {
		if m[1] == "picked" && !strings.Contains(m[2]+m[3], "up") {
			return Signal{}, false
		}
		object, tail = m[2], m[4]
	} else if m := appliedPassiveRe.FindStringSubmatch(low); m != nil {
		object, tail = m[1], m[3]
	} else if m := appliedAndRe.FindStringSubmatch(low); m != nil && !hedgeRe.MatchString(low) {
		if m[1] == "picked" && !strings.Contains(m[2]+m[3], "up") {
			return Signal{}, false
		}
		object, tail = m[2], m[4]
		// "an ack for patches 1 and 2 and applied these": the numbers
		// come before the verb.
		if n := partNumbers(low); len(n) > 0 {
			s := Signal{Kind: SignalApplied, Parts: n}
			return s, tailOK(tail)
		}
	} else {
		return Signal{}, false
	}
	if !tailOK(tail) {
		return Signal{}, false
	}
	s := Signal{Kind: SignalApplied, Evidence: namesTree(tail)}
	s.Parts = partNumbers(object)
	if len(s.Parts) == 0 {
		// "both", "all three", "these" are the whole series; "the dts
		// patches", "the first two" an unnamed part of it.
		s.Count = countOf(object)
		switch {
		case dtsWord.MatchString(object):
			s.Some, s.DTS = true, true
		case allRe.MatchString(object):
			s.Whole = true
		case someRe.MatchString(object):
			s.Some = true
		default:
			s.Whole = wholeRe.MatchString(object)
		}
	}
	return s, true
}

var countWords = map[string]int{"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}

var countRe = regexp.MustCompile(`\b(?:both|two|three|four|five|six|seven|eight|nine|ten|\d+)\b`)

// countOf returns the number of patches an object names ("both", "all 3").
func countOf(object string) int {
	w := countRe.FindString(object)
	if n, ok := countWords[w]; ok {
		return n
	}
	n, _ := strconv.Atoi(w)
	return n
}

// tailOK checks what follows the verb: after to/into/onto/on/in/for, a
// destination must follow, and "on top of" is never one.
// namesTree says whether an applied sentence's tail names where the
// patches went ("to pwm/for-next", "into my tree").
func namesTree(tail string) bool {
	t := strings.TrimSpace(tail)
	return prepRe.MatchString(t) && destRe.MatchString(t) && !strings.HasPrefix(t, "on top")
}

func tailOK(tail string) bool {
	t := strings.TrimSpace(tail)
	if !prepRe.MatchString(t) {
		return true
	}
	return destRe.MatchString(t) && !strings.HasPrefix(t, "on top")
}

// partNumbers parses "patches #1-#5", "patch 2", "patches 1, 3 and 4".
func partNumbers(text string) []int {
	m := numListRe.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	var out []int
	toks := numRe.FindAllString(m[1], -1)
	rangeNext := false
	for _, tok := range toks {
		switch tok {
		case "-", "–", "to":
			rangeNext = len(out) > 0
			continue
		}
		n, err := strconv.Atoi(tok)
		if err != nil || n <= 0 || n > 999 {
			return nil
		}
		if rangeNext {
			last := out[len(out)-1]
			if n < last || n-last > 999 {
				return nil
			}
			for k := last + 1; k <= n; k++ {
				out = append(out, k)
			}
			rangeNext = false
			continue
		}
		out = appendUnique(out, n)
	}
	return out
}

func appendUnique(list []int, n int) []int {
	for _, x := range list {
		if x == n {
			return list
		}
	}
	return append(list, n)
}

// ownLines returns the lines of text the sender wrote: quoted lines and
// everything after a signature separator are dropped.
func ownLines(text string) []string {
	out := make([]string, 0, strings.Count(text, "\n")+1)
	for lines := (lineCursor{rest: text}); ; {
		l, more := lines.next()
		if !more {
			break
		}
		l = strings.TrimRight(l, "\r")
		if l == "-- " || l == "--" {
			break
		}
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), ">") {
			out = append(out, "")
			continue
		}
		out = append(out, l)
	}
	return out
}

// paragraphs joins runs of non-blank lines with single spaces.
func paragraphs(lines []string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = cur[:0]
		}
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			flush()
			continue
		}
		cur = append(cur, t)
	}
	flush()
	return out
}

// sentences splits a paragraph after '.', '!' or '?' followed by white
// space.
func sentences(para string) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(para); i++ {
		switch para[i] {
		case '.', '!', '?':
			if para[i+1] == ' ' {
				out = append(out, strings.TrimSpace(para[start:i+1]))
				start = i + 1
			}
		}
	}
	if s := strings.TrimSpace(para[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// asciiSpace is unicode.IsSpace for ASCII.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

func normalize(s string) string {
	// One pass of what strings.TrimLeft(strings.ToLower(s), "([ ") with
	// ’ as ' and strings.Join(strings.Fields(…), " ") give (every
	// sentence of every reply goes through it); lower-casing creates and
	// removes none of "([ ", so they are trimmed first.
	s = strings.TrimLeft(s, "([ ")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if r < utf8.RuneSelf && asciiSpace[r] || r >= utf8.RuneSelf && unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteByte(byte(r) + 'a' - 'A')
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case r == '’':
			b.WriteByte('\'')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= maxSignalLine {
		return strings.Clone(s)
	}
	cut := maxSignalLine
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return strings.Clone(s[:cut]) + "…"
}
