package review

import (
	"regexp"
	"strconv"
	"strings"
)

// Subject is what the subject line of a patch mail says about it.
type Subject struct {
	// Reply is set for "Re:", "RE", "Aw:", "Sv:", "Fwd:" and similar
	// prefixes: the mail comments on something.
	Reply bool
	// Patch is set when a PATCH tag was present (in any spelling).
	Patch  bool
	RFC    bool
	Resend bool
	// Pull is set for [GIT PULL], [GIT] and [PULL] tags.
	Pull bool
	// VersionExplicit reports whether the subject gave a version.
	VersionExplicit bool
	// Counter is set when the subject numbers the mail: Number of Total.
	Counter bool
	// Version is the series version, 1 when the subject does not say.
	Version int
	// Point is the point release of a single-patch re-roll: v5.1 gives
	// Version 5, Point 1.
	Point         int
	Number, Total int
	// Stable is a stable-tree tag such as "6.12.y" or "6.6": it looks like
	// a version but names a tree.
	Stable string
	// Prefixes are the remaining bracketed tags (tree names such as
	// "net-next", list tags such as "dpdk-dev"), in order.
	Prefixes []string
	// Title is the subject without reply prefixes and leading tags.
	Title string
}

const maxSubjectScan = 4096

var (
	// Localised reply and forward prefixes, as mail clients write them.
	replyPrefixRe = regexp.MustCompile(`^(?i)(re|aw|sv|vs|antw|odp|r|ref|rif|res|tr|wg|fw|fwd|ynt|atb|vá|отв)\s*(\[\d+\])?\s*:\s*`)
	// Patchwork also treats "Re meep" (no colon) as a reply; b4 any
	// two- or three-letter word with a colon directly before a tag.
	replySpaceRe = regexp.MustCompile(`^(?i)re\s+`)
	replyTagRe   = regexp.MustCompile(`^[A-Za-z]{2,3}:\s*\[`)
	nOfMRe       = regexp.MustCompile(`(?i)\b(\d{1,5})\s+of\s+(\d{1,5})\b`)
	counterRe    = regexp.MustCompile(`(\d{1,5})/(\d{1,5})`)
	versionRe    = regexp.MustCompile(`^(?i)v(\d{1,4})(?:\.(\d{1,3}))?$`)
	stableRe     = regexp.MustCompile(`^\d{1,2}\.\d{1,3}(\.\d{1,4})?(\.y)?$`)
	looseCountRe = regexp.MustCompile(`^(\d{1,5})/(\d{1,5})(:\s*|\s+)`)
	parenVerRe   = regexp.MustCompile(`(?i)\s*\(v(\d{1,4})\)\s*$`)
	gluedPatchRe = regexp.MustCompile(`^(?i)(v\d{1,4})?patch(v\d{1,4})?\d{1,5}/\d{1,5}(:\s*|\s+|$)`)
)

// ParseSubject parses a decoded, unfolded subject line. It handles the
// forms listed in ANCHORS.md §c: "[PATCH v3 2/7]", "[RFC PATCH net-next v2
// 01/10]", "[PATCH,RFC 1/2]", "[PATCHv2 1/3]", "[PATCH 1/8][v2]",
// "PATCH1/8", "v2PATCH1/4", "[PATCH 0 of 2]", "(v2)", "[PATCH v5.1 10/12]",
// "[PATCH 6.12.y 05/60]", "[GIT PULL]", "[PATCH] 1/2: …", nested tags, and
// localised reply prefixes.
func ParseSubject(s string) Subject {
	if len(s) > maxSubjectScan {
		s = s[:maxSubjectScan]
	}
	sub := Subject{Version: 1}
	s = strings.TrimSpace(s)
	for {
		if loc := replyPrefixRe.FindStringIndex(s); loc != nil {
			sub.Reply = true
			s = strings.TrimSpace(s[loc[1]:])
			continue
		}
		if replyTagRe.MatchString(s) {
			sub.Reply = true
			s = strings.TrimSpace(s[strings.IndexByte(s, ':')+1:])
			continue
		}
		if loc := replySpaceRe.FindStringIndex(s); loc != nil {
			sub.Reply = true
			s = strings.TrimSpace(s[loc[1]:])
			continue
		}
		break
	}
	groups := 0
	// An unbracketed leading tag glued to PATCH ("PATCH1/8 foo",
	// "v2PATCH1/4 foo", Patchwork issue #126) counts as a group.
	if m := gluedPatchRe.FindString(s); m != "" {
		groups++
		sub.parseGroup(strings.TrimRight(m, ": \t"))
		s = strings.TrimSpace(s[len(m):])
	}
	for strings.HasPrefix(s, "[") {
		content, rest, ok := cutBracket(s)
		if !ok {
			break
		}
		groups++
		sub.parseGroup(content)
		s = strings.TrimLeft(rest, " \t")
		// "[Patch 2/2]: powerpc/…" and "Re: [PATCH] Re: …" forms.
		s = strings.TrimLeft(s, ": \t")
		if loc := replyPrefixRe.FindStringIndex(s); loc != nil {
			sub.Reply = true
			s = strings.TrimSpace(s[loc[1]:])
		}
	}
	if groups > 0 && !sub.Counter {
		if m := looseCountRe.FindStringSubmatch(s); m != nil {
			sub.setCounter(m[1], m[2])
			s = s[len(m[0]):]
		}
	}
	if !sub.VersionExplicit {
		if m := parenVerRe.FindStringSubmatch(s); m != nil {
			if v, err := strconv.Atoi(m[1]); err == nil && v > 0 {
				sub.Version, sub.VersionExplicit = v, true
			}
		}
	}
	sub.Title = strings.TrimSpace(s)
	return sub
}

