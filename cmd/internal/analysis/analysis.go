package analysis

import (
	"ferrule/review"
	"ferrule/review/maintainers"
	"ferrule/review/rustcheck"
)

// Options wires the Rust checker and MAINTAINERS routing, from a kernel
// tree when one is given, else from the embedded snapshot. With a tree,
// series are also applied to it for whole-file analysis.
func Options(tree string, leafAllow []string) (*review.IngestOptions, error) {
	knowledge, maint := rustcheck.Snapshot(), DefaultMaintainers()
	opts := &review.IngestOptions{}
	if tree != "" {
		k, m, err := LoadTree(tree)
		if err != nil {
			return nil, err
		}
		knowledge, maint = k, m
		opts.Tree = KernelTree{Root: tree}
	}
	opts.Checkers, opts.Route = Checkers(knowledge, maint, leafAllow)
	return opts, nil
}

// Checkers is the Rust checker and the routing for some kernel knowledge.
func Checkers(k *rustcheck.Knowledge, m *maintainers.File, leafAllow []string) ([]review.Checker, *review.RouteOptions) {
	return []review.Checker{rustcheck.New(&rustcheck.Options{Knowledge: k, LeafAllow: leafAllow})},
		&review.RouteOptions{Maintainers: m, Wraps: k.WrappedHeaders}
}

// DefaultMaintainers is the embedded MAINTAINERS excerpt.
func DefaultMaintainers() *maintainers.File {
	m, _ := maintainers.Parse(rustcheck.MaintainersSnapshot())
	return m
}
