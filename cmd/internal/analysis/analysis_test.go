package analysis

import (
	"testing"
)

const kernel = "../../ferrule/testdata/kernel"

func TestKernelTree(t *testing.T) {
	tr := KernelTree{Root: kernel}
	if b, ok := tr.ReadFile("include/linux/clk.h"); !ok || len(b) == 0 {
		t.Error("a file of the tree was not read")
	}
	for _, p := range []string{"../ferrule/testdata/kernel/MAINTAINERS", "/etc/passwd", "rust/../../kernel/MAINTAINERS"} {
		if _, ok := tr.ReadFile(p); ok {
			t.Errorf("ReadFile(%q) left the tree", p)
		}
	}
}

func TestOptions(t *testing.T) {
	if _, _, err := LoadTree(t.TempDir()); err == nil {
		t.Error("a directory without rust/ was taken for a kernel tree")
	}
	withTree, err := Options(kernel, nil)
	if err != nil {
		t.Fatal(err)
	}
	if withTree.Tree == nil || len(withTree.Checkers) != 1 || withTree.Route == nil {
		t.Errorf("with a tree: %+v", withTree)
	}
	snapshot, err := Options("", []string{"drivers/x/**"})
	if err != nil || snapshot.Tree != nil || len(snapshot.Checkers) != 1 || snapshot.Route.Maintainers == nil {
		t.Errorf("from the snapshot: %+v, %v", snapshot, err)
	}
}
