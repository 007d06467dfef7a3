package review

import (
	"fmt"
)

// Tree reads files of a kernel checkout (kernel tree mode). Paths are
// repository-relative with '/' separators.
type Tree interface {
	ReadFile(path string) ([]byte, bool)
}

// images are the whole files around one patch.
type images struct {
	pre, post map[string][]byte
}

func (im *images) PreImage(path string) ([]byte, bool) {
	b, ok := im.pre[path]
	return b, ok
}

func (im *images) PostImage(path string) ([]byte, bool) {
	b, ok := im.post[path]
	return b, ok
}

// AnalyzeTree applies every series, patch by patch in number order, to
// in-memory copies of the tree's files and re-runs the checkers on each
// patch with the whole pre- and post-image files, which turns
// needs-post-image findings into definite answers. A patch that does not
// apply keeps its findings from the hunks alone and gets a warning, as do
// the patches after it. The posts' hunks must have been kept
// (InspectOptions.KeepHunks).
func AnalyzeTree(res *Result, tree Tree, checkers []Checker) {
	for _, s := range res.Series {
		overlay := map[string][]byte{}
		gone := map[string]bool{}
		read := func(path string) ([]byte, bool) {
			if gone[path] {
				return nil, false
			}
			if b, ok := overlay[path]; ok {
				return b, true
			}
			return tree.ReadFile(path)
		}
		broken := ""
		for _, pt := range s.Parts {
			p := pt.Post
			if broken != "" {
				p.Warnings = append(p.Warnings, "tree: not applied, an earlier patch did not apply ("+broken+")")
				continue
			}
			im := &images{pre: map[string][]byte{}, post: map[string][]byte{}}
			var err error
			for i := range p.Files {
				f := &p.Files[i]
				from := f.Path
				if f.OldPath != "" {
					from = f.OldPath
				}
				var pre []byte
				if !f.New {
					b, ok := read(from)
					if !ok {
						err = fmt.Errorf("%s: not in the tree", from)
						break
					}
					pre = b
					im.pre[f.Path] = b
				}
				if f.Delete {
					gone[f.Path] = true
					delete(overlay, f.Path)
					continue
				}
				var post []byte
				if post, err = f.Apply(pre); err != nil {
					break
				}
				im.post[f.Path] = post
				overlay[f.Path] = post
				delete(gone, f.Path)
				if f.Rename {
					gone[from] = true
				}
			}
			if err != nil {
				broken = fmt.Sprintf("patch %d: %v", pt.Number, err)
				p.Warnings = append(p.Warnings, "tree: does not apply: "+err.Error())
				continue
			}
			if pt.Carried || len(checkers) == 0 {
				continue
			}
			p.Findings = nil
			for _, c := range checkers {
				p.Findings = append(p.Findings, c.Check(&CheckInput{Post: p, Files: p.Files, Images: im})...)
			}
		}
	}
}
