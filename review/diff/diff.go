// Package diff turns the diff in a patch mail into files, hunks and lines
// with pre- and post-image line numbers, classifies every path by its layer
// in the kernel's Rust architecture, and computes a git-style patch-id.
//
// Parsing is done by github.com/bluekeyes/go-gitdiff, which accepts what
// `git apply` accepts (git and traditional unified diffs, renames, copies,
// mode changes, binary patches). This package adds locating the diff inside
// a mail body ([Find]) and the kernel-specific path classes ([Classify],
// RULES.md §2.1). It is a leaf: it imports nothing else from ferrule, does
// no I/O, and everything in it is safe for concurrent use.
package diff

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/bluekeyes/go-gitdiff/gitdiff"
)

// File is one file changed by a patch.
type File struct {
	Path    string `json:"path"`               // new name, or old name for deletions
	OldPath string `json:"old_path,omitempty"` // set for renames and copies
	Class   Class  `json:"class"`
	Added   int    `json:"added"`
	Deleted int    `json:"deleted"`

	New    bool `json:"new,omitempty"`
	Delete bool `json:"deleted_file,omitempty"`
	Rename bool `json:"rename,omitempty"`
	Copy   bool `json:"copy,omitempty"`
	Binary bool `json:"binary,omitempty"`

	Hunks []Hunk `json:"-"`

	src *gitdiff.File // for Apply; dropped with the hunks
}

// DropHunks forgets the hunks and what Apply needs, keeping the counts.
func (f *File) DropHunks() {
	f.Hunks, f.src = nil, nil
}

// Apply applies the file's change to pre (nil for a new file) and returns
// the post-image. It fails when the hunks' context does not match, as git
// apply does, or when the hunks were dropped.
func (f *File) Apply(pre []byte) (post []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			post, err = nil, fmt.Errorf("apply %s: internal error: %v", f.Path, r)
		}
	}()
	if f.src == nil {
		return nil, fmt.Errorf("apply %s: hunks not kept", f.Path)
	}
	var out bytes.Buffer
	if err := gitdiff.Apply(&out, bytes.NewReader(pre), f.src); err != nil {
		return nil, fmt.Errorf("apply %s: %w", f.Path, err)
	}
	return out.Bytes(), nil
}

// Hunk is one text fragment.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	Section            string // text after the second @@ (often the enclosing item)
	Lines              []Line
}

// Op is a line's role in a hunk.
type Op byte

// Line operations, as written in a unified diff.
const (
	Context Op = ' '
	Add     Op = '+'
	Delete  Op = '-'
)

// Line is one hunk line. Old is its pre-image line number (0 for added
// lines), New its post-image line number (0 for deleted lines).
type Line struct {
	Op   Op
	Text string // without the op character and the trailing newline
	Old  int
	New  int
}

// Patch is the parsed diff of one message.
type Patch struct {
	Files []File
	// ID is a git patch-id style hash: file names and changed lines with
	// white space removed, line numbers ignored. Equal IDs mean the same
	// change, even when rebased.
	ID string
	// Repaired counts context lines that had lost their leading space in
	// transit (mail clients strip it) and were restored before parsing.
	Repaired int
}

// Parse parses diff text (starting at the first file header, as returned by
// [Find]). An error means go-gitdiff rejected the text; it is never a
// panic.
func Parse(text string) (p *Patch, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("parse diff: internal error: %v", r)
		}
	}()
	// One copy of the diff, which the hunks' lines share: they keep
	// neither the mail (text is often a view of the raw message) alive
	// nor a string each.
	text = strings.Clone(text)
	files, _, err := gitdiff.Parse(&lineReader{rest: text})
	repaired := 0
	if err != nil && strings.Contains(err.Error(), "invalid line operation") {
		var fixed string
		if fixed, repaired = restoreContext(text); repaired > 0 {
			files, _, err = gitdiff.Parse(&lineReader{rest: fixed})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("parse diff: %w", err)
	}
	p = &Patch{Files: make([]File, 0, len(files)), Repaired: repaired}
	h := sha1.New()
	var line []byte // one changed line as hashed, reused
	for _, f := range files {
		df := convert(f)
		p.Files = append(p.Files, df)
		fmt.Fprintf(h, "%s\x00%s\n", f.OldName, f.NewName)
		if f.IsBinary && f.BinaryFragment != nil {
			fmt.Fprintf(h, "binary %d %d\n", f.BinaryFragment.Method, f.BinaryFragment.Size)
		}
		for _, hk := range df.Hunks {
			for _, l := range hk.Lines {
				if l.Op == Context {
					continue
				}
				line = append(appendStripped(append(line[:0], byte(l.Op)), l.Text), '\n')
				h.Write(line)
			}
		}
	}
	p.ID = hex.EncodeToString(h.Sum(nil))
	return p, nil
}

// lineReader gives go-gitdiff the lines of a string as substrings of
// it: go-gitdiff reads through ReadString when its reader has one, which
// otherwise (a bufio.Reader) copies every line into a string of its own.
type lineReader struct{ rest string }

