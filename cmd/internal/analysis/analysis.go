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
	knowledge, maint, err := Knowledge(tree)
	if err != nil {
		return nil, err
	}
	opts := &review.IngestOptions{}
	if tree != "" {
		opts.Tree = KernelTree{Root: tree}
	}
	opts.Checkers, opts.Route = Checkers(knowledge, maint, leafAllow)
	return opts, nil
}

// Knowledge is what ferrule knows of the kernel: a tree's (LoadTree) when
// tree is set, else the embedded snapshot and MAINTAINERS.
func Knowledge(tree string) (*rustcheck.Knowledge, *maintainers.File, error) {
	if tree == "" {
		return rustcheck.Snapshot(), DefaultMaintainers(), nil
	}
	return LoadTree(tree)
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
