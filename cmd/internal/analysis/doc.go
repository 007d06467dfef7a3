// Package analysis wires ferrule's review analysis for a command: the
// Rust checker and MAINTAINERS routing, from a kernel checkout when one is
// given ([Options] with a tree: its rust/ sources, helpers, bindings
// helpers and MAINTAINERS, and whole-file analysis against it) or else
// from the snapshot embedded in review/rustcheck.
//
// It also reads a git checkout for `ferrule check --git-range`
// ([FormatPatch], [GitTree]) and regenerates the embedded snapshot from a
// kernel tree ([WriteSnapshot]). It reads files and runs git; it opens no
// store and no network connection.
package analysis
