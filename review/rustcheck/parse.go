package rustcheck

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	sitter "github.com/tree-sitter/go-tree-sitter"
	rust "github.com/tree-sitter/tree-sitter-rust/bindings/go"
)

var rustLanguage = sitter.NewLanguage(rust.Language())

// itemKind names the constructs rules look at.
type itemKind int

const (
	unsafeBlock itemKind = iota
	unsafeImpl
	fnItem // any fn; unsafe says whether it is an unsafe fn
	traitItem
	externBlock // extern "C" { … }: hand-written FFI declarations
	implBlock   // any impl (inherent or trait)
)

// item is a construct found in a window, with the context rules need.
type item struct {
	kind     itemKind
	row      int // window row where it starts (the `unsafe` keyword for blocks)
	endRow   int
	stmtRow  int    // row where the enclosing statement or item starts
	name     string // fn or trait name; the trait of an impl
	selfType string // the implemented type of an impl
	unsafe   bool
	// inTraitImpl: a fn inside `impl Trait for Type`, whose contract is
	// the trait's.
	inTraitImpl bool
	inUnsafeFn  bool // a block inside an unsafe fn
	bodyStart   int  // row of a fn body's opening brace, -1 without body
	macro       bool // found textually inside a macro invocation's tokens
	// inMacroCall: inside the arguments of a macro invocation (not a
	// macro_rules! definition), which may expand it to anything.
	inMacroCall bool
}

// statementParents are the node kinds whose children are statements or
// items: climbing from an unsafe block stops below them.
var statementParents = map[string]bool{
	"block": true, "source_file": true, "declaration_list": true, "ERROR": true,
	"match_block": true, "field_declaration_list": true,
}

var macroUnsafeRe = regexp.MustCompile(`\bunsafe\s*\{`)

// itemQuery captures, in one pass inside tree-sitter, the nodes parse
// needs; walking the tree node by node through cgo costs far more.
// Comments and literals are handled by the Go lexer (lex.go).
const itemQuery = `
(unsafe_block) @unsafe_block
(impl_item) @impl
(function_item) @fn
(function_signature_item) @fn
(trait_item) @trait
(foreign_mod_item) @extern
(token_tree) @token_tree
`

var (
	queryOnce sync.Once
	query     *sitter.Query
)

func itemsQuery() *sitter.Query {
	queryOnce.Do(func() {
		q, err := sitter.NewQuery(rustLanguage, itemQuery)
		if err != nil {
			panic("rustcheck: bad item query: " + err.Error())
		}
		query = q
	})
	return query
}

// needsTree reports whether the window has anything the syntax tree is
// needed for: unsafe code, extern blocks, or type invariants.
func needsTree(w *window) bool {
	for _, l := range w.lines {
		if strings.Contains(l.text, "unsafe") || strings.Contains(l.text, "extern") || strings.Contains(l.text, "Invariants") {
			return true
		}
	}
	return false
}

// parse fills w.code (comments and literals blanked) and w.cmt with the Go
// lexer, then, where needed, returns the items tree-sitter finds in w:
// from the cache of windows already parsed (parsecache.go) when it can.
func parse(w *window) []item {
	w.code = make([]string, len(w.lines))
	w.cmt = make([]string, len(w.lines))
	var st lexState
	for i, l := range w.lines {
		w.code[i], w.cmt[i] = st.blankLine(l.text)
	}
	if !needsTree(w) {
		return nil
	}
	key, ok := w.sourceKey()
	if !ok {
		return parseTree(w, []byte(key))
	}
	if items, ok := cachedItems(key); ok {
		return items
	}
	items := parseTree(w, []byte(key))
	cacheItems(key, items)
	return items
}

