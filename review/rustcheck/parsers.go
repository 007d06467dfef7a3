package rustcheck

import sitter "github.com/tree-sitter/go-tree-sitter"

// Making a tree-sitter parser and a query cursor costs about as much as
// parsing a hunk's window, so parse takes them from a small free list and
// gives them back. A parser and its cursor are used by one goroutine at a
// time: the free list hands each to one caller.

// maxIdleParsers bounds the parsers kept between parses; one returned
// while that many are idle is closed.
const maxIdleParsers = 8

// rustParser is a tree-sitter parser set to Rust, with a query cursor.
type rustParser struct {
	p  *sitter.Parser
	qc *sitter.QueryCursor
}

var idleParsers = make(chan *rustParser, maxIdleParsers)

// getParser returns an idle parser, or a new one; nil when tree-sitter
// refuses the Rust grammar.
func getParser() *rustParser {
	select {
	case rp := <-idleParsers:
		return rp
	default:
	}
	p := sitter.NewParser()
	if err := p.SetLanguage(rustLanguage); err != nil {
		p.Close()
		return nil
	}
	return &rustParser{p: p, qc: sitter.NewQueryCursor()}
}

// put makes rp available to the next getParser, or closes it. Neither
// may be used afterwards; trees it parsed stay valid until closed.
func (rp *rustParser) put() {
	rp.p.Reset()
	select {
	case idleParsers <- rp:
	default:
		rp.qc.Close()
		rp.p.Close()
	}
}
