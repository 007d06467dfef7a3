package imappoll

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// SliceUIDs is how many UIDs one slice of a public-inbox group holds:
// slice N of group G is the folder G.N and holds UIDs N*SliceUIDs+1 to
// (N+1)*SliceUIDs (public-inbox's UID_SLICE).
const SliceUIDs = 50_000

// fullSliceWait bounds the wait on a full slice whose successor does not
// exist yet: public-inbox does not notify an IDLE on a full slice.
const fullSliceWait = 30 * time.Second

// ErrFolder means the folder cannot be followed (it does not exist, or it
// is an empty placeholder whose children must be named instead); the
// poller stops.
var ErrFolder = errors.New("cannot follow the folder")

// target is what a session follows: a folder, or the slices of a
// public-inbox group, of which one is selected.
type target struct {
	folder string           // the selected folder
	sel    *imap.SelectData // its SELECT answer
	group  string           // the group's name, "" for a plain folder
	slice  int              // the selected slice of the group
}

// sliceEnd is the highest UID slice k can hold.
func sliceEnd(k int) uint32 { return uint32(k+1) * SliceUIDs }

// selectFolder SELECTs name; a NO answer (no such folder) is an ErrFolder.
func (p *Poller) selectFolder(s *sess, name string) (*imap.SelectData, error) {
	var sel *imap.SelectData
	err := s.do(func() (err error) { sel, err = s.c.Select(name, nil).Wait(); return err })
	if err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
			return nil, fmt.Errorf("%w: select %s: %v", ErrFolder, name, err)
		}
		return nil, fmt.Errorf("select %s: %w", name, s.stallErr(err))
	}
	return sel, nil
}

// list returns the folders matching pattern.
func (p *Poller) list(s *sess, pattern string) ([]string, error) {
	var found []*imap.ListData
	err := s.do(func() (err error) { found, err = s.c.List("", pattern, nil).Collect(); return err })
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", pattern, err)
	}
	names := make([]string, 0, len(found))
	for _, l := range found {
		names = append(names, l.Mailbox)
	}
	return names, nil
}

