package rustcheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"ferrule/mail/mailtest"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// capturedNode is a node the item query captured, as parse reads it.
type capturedNode struct {
	capture    uint32
	start, end uint
}

// queryNodes returns the nodes the item query captures in src, in the
// order the query cursor's captures (QueryCaptures, which leaks a C
// allocation per capture) and its matches yield them.
func queryNodes(t *testing.T, src []byte) (byCapture, byMatch []capturedNode) {
	t.Helper()
	p := sitter.NewParser()
	defer p.Close()
	if err := p.SetLanguage(rustLanguage); err != nil {
		t.Fatal(err)
	}
	tree := p.Parse(src, nil)
	if tree == nil {
		t.Fatal("no tree")
	}
	defer tree.Close()
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	caps := qc.Captures(itemsQuery(), tree.RootNode(), src)
	for m, idx := caps.Next(); m != nil; m, idx = caps.Next() {
		c := m.Captures[idx]
		byCapture = append(byCapture, capturedNode{c.Index, c.Node.StartByte(), c.Node.EndByte()})
	}
	ms := qc.Matches(itemsQuery(), tree.RootNode(), src)
	for m := ms.Next(); m != nil; m = ms.Next() {
		for _, c := range m.Captures {
			byMatch = append(byMatch, capturedNode{c.Index, c.Node.StartByte(), c.Node.EndByte()})
		}
	}
	return byCapture, byMatch
}

func checkQueryOrder(t *testing.T, text string) {
	t.Helper()
	byCapture, byMatch := queryNodes(t, []byte(text))
	if !reflect.DeepEqual(byCapture, byMatch) {
		t.Errorf("%q: captures %v, matches %v", text, byCapture, byMatch)
	}
}

var queryOrderCases = []string{
	"unsafe impl Send for X {}\nimpl<T> Foo for Bar<T> { unsafe fn f(&self) { unsafe { g() } } }\n",
	"m!(unsafe { a() }, [b!(c)], { unsafe { d } });\nmacro_rules! m { ($x:expr) => { unsafe { $x } } }\n",
	"extern \"C\" { fn h(x: i32); }\nunsafe extern \"C\" { pub fn k(); }\npub unsafe trait T { fn f(); }\n",
	"    }\n}\nfn a() {\n    let x = unsafe {\n",
	"}}}}{{{{ unsafe fn ( impl for trait extern",
	"#[derive(Debug)]\nfn f() -> impl Fn() { || unsafe { x() } }\n",
}

// TestQueryOrder checks that parse may read the item query's matches
// instead of its captures: on the cases and on the Rust files of the
// clippy UI tests, when ../shared has them.
func TestQueryOrder(t *testing.T) {
	for _, c := range queryOrderCases {
		checkQueryOrder(t, c)
	}
	t.Run("clippy-ui", func(t *testing.T) {
		n := 0
		err := filepath.WalkDir(mailtest.SharedDir(t, "clippy-ui"), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rs") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			n++
			checkQueryOrder(t, string(src))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Error("no Rust files in the clippy UI tests")
		}
	})
}

func FuzzQueryOrder(f *testing.F) {
	for _, c := range queryOrderCases {
		f.Add(c)
	}
	f.Fuzz(checkQueryOrder)
}
