package imappoll

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Start says where the first sync of a mailbox with no cursor begins.
// The zero Start fetches everything.
type Start struct {
	// Now: only mail that arrives after the first sync.
	Now bool
	// Since: messages whose internal date is on or after this day
	// (UID SEARCH SINCE) and everything after them.
	Since time.Time
}

// placeCursor places the cursor of a mailbox never read as Options.Start
// says: after the highest UID (Now), or before the first message since a
// day (Since). Everything (the zero Start) needs no cursor.
func (p *Poller) placeCursor(ctx context.Context, s *sess, t *target) error {
	if !p.o.Start.Now && p.o.Start.Since.IsZero() {
		return nil
	}
	_, _, ok, err := p.store.LoadCursor(ctx, p.o.Name)
	if err != nil {
		return fmt.Errorf("load cursor: %w", err)
	}
	if ok {
		return nil
	}
	folders := []string{t.folder}
	if t.group != "" {
		ks, err := p.groupSlices(s, t.group)
		if err != nil {
			return err
		}
		folders = folders[:0]
		for _, k := range ks {
			folders = append(folders, t.group+"."+strconv.Itoa(k))
		}
		if p.o.Start.Now {
			folders = folders[len(folders)-1:]
		}
	}
	var last, validity uint32
	found := false
	for _, f := range folders {
		sel := t.sel
		if t.group != "" {
			if sel, err = p.selectFolder(s, f); err != nil {
				return err
			}
		}
		validity = sel.UIDValidity
		top, err := p.topUID(s, sel)
		if err != nil {
			return err
		}
		last = top
		if p.o.Start.Now {
			break
		}
		first, err := p.firstSince(s, p.o.Start.Since)
		if err != nil {
			return err
		}
		if first > 0 {
			last, found = first-1, true
			break
		}
	}
	if err := p.saveCursor(ctx, validity, last); err != nil {
		return err
	}
	how := "now"
	if !p.o.Start.Since.IsZero() {
		how = "since " + p.o.Start.Since.Format(time.DateOnly)
		if !found {
			how += " (nothing that recent yet)"
		}
	}
	p.log.Info("first sync: starting "+how, "after_uid", last)
	return nil
}

// topUID is the highest UID of the selected folder (UIDNEXT-1; public-
// inbox's is global across a group's slices).
func (p *Poller) topUID(s *sess, sel *imap.SelectData) (uint32, error) {
	if sel.UIDNext > 0 {
		return uint32(sel.UIDNext) - 1, nil
	}
	var res *imap.SearchData
	err := s.do(func() (err error) { res, err = s.c.UIDSearch(&imap.SearchCriteria{}, nil).Wait(); return err })
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	if uids := res.AllUIDs(); len(uids) > 0 {
		return uint32(slices.Max(uids)), nil
	}
	return 0, nil
}

func (p *Poller) saveCursor(ctx context.Context, validity, last uint32) error {
	if _, err := p.store.SaveBatch(ctx, p.o.Name, validity, last, nil); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// firstSince is the first UID of the selected folder received on or after
// day (UID SEARCH SINCE), 0 if none. public-inbox 1.9 refuses the quoted
// date go-imap sends: on a BAD answer, it is found by a binary search on
// the INTERNALDATE of the folder's UIDs (mail is archived in arrival
// order).
func (p *Poller) firstSince(s *sess, day time.Time) (uint32, error) {
	var res *imap.SearchData
	err := s.do(func() (err error) {
		res, err = s.c.UIDSearch(&imap.SearchCriteria{Since: day}, nil).Wait()
		return err
	})
	var ie *imap.Error
	if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeBad {
		return p.bisectSince(s, day)
	}
	if err != nil {
		return 0, fmt.Errorf("search since %s: %w", day.Format(time.DateOnly), err)
	}
	if uids := res.AllUIDs(); len(uids) > 0 {
		return uint32(slices.Min(uids)), nil
	}
	return 0, nil
}

func (p *Poller) bisectSince(s *sess, day time.Time) (uint32, error) {
	var res *imap.SearchData
	err := s.do(func() (err error) { res, err = s.c.UIDSearch(&imap.SearchCriteria{}, nil).Wait(); return err })
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	uids := res.AllUIDs()
	slices.Sort(uids)
	var ferr error
	i, _ := slices.BinarySearchFunc(uids, day, func(u imap.UID, day time.Time) int {
		if ferr != nil {
			return 0
		}
		var msgs []*imapclient.FetchMessageBuffer
		ferr = s.do(func() (err error) {
			msgs, err = s.c.Fetch(imap.UIDSetNum(u), &imap.FetchOptions{UID: true, InternalDate: true}).Collect()
			return err
		})
		if ferr != nil || len(msgs) == 0 || msgs[0].InternalDate.Before(day) {
			return -1 // an expunged message counts as older
		}
		return 1
	})
	if ferr != nil {
		return 0, fmt.Errorf("fetch internaldate: %w", ferr)
	}
	if i == len(uids) {
		return 0, nil
	}
	return uint32(uids[i]), nil
}