// parseTree runs tree-sitter over w, whose source is src, and returns the
// items found. The tree is closed before it returns; the parser and its
// query cursor go back to the free list (parsers.go).
func parseTree(w *window, src []byte) []item {
	rp := getParser()
	if rp == nil {
		return nil
	}
	defer rp.put()
	tree := rp.p.Parse(src, nil)
	if tree == nil {
		return nil
	}
	defer tree.Close()

	offs := make([]int, len(w.lines)+1)
	var cb strings.Builder
	for i, c := range w.code {
		offs[i+1] = offs[i] + len(c) + 1
		cb.WriteString(c)
		cb.WriteByte('\n')
	}
	code := []byte(cb.String())

	q := itemsQuery()
	names := q.CaptureNames()
	var items []item
	var calls [][2]int // row ranges of macro invocation arguments
	// Matches, not Captures: QueryCaptures.Next leaks a C allocation per
	// capture (go-tree-sitter v0.25.0). Every pattern of the query is one
	// node with one capture, so the matches come in the captures' order
	// (TestQueryOrder).
	matches := rp.qc.Matches(q, tree.RootNode(), src)
	for m := matches.Next(); m != nil; m = matches.Next() {
		if len(m.Captures) != 1 {
			continue
		}
		c := m.Captures[0]
		node := c.Node
		n := &node
		switch names[c.Index] {
		case "unsafe_block":
			anc := ancestors(n)
			items = append(items, item{kind: unsafeBlock, row: row(n), endRow: endRow(n), stmtRow: stmtRow(n, anc), inUnsafeFn: inUnsafeFn(anc, src), unsafe: true})
		case "impl":
			it := item{kind: implBlock, row: row(n), endRow: endRow(n), stmtRow: row(n), unsafe: hasToken(n, "unsafe")}
			if t := n.ChildByFieldName("trait"); t != nil {
				it.name = t.Utf8Text(src)
			}
			if t := n.ChildByFieldName("type"); t != nil {
				it.selfType = t.Utf8Text(src)
			}
			items = append(items, it)
			if it.unsafe {
				it.kind = unsafeImpl
				items = append(items, it)
			}
		case "fn":
			it := item{kind: fnItem, row: row(n), endRow: endRow(n), stmtRow: row(n), bodyStart: -1}
			if m := childOfKind(n, "function_modifiers"); m != nil {
				it.unsafe = hasWord(m.Utf8Text(src), "unsafe")
			}
			if it.unsafe {
				it.inTraitImpl = inTraitImpl(ancestors(n))
			}
			if nm := n.ChildByFieldName("name"); nm != nil {
				it.name = nm.Utf8Text(src)
			}
			if b := n.ChildByFieldName("body"); b != nil {
				it.bodyStart = row(b)
			}
			items = append(items, it)
		case "trait":
			it := item{kind: traitItem, row: row(n), endRow: endRow(n), stmtRow: row(n), unsafe: hasToken(n, "unsafe")}
			if nm := n.ChildByFieldName("name"); nm != nil {
				it.name = nm.Utf8Text(src)
			}
			items = append(items, it)
		case "extern":
			items = append(items, item{kind: externBlock, row: row(n), endRow: endRow(n), stmtRow: row(n), unsafe: hasToken(n, "unsafe")})
		case "token_tree":
			// Macro arguments are not parsed as expressions: find unsafe
			// blocks in them by text, once per outermost token tree, in
			// the tree's own bytes only.
			start, end := int(n.StartByte()), min(int(n.EndByte()), len(code))
			par := n.Parent()
			if par != nil && par.Kind() == "macro_invocation" {
				calls = append(calls, [2]int{row(n), endRow(n)})
			}
			if start >= end || !macroUnsafeRe.Match(code[start:end]) {
				continue
			}
			if par != nil && par.Kind() == "token_tree" {
				continue
			}
			anc := ancestors(n)
			stmt, inFn := stmtRow(n, anc), inUnsafeFn(anc, src)
			for _, loc := range macroUnsafeRe.FindAllIndex(code[start:end], -1) {
				r := sort.SearchInts(offs, start+loc[0]+1) - 1
				if r >= 0 && r < len(w.lines) {
					items = append(items, item{kind: unsafeBlock, row: r, endRow: blockEndRow(w.code, r), stmtRow: stmt, inUnsafeFn: inFn, unsafe: true, macro: true})
				}
			}
		}
	}
	items = append(items, fallbackItems(w, items)...)
	for i := range items {
		for _, c := range calls {
			if items[i].row > c[0] && items[i].row <= c[1] || items[i].row == c[0] && c[0] == c[1] {
				items[i].inMacroCall = true
			}
		}
	}
	return items
}

// blockEndRow returns the row where the block opened by the first "{"
// after "unsafe" on row closes (row itself when unbalanced in the window).
func blockEndRow(code []string, row int) int {
	loc := macroUnsafeRe.FindStringIndex(code[row])
	if loc == nil {
		return row
	}
	depth := 0
	for r := row; r < len(code); r++ {
		c := code[r]
		if r == row {
			c = c[loc[1]-1:]
		}
		for _, ch := range c {
			switch ch {
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					return r
				}
			}
		}
	}
	return row
}