// cutBracket splits "[a [b] c] rest" into "a b c" and " rest", flattening
// nested brackets.
func cutBracket(s string) (content, rest string, ok bool) {
	depth := 0
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
			if depth > 1 {
				b.WriteByte(' ')
			}
		case ']':
			depth--
			if depth == 0 {
				return b.String(), s[i+1:], true
			}
			b.WriteByte(' ')
		default:
			b.WriteByte(s[i])
		}
	}
	return "", s, false
}

func (sub *Subject) parseGroup(g string) {
	// "N of M" needs "of", in any case (no letter beyond ASCII folds to
	// o or f).
	if hasOf(g) {
		if m := nOfMRe.FindStringSubmatchIndex(g); m != nil {
			sub.setCounter(g[m[2]:m[3]], g[m[4]:m[5]])
			g = g[:m[0]] + " " + g[m[1]:]
		}
	}
	// The tokens tokenSplitRe would split g into; the empty ones it also
	// gives (around a leading or trailing separator) mean nothing.
	for _, tok := range strings.FieldsFunc(strings.TrimSpace(g), isTokenSeparator) {
		sub.parseToken(tok)
	}
}

// isTokenSeparator is tokenSplitRe's class: a comma or RE2's \s.
func isTokenSeparator(r rune) bool {
	switch r {
	case ',', ' ', '\t', '\n', '\f', '\r':
		return true
	}
	return false
}

func hasOf(g string) bool {
	for i := range len(g) {
		if hasPrefixFold(g[i:], "of") {
			return true
		}
	}
	return false
}

func (sub *Subject) parseToken(tok string) {
	if tok == "" {
		return
	}
	up := strings.ToUpper(tok)
	// Glued forms: PATCHv2, PATCH1/8, v2PATCH1/4.
	if i := strings.Index(up, "PATCH"); i >= 0 && (i == 0 || versionRe.MatchString(tok[:i])) {
		sub.Patch = true
		if i > 0 {
			sub.parseToken(tok[:i])
		}
		if rest := tok[i+len("PATCH"):]; rest != "" {
			if rest[0] == 'E' || rest[0] == 'e' { // PATCHES
				rest = rest[1:]
				if rest != "" && (rest[0] == 'S' || rest[0] == 's') {
					rest = rest[1:]
				}
			}
			sub.parseToken(rest)
		}
		return
	}
	switch up {
	case "RFC":
		sub.RFC = true
		return
	case "RESEND":
		sub.Resend = true
		return
	case "GIT", "PULL", "GIT-PULL":
		sub.Pull = true
		return
	}
	if m := versionRe.FindStringSubmatch(tok); m != nil {
		if v, err := strconv.Atoi(m[1]); err == nil && v > 0 {
			sub.Version, sub.VersionExplicit = v, true
			if m[2] != "" {
				sub.Point, _ = strconv.Atoi(m[2])
			}
			return
		}
	}
	if stableRe.MatchString(tok) {
		sub.Stable = tok
		return
	}
	if m := counterRe.FindStringSubmatch(tok); m != nil && !sub.Counter {
		sub.setCounter(m[1], m[2])
		return
	}
	sub.Prefixes = append(sub.Prefixes, tok)
}

func (sub *Subject) setCounter(n, total string) {
	a, err1 := strconv.Atoi(n)
	b, err2 := strconv.Atoi(total)
	if err1 != nil || err2 != nil || b == 0 {
		return
	}
	sub.Counter, sub.Number, sub.Total = true, a, b
}

// NormalizeTitle reduces a title to what stays stable across revisions:
// lower case, no backticks or quotes, no trailing "(vN)", single spaces.
func NormalizeTitle(title string) string {
	title = parenVerRe.ReplaceAllString(title, "")
	title = strings.Map(func(r rune) rune {
		switch r {
		case '`', '"', '\'':
			return -1
		}
		return r
	}, strings.ToLower(title))
	return strings.Join(strings.Fields(title), " ")
}
