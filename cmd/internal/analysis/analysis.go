package analysis

import (
	"sync"

	"ferrule/review"
	"ferrule/review/maintainers"
	"ferrule/review/rustcheck"
)

// Options wires the Rust checker and MAINTAINERS routing, from a kernel
// tree when one is given, else from the embedded snapshot. With a tree,
// series are also applied to it for whole-file analysis.
func Options(tree string, leafAllow []string) (*review.IngestOptions, error) {
	opts := &review.IngestOptions{}
	var knowledge *rustcheck.Knowledge
	var maint *maintainers.File
	if tree != "" {
		k, m, err := LoadTree(tree)
		if err != nil {
			return nil, err
		}
		knowledge, maint = k, m
		opts.Tree = KernelTree{Root: tree}
	} else {
		knowledge, maint = rustcheck.Snapshot(), DefaultMaintainers()
	}
	opts.Checkers, opts.Route = Checkers(knowledge, maint, leafAllow)
	return opts, nil
}

// Checkers is the Rust checker and the routing for some kernel knowledge.
func Checkers(k *rustcheck.Knowledge, m *maintainers.File, leafAllow []string) ([]review.Checker, *review.RouteOptions) {
	return []review.Checker{rustcheck.New(&rustcheck.Options{Knowledge: k, LeafAllow: leafAllow})},
		&review.RouteOptions{Maintainers: m, Wraps: k.WrappedHeaders}
}

// DefaultMaintainers is the embedded MAINTAINERS, parsed once and shared
// (read-only).
func DefaultMaintainers() *maintainers.File { return defaultMaintainers() }

var defaultMaintainers = sync.OnceValue(func() *maintainers.File {
	m, _ := maintainers.Parse(rustcheck.MaintainersSnapshot())
	return m
})