// ReadString is bufio.Reader's: the text up to and including delim, with
// io.EOF (and what is left, maybe "") when there is no delim.
func (r *lineReader) ReadString(delim byte) (string, error) {
	i := strings.IndexByte(r.rest, delim)
	if i < 0 {
		line := r.rest
		r.rest = ""
		return line, io.EOF
	}
	line := r.rest[:i+1]
	r.rest = r.rest[i+1:]
	return line, nil
}

// Read makes lineReader an io.Reader, as gitdiff.Parse's signature
// asks; go-gitdiff itself only calls ReadString.
func (r *lineReader) Read(p []byte) (int, error) {
	if r.rest == "" {
		return 0, io.EOF
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

func convert(f *gitdiff.File) File {
	path := f.NewName
	if f.IsDelete || path == "" {
		path = f.OldName
	}
	df := File{
		src:    f,
		Path:   strings.Clone(path), // not a view of the whole diff
		Class:  Classify(path),
		New:    f.IsNew,
		Delete: f.IsDelete,
		Rename: f.IsRename,
		Copy:   f.IsCopy,
		Binary: f.IsBinary,
	}
	if f.IsRename || f.IsCopy {
		df.OldPath = strings.Clone(f.OldName)
	}
	for _, frag := range f.TextFragments {
		hk := Hunk{
			OldStart: int(frag.OldPosition), OldLines: int(frag.OldLines),
			NewStart: int(frag.NewPosition), NewLines: int(frag.NewLines),
			Section: strings.TrimSpace(frag.Comment),
			Lines:   make([]Line, 0, len(frag.Lines)),
		}
		oldN, newN := hk.OldStart, hk.NewStart
		for _, l := range frag.Lines {
			text := strings.TrimSuffix(l.Line, "\n")
			switch l.Op {
			case gitdiff.OpAdd:
				hk.Lines = append(hk.Lines, Line{Op: Add, Text: text, New: newN})
				newN++
				df.Added++
			case gitdiff.OpDelete:
				hk.Lines = append(hk.Lines, Line{Op: Delete, Text: text, Old: oldN})
				oldN++
				df.Deleted++
			default:
				hk.Lines = append(hk.Lines, Line{Op: Context, Text: text, Old: oldN, New: newN})
				oldN++
				newN++
			}
		}
		df.Hunks = append(df.Hunks, hk)
	}
	return df
}

// appendStripped appends s without its spaces, tabs and carriage
// returns: the patch id ignores white space, as git patch-id does.
func appendStripped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\r' {
			b = append(b, c)
		}
	}
	return b
}

// Find returns the byte offset of the first file header of a diff in a
// mail body: a "diff --git" line, an "Index:" line followed by a "===="
// rule (CVS/SVN), or a "--- " line directly followed by "+++ ". It returns
// -1 when the text holds no diff.
func Find(text string) int {
	off := 0
	for off < len(text) {
		end := strings.IndexByte(text[off:], '\n')
		var line, rest string
		if end < 0 {
			line, rest = text[off:], ""
		} else {
			line, rest = text[off:off+end], text[off+end+1:]
		}
		switch {
		case strings.HasPrefix(line, "diff --git "):
			return off
		case strings.HasPrefix(line, "Index: ") && strings.HasPrefix(rest, "===="):
			return off
		case strings.HasPrefix(line, "--- ") && strings.HasPrefix(rest, "+++ "):
			return off
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return -1
}

// restoreContext puts back the leading space of context lines inside a
// hunk's counted range that arrived without one (mail clients strip it
// from lines starting with white space, and from empty lines). It returns
// the repaired text and how many lines it changed.
func restoreContext(text string) (string, int) {
	lines := strings.SplitAfter(text, "\n")
	oldLeft, newLeft, changed := 0, 0, 0
	for i, l := range lines {
		if oldLeft <= 0 && newLeft <= 0 {
			if strings.HasPrefix(l, "@@ ") {
				oldLeft, newLeft = hunkCounts(l)
			}
			continue
		}
		switch {
		case strings.HasPrefix(l, "+"):
			newLeft--
		case strings.HasPrefix(l, "-"):
			oldLeft--
		case strings.HasPrefix(l, " "):
			oldLeft--
			newLeft--
		case strings.HasPrefix(l, "\\"):
		default:
			lines[i] = " " + l
			changed++
			oldLeft--
			newLeft--
		}
	}
	return strings.Join(lines, ""), changed
}

// hunkCounts reads the line counts of "@@ -a,b +c,d @@".
func hunkCounts(header string) (old, new int) {
	var a, b, c, d int
	switch {
	case scan(header, "@@ -%d,%d +%d,%d @@", &a, &b, &c, &d) == 4:
		return b, d
	case scan(header, "@@ -%d +%d,%d @@", &a, &c, &d) == 3:
		return 1, d
	case scan(header, "@@ -%d,%d +%d @@", &a, &b, &c) == 3:
		return b, 1
	case scan(header, "@@ -%d +%d @@", &a, &c) == 2:
		return 1, 1
	}
	return 0, 0
}

func scan(s, format string, args ...any) int {
	n, _ := fmt.Sscanf(s, format, args...)
	return n
}