// ancestors returns n's parents, nearest last (the order of a walk's
// stack).
func ancestors(n *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for p := n.Parent(); p != nil && len(out) < 256; p = p.Parent() {
		out = append(out, p)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

var (
	fbImplRe  = regexp.MustCompile(`\bunsafe\s+impl\b(?:\s*<.*?>)?\s*(.*?)\s+for\s+(.*?)\s*(\{|where\b|$)`)
	fbFnRe    = regexp.MustCompile(`\bunsafe\s+(?:extern\s+"[^"]*"\s+)?fn\s+(#?\w+)`)
	fbTraitRe = regexp.MustCompile(`\bunsafe\s+trait\s+(\w+)`)
	fbImplAny = regexp.MustCompile(`^(\s*)(?:unsafe\s+)?impl\b(.*)`)
)

// fallbackItems recovers unsafe anchors (RULES.md §3) on rows where
// tree-sitter's error recovery produced no item: a hunk that starts or
// ends inside braces can leave an impl or a macro body in an ERROR node.
// The code is already free of comments and string literals.
func fallbackItems(w *window, items []item) []item {
	have := map[[2]int]bool{}
	for _, it := range items {
		have[[2]int{int(it.kind), it.row}] = true
	}
	var out []item
	for r, c := range w.code {
		if !strings.Contains(c, "unsafe") {
			continue
		}
		if !strings.Contains(c, "impl") && !strings.Contains(c, "fn") && !strings.Contains(c, "trait") && !strings.Contains(c, "{") {
			continue
		}
		if m := mayMatchSub(c, fbImplRe, "impl"); m != nil && !have[[2]int{int(unsafeImpl), r}] {
			out = append(out, item{kind: unsafeImpl, row: r, endRow: r, stmtRow: r, unsafe: true, name: strings.TrimSpace(m[1]), selfType: strings.TrimSpace(m[2]), macro: true})
		}
		if m := mayMatchSub(c, fbFnRe, "fn"); m != nil && !have[[2]int{int(fnItem), r}] {
			it := item{kind: fnItem, row: r, endRow: r, stmtRow: r, unsafe: true, name: m[1], bodyStart: -1, macro: true}
			it.inTraitImpl = enclosingImplHasTrait(w, r)
			out = append(out, it)
		}
		if m := mayMatchSub(c, fbTraitRe, "trait"); m != nil && !have[[2]int{int(traitItem), r}] {
			out = append(out, item{kind: traitItem, row: r, endRow: r, stmtRow: r, unsafe: true, name: m[1], macro: true})
		}
		if macroUnsafeRe.MatchString(c) && !have[[2]int{int(unsafeBlock), r}] {
			out = append(out, item{kind: unsafeBlock, row: r, endRow: blockEndRow(w.code, r), stmtRow: r, unsafe: true, macro: true})
		}
	}
	return out
}

// enclosingImplHasTrait looks upwards for the impl line enclosing row (by
// indentation) and reports whether it implements a trait.
func enclosingImplHasTrait(w *window, row int) bool {
	indent := len(w.code[row]) - len(strings.TrimLeft(w.code[row], " \t"))
	for r := row - 1; r >= 0; r-- {
		m := fbImplAny.FindStringSubmatch(w.code[r])
		if m != nil && len(m[1]) < indent {
			return strings.Contains(m[2], " for ")
		}
	}
	return false
}

func row(n *sitter.Node) int    { return int(n.StartPosition().Row) }
func endRow(n *sitter.Node) int { return int(n.EndPosition().Row) }

// stmtRow climbs from n to the node whose parent holds statements or items
// and returns the row where that statement starts.
func stmtRow(n *sitter.Node, stack []*sitter.Node) int {
	cur := n
	for i := len(stack) - 1; i >= 0; i-- {
		if statementParents[stack[i].Kind()] {
			return row(cur)
		}
		cur = stack[i]
	}
	return row(cur)
}

func inUnsafeFn(stack []*sitter.Node, src []byte) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].Kind() {
		case "function_item":
			if m := childOfKind(stack[i], "function_modifiers"); m != nil {
				return hasWord(m.Utf8Text(src), "unsafe")
			}
			return false
		case "closure_expression":
			return false
		}
	}
	return false
}

func inTraitImpl(stack []*sitter.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].Kind() {
		case "impl_item":
			return stack[i].ChildByFieldName("trait") != nil
		case "function_item", "trait_item":
			return false
		}
	}
	return false
}

func childOfKind(n *sitter.Node, kind string) *sitter.Node {
	for i := uint(0); i < n.ChildCount(); i++ {
		if c := n.Child(i); c != nil && c.Kind() == kind {
			return c
		}
	}
	return nil
}

// hasToken reports whether n has a direct (anonymous) child token kind.
func hasToken(n *sitter.Node, kind string) bool { return childOfKind(n, kind) != nil }

func hasWord(s, word string) bool {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		if f == word {
			return true
		}
	}
	return false
}

// mayMatchSub runs re only when code contains the literal re needs.
func mayMatchSub(code string, re *regexp.Regexp, literal string) []string {
	if !strings.Contains(code, literal) {
		return nil
	}
	return re.FindStringSubmatch(code)
}