// slicesOf returns the slice numbers among the children of group.
func slicesOf(group string, children []string) []int {
	var ks []int
	for _, c := range children {
		rest, ok := strings.CutPrefix(strings.ToLower(c), strings.ToLower(group)+".")
		if !ok {
			continue
		}
		if k, err := strconv.Atoi(rest); err == nil && k >= 0 && k < 1<<20 && strconv.Itoa(k) == rest {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

// open selects the folder. An empty folder with UIDVALIDITY 0 and
// children is a public-inbox placeholder: when its children are slices
// (GROUP.0, GROUP.1, …) the group is followed, otherwise the poller stops
// and names the children to follow instead. With no cursor yet, the cursor
// is first placed as Options.Start says.
func (p *Poller) open(ctx context.Context, s *sess) (*target, error) {
	sel, err := p.selectFolder(s, p.o.Folder)
	if err != nil {
		return nil, err
	}
	t := &target{folder: p.o.Folder, sel: sel}
	if sel.UIDValidity == 0 && sel.NumMessages == 0 {
		children, err := p.list(s, p.o.Folder+".%")
		if err != nil {
			return nil, err
		}
		ks := slicesOf(p.o.Folder, children)
		switch {
		case len(ks) > 0:
			t.group = p.o.Folder
		case len(children) > 0:
			if len(children) > 10 {
				children = append(children[:10], "…")
			}
			return nil, fmt.Errorf("%w: %s is an empty placeholder (UIDVALIDITY 0); follow one of its children instead: %s",
				ErrFolder, p.o.Folder, strings.Join(children, ", "))
		}
	}
	if t.group == "" {
		if err := p.sliceOfGroup(ctx, s, t); err != nil {
			return nil, err
		}
	}
	if err := p.placeCursor(ctx, s, t); err != nil {
		return nil, err
	}
	if t.group != "" {
		if _, err := p.advance(ctx, s, t, true); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// groupSlices lists the group's slices. A STATUS of the group's folder
// first makes public-inbox create the slices that filled since it last
// looked (it does so on SELECT, EXAMINE and STATUS).
func (p *Poller) groupSlices(s *sess, group string) ([]int, error) {
	err := s.do(func() error { _, err := s.c.Status(group, &imap.StatusOptions{UIDNext: true}).Wait(); return err })
	if err != nil {
		return nil, fmt.Errorf("status %s: %w", group, err)
	}
	children, err := p.list(s, group+".%")
	if err != nil {
		return nil, err
	}
	ks := slicesOf(group, children)
	if len(ks) == 0 {
		return nil, fmt.Errorf("%w: group %s has no slices any more", ErrFolder, group)
	}
	return ks, nil
}

// highWater is the highest UID of the whole group (public-inbox's UIDNEXT
// is global across slices), asked with STATUS of the selected slice.
func (p *Poller) highWater(s *sess, t *target) (uint32, error) {
	var st *imap.StatusData
	err := s.do(func() (err error) {
		st, err = s.c.Status(t.folder, &imap.StatusOptions{UIDNext: true}).Wait()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("status %s: %w", t.folder, err)
	}
	if st.UIDNext == 0 {
		return 0, nil
	}
	return uint32(st.UIDNext) - 1, nil
}

// advance selects the slice the cursor points into: the first slice that
// can still hold a UID above the cursor, or the newest. Unless first, it
// does so only when the selected slice is full and a newer one exists. It
// reports whether it selected another slice.
func (p *Poller) advance(ctx context.Context, s *sess, t *target, first bool) (bool, error) {
	if !first {
		hw, err := p.highWater(s, t)
		if err != nil {
			return false, err
		}
		if hw < sliceEnd(t.slice) {
			return false, nil // mail may still arrive in this slice
		}
	}
	ks, err := p.groupSlices(s, t.group)
	if err != nil {
		return false, err
	}
	_, last, _, err := p.store.LoadCursor(ctx, p.o.Name)
	if err != nil {
		return false, fmt.Errorf("load cursor: %w", err)
	}
	want := ks[len(ks)-1]
	for _, k := range ks {
		if sliceEnd(k) > last {
			want = k
			break
		}
	}
	if !first && want == t.slice {
		return false, nil // full, and the next slice does not exist yet
	}
	name := t.group + "." + strconv.Itoa(want)
	sel, err := p.selectFolder(s, name)
	if err != nil {
		return false, err
	}
	if !first {
		p.log.Info("slice full: following the next one", "from", t.folder, "to", name, "last_uid", last)
	}
	t.folder, t.sel, t.slice = name, sel, want
	return true, nil
}

// full reports whether the selected slice can receive no more mail.
func (t *target) full(last uint32) bool { return t.group != "" && last >= sliceEnd(t.slice) }

// syncTarget syncs the selected folder and, in a group, every slice after
// it as they fill, leaving the newest selected. It returns the cursor's
// last UID.
func (p *Poller) syncTarget(ctx context.Context, s *sess, t *target) (uint32, error) {
	for {
		if err := p.sync(ctx, s, t.sel.UIDValidity); err != nil {
			return 0, err
		}
		_, last, _, err := p.store.LoadCursor(ctx, p.o.Name)
		if err != nil {
			return 0, fmt.Errorf("load cursor: %w", err)
		}
		if t.group == "" {
			return last, nil
		}
		moved, err := p.advance(ctx, s, t, false)
		if err != nil || !moved {
			return last, err
		}
	}
}

// sliceOfGroup turns a folder named like a slice (GROUP.N) of a public-
// inbox group into the group, so that it does not stop when the slice
// fills: the group's parent must be an empty placeholder (UIDVALIDITY 0)
// listing the slice. A mailbox never read then starts at slice N.
func (p *Poller) sliceOfGroup(ctx context.Context, s *sess, t *target) error {
	i := strings.LastIndexByte(t.folder, '.')
	if i <= 0 {
		return nil
	}
	group := t.folder[:i]
	k := slicesOf(group, []string{t.folder})
	if len(k) != 1 {
		return nil
	}
	var st *imap.StatusData
	err := s.do(func() (err error) {
		st, err = s.c.Status(group, &imap.StatusOptions{UIDValidity: true, NumMessages: true}).Wait()
		return err
	})
	var ie *imap.Error
	if errors.As(err, &ie) {
		return nil // no such parent: a plain folder
	}
	if err != nil {
		return fmt.Errorf("status %s: %w", group, err)
	}
	if st.UIDValidity != 0 || st.NumMessages == nil || *st.NumMessages != 0 {
		return nil
	}
	children, err := p.list(s, group+".%")
	if err != nil {
		return err
	}
	if !slices.Contains(slicesOf(group, children), k[0]) {
		return nil
	}
	p.log.Info("the folder is a slice of a public-inbox group: following the group from it", "folder", t.folder, "group", group)
	t.group = group
	if k[0] == 0 || p.o.Start.Now || !p.o.Start.Since.IsZero() {
		return nil
	}
	_, _, ok, err := p.store.LoadCursor(ctx, p.o.Name)
	if err != nil {
		return fmt.Errorf("load cursor: %w", err)
	}
	if ok {
		return nil
	}
	return p.saveCursor(ctx, t.sel.UIDValidity, uint32(k[0])*SliceUIDs)
}
