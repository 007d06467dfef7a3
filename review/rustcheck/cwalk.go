package rustcheck

import (
	"strings"

	"ferrule/review/diff"
)

// Reading the symbols a C hunk changes: both sides of the hunk are walked
// in one pass over its lines, each side tracking the enclosing function,
// type, comment and preprocessor branch; a context line, on both sides,
// is read once.

// scope is where a line of C is: in the function fn (a static inline one
// when inline) or in the type typ.
type scope struct {
	fn     string
	inline bool
	typ    string
}

// sectionScope is what a hunk starts inside, from git's function-name
// line.
func sectionScope(section string) scope {
	if name, ok := sectionTypeName(section); ok {
		return scope{typ: name}
	}
	if name, ok := inlineName(section); ok {
		return scope{fn: name, inline: true}
	}
	if name, ok := funcDefName(section); ok && !cStmtWords[firstWord(section)] {
		return scope{fn: name}
	}
	return scope{}
}

// hunkCSymbols returns the relevant symbols h changes on its post-image
// (added lines) and on its pre-image (removed lines), each in row order,
// rows numbered as hunkWindows numbers them.
func hunkCSymbols(h *diff.Hunk, relevant func(string) bool) (added, removed []cChange) {
	at := sectionScope(h.Section)
	post := cWalk{scope: at, relevant: relevant}
	pre := cWalk{scope: at, relevant: relevant}
	for _, hl := range h.Lines {
		l := readCLine(hl.Text)
		switch hl.Op {
		case diff.Add:
			post.step(&l, true)
		case diff.Delete:
			pre.step(&l, true)
		default:
			post.step(&l, false)
			pre.step(&l, false)
		}
	}
	return post.out, pre.out
}

// cLine is a line of C as the walk reads it, whichever side it is on.
type cLine struct {
	text, trim string
	col0       bool // starts in column 0
	// lineComment: starts with //, /* or *; blockComment: with /* or *.
	lineComment, blockComment bool
	opens, closes             bool // leaves a /* comment open; closes one
	elseBranch, endIf         bool // opens a !CONFIG_ branch; #if… or #endif
	// What the line opens: read when a side first needs it (on neither
	// side when the line is a comment).
	read   bool
	opened scope
}

func readCLine(t string) cLine {
	trim := strings.TrimSpace(t)
	l := cLine{
		text:         t,
		trim:         trim,
		col0:         len(t) > 0 && t[0] != ' ' && t[0] != '\t',
		blockComment: strings.HasPrefix(trim, "/*") || strings.HasPrefix(trim, "*"),
		opens:        strings.Contains(t, "/*") && !strings.Contains(t[strings.LastIndex(t, "/*"):], "*/"),
		closes:       strings.Contains(t, "*/") && !strings.Contains(t[strings.LastIndex(t, "*/"):], "/*"),
		elseBranch:   configElse(t),
		endIf:        strings.HasPrefix(trim, "#endif") || strings.HasPrefix(trim, "#if"),
	}
	l.lineComment = l.blockComment || strings.HasPrefix(trim, "//")
	return l
}

// opensScope reads what function or type l opens, once; ok is false when
// it opens none.
func (l *cLine) opensScope() (s scope, ok bool) {
	if !l.read {
		l.read = true
		t := l.text
		if name, isInline := inlineName(t); isInline {
			l.opened = scope{fn: name, inline: true}
		} else if l.col0 {
			if name, ok := sectionTypeName(t); ok {
				l.opened = scope{typ: name}
			} else if name, ok := funcDefName(t); ok && !cStmtWords[firstWord(t)] && !strings.HasPrefix(l.trim, "#") {
				l.opened = scope{fn: name}
			}
		}
	}
	return l.opened, l.opened != scope{}
}

// cWalk is one side of a hunk being walked.
type cWalk struct {
	scope
	elseBranch, inComment bool
	row                   int
	relevant              func(string) bool
	out                   []cChange
	// Most changed lines are in a function's body and name it again:
	// relevant is asked once per run.
	lastName   string
	lastWanted bool
}

func (w *cWalk) add(name, how string, inline, stub bool) {
	if name != w.lastName || name == "" {
		w.lastName = name
		w.lastWanted = name != "" && !cKeywords[name] && !cStmtWords[name] && w.relevant(name)
	}
	if w.lastWanted {
		w.out = append(w.out, cChange{name: name, how: how, inline: inline, stub: stub, row: w.row})
	}
}

// step reads the side's next line: context, or changed on this side.
func (w *cWalk) step(l *cLine, changed bool) {
	t, trim := l.text, l.trim
	comment := w.inComment || l.lineComment
	if l.opens {
		w.inComment = true
	}
	if w.inComment && l.closes {
		w.inComment = false
		if !l.blockComment {
			comment = false
		}
	}
	if l.elseBranch {
		w.elseBranch = true
	} else if l.endIf {
		w.elseBranch = false
	}
	// Track where we are before judging the line.
	if !comment && trim != "" {
		if opened, ok := l.opensScope(); ok {
			w.scope = opened
		}
	}
	if changed && !comment && trim != "" && trim != "{" && trim != "}" {
		w.changedLine(l)
	}
	if l.col0 && strings.HasPrefix(t, "}") {
		w.scope = scope{}
	}
	w.row++
}

// changedLine records the symbol a changed line of code changes.
func (w *cWalk) changedLine(l *cLine) {
	t, trim := l.text, l.trim
	macro, funcLike := defineName(t)
	opened, _ := l.opensScope()
	switch {
	case cGuardRe.MatchString(t):
	case exportNameRe.MatchString(t):
		w.add(exportNameRe.FindStringSubmatch(t)[1], "definition", false, false)
	case macro != "":
		w.add(macro, "definition", funcLike, false)
	case opened.inline: // a static inline function
		w.add(opened.fn, "definition", true, w.elseBranch)
	default:
		if name, ok := typeDefName(t); ok {
			w.add(name, "definition", false, false)
			return
		}
		switch {
		case l.col0 && strings.HasPrefix(t, "static ") && !strings.Contains(t, "inline"):
			// file-local: no Rust code can call it (a function that
			// stops being static shows as a plain definition on the
			// other side)
		case l.col0 && cProtoRe.MatchString(t) && !cStmtWords[firstWord(t)]:
			// a prototype, or the first line of a definition: the
			// signature or linkage changes
			w.add(cProtoRe.FindStringSubmatch(t)[1], "definition", false, false)
		case strings.HasPrefix(trim, "#"):
			// other preprocessor lines (#if, #include …) change no symbol
		case w.typ != "" && upperStart(trim) && cEnumConstRe.MatchString(t):
			w.add(cEnumConstRe.FindStringSubmatch(t)[1], "definition", false, false)
		case w.fn != "":
			how := "body"
			if w.inline {
				how = "definition"
			}
			w.add(w.fn, how, w.inline, w.inline && w.elseBranch)
		case w.typ != "":
			w.add(w.typ, "definition", false, false) // a field of the enclosing type
		}
	}
}
