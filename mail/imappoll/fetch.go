package imappoll

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"ferrule/mail"
)

const (
	// batchBytes bounds the messages one batch holds in memory (by
	// their RFC822.SIZE); a single larger message is a batch of its own.
	batchBytes = 32 << 20
	// sizeChunk is how many UIDs one RFC822.SIZE fetch asks about (the
	// server may compute them all before its first byte).
	sizeChunk = 500
	// prefixBytes of an over-limit message are fetched to name it.
	prefixBytes = 64 << 10
)

// sync fetches every message after the stored cursor: first the sizes,
// then the bodies in batches bounded by count and bytes, each batch
// stored with the cursor that covers it. A message over the limit is
// stored as a placeholder. The server may take at most the timeout to
// answer any command; storing is not timed here (the store bounds its
// own queries).
func (p *Poller) sync(ctx context.Context, s *sess, uidValidity uint32) error {
	storedValidity, last, ok, err := p.store.LoadCursor(ctx, p.o.Name)
	if err != nil {
		return fmt.Errorf("load cursor: %w", err)
	}
	if ok && storedValidity != uidValidity {
		p.log.Warn("UIDVALIDITY changed: fetching everything again (stored messages are not duplicated)", "old", storedValidity, "new", uidValidity)
		last = 0
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0) // last+1:*
	var found *imap.SearchData
	err = s.do(func() (err error) {
		found, err = s.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		if uint32(u) > last { // n:* always matches the highest UID
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)
	for len(uids) > 0 {
		chunk := uids[:min(len(uids), sizeChunk)]
		uids = uids[len(chunk):]
		sizes, err := p.sizes(s, chunk)
		if err != nil {
			return err
		}
		for len(chunk) > 0 {
			n := p.batchLen(chunk, sizes)
			batch := chunk[:n]
			chunk = chunk[n:]
			start := time.Now()
			raws, err := p.fetchBatch(s, uidValidity, batch, sizes)
			if err != nil {
				return err
			}
			fetched := time.Since(start)
			// The cursor covers the whole batch, expunged messages too.
			top := uint32(batch[len(batch)-1])
			added, err := p.store.SaveBatch(ctx, p.o.Name, uidValidity, top, raws)
			if err != nil {
				return fmt.Errorf("store: %w", err)
			}
			last = top
			p.ingested.Add(int64(added))
			p.progress.Store(nowNano())
			p.log.Debug("stored", "fetched", len(raws), "new", added, "last_uid", top,
				"fetch_time", fetched.Round(time.Millisecond), "store_time", (time.Since(start) - fetched).Round(time.Millisecond))
			if added > 0 && p.o.Notify != nil {
				p.o.Notify(added)
			}
		}
	}
	if ok && storedValidity != uidValidity || !ok {
		// Record the (new) UIDVALIDITY even when the folder is empty.
		if _, err := p.store.SaveBatch(ctx, p.o.Name, uidValidity, last, nil); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// sizes returns the RFC822.SIZE of each of uids still in the folder.
func (p *Poller) sizes(s *sess, uids []imap.UID) (map[imap.UID]int64, error) {
	var msgs []*imapclient.FetchMessageBuffer
	err := s.do(func() (err error) {
		msgs, err = s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("fetch sizes: %w", err)
	}
	sizes := make(map[imap.UID]int64, len(msgs))
	for _, m := range msgs {
		if m.UID != 0 {
			sizes[m.UID] = m.RFC822Size
		}
	}
	return sizes, nil
}

// batchLen is how many of uids the next batch takes: at most BatchSize,
// and no more than batchBytes unless a single message is larger.
func (p *Poller) batchLen(uids []imap.UID, sizes map[imap.UID]int64) int {
	var total int64
	for i, u := range uids {
		sz := sizes[u]
		if sz > p.o.MaxMessageBytes {
			sz = prefixBytes
		}
		if i > 0 && (i >= p.o.BatchSize || total+sz > batchBytes) {
			return i
		}
		total += sz
	}
	return len(uids)
}

// fetchBatch fetches the bodies of batch (the first 64 KiB of those over
// the limit) and returns them in UID order, expunged messages left out.
func (p *Poller) fetchBatch(s *sess, uidValidity uint32, batch []imap.UID, sizes map[imap.UID]int64) ([]*mail.Raw, error) {
	var whole, big []imap.UID
	for _, u := range batch {
		sz, ok := sizes[u]
		switch {
		case !ok: // expunged since the SEARCH
		case sz > p.o.MaxMessageBytes:
			big = append(big, u)
		default:
			whole = append(whole, u)
		}
	}
	got := map[imap.UID]*mail.Raw{}
	var held int64 // bytes of bodies read so far
	for _, part := range []struct {
		uids    []imap.UID
		partial *imap.SectionPartial
	}{{whole, nil}, {big, &imap.SectionPartial{Size: prefixBytes}}} {
		if len(part.uids) == 0 {
			continue
		}
		section := &imap.FetchItemBodySection{Peek: true, Partial: part.partial}
		err := s.do(func() error {
			cmd := s.c.Fetch(imap.UIDSetNum(part.uids...), &imap.FetchOptions{UID: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{section}})
			for m := cmd.Next(); m != nil; m = cmd.Next() {
				if err := p.readMessage(m, uidValidity, part.partial != nil, got, &held); err != nil {
					cmd.Close()
					return err
				}
			}
			return cmd.Close()
		})
		if err != nil {
			return nil, fmt.Errorf("fetch: %w", err)
		}
	}
	raws := make([]*mail.Raw, 0, len(got))
	for _, u := range batch {
		if r := got[u]; r != nil {
			raws = append(raws, r)
		}
	}
	return raws, nil
}

// readMessage reads one message of a FETCH response into got, reading its
// body into a buffer of the literal's exact size, or, over the limit,
// only its first bytes. held counts the bytes the batch holds: a server
// whose literals are larger than the sizes it announced cannot make a
// batch hold more than batchBytes and one message.
func (p *Poller) readMessage(m *imapclient.FetchMessageData, uidValidity uint32, partial bool, got map[imap.UID]*mail.Raw, held *int64) error {
	var uid imap.UID
	var size int64
	var body []byte
	var prefix []byte // set when the body is over the limit
	for item := m.Next(); item != nil; item = m.Next() {
		switch it := item.(type) {
		case imapclient.FetchItemDataUID:
			uid = it.UID
		case imapclient.FetchItemDataRFC822Size:
			size = it.Size
		case imapclient.FetchItemDataBodySection:
			if it.Literal == nil {
				body = []byte{}
				continue
			}
			n := it.Literal.Size()
			if partial || n > p.o.MaxMessageBytes || *held > 0 && *held+n > batchBytes+p.o.MaxMessageBytes {
				size = max(size, n)
				prefix = make([]byte, min(n, prefixBytes))
				if _, err := io.ReadFull(it.Literal, prefix); err != nil {
					return fmt.Errorf("read message: %w", err)
				}
				if _, err := io.Copy(io.Discard, it.Literal); err != nil {
					return fmt.Errorf("read message: %w", err)
				}
				continue
			}
			*held += n
			body = make([]byte, n)
			if _, err := io.ReadFull(it.Literal, body); err != nil {
				return fmt.Errorf("read message: %w", err)
			}
		}
	}
	if uid == 0 {
		return nil // a FETCH the server sent on its own (flags)
	}
	pos := fmt.Sprintf("imap:%s/%d/%d", p.o.Name, uidValidity, uid)
	switch {
	case prefix != nil:
		got[uid] = p.placeholder(pos, size, prefix)
	case body != nil:
		got[uid] = &mail.Raw{Position: pos, Bytes: body}
	}
	return nil
}

// placeholder stands for a message over the limit: no bytes, and an error
// that names it by its size, Message-ID and a digest of its first bytes,
// not by its UID, so that a refetch after a UIDVALIDITY reset, or the
// same message in another mailbox, gets the same fallback id.
func (p *Poller) placeholder(pos string, size int64, prefix []byte) *mail.Raw {
	p.tooLarge.Add(1)
	sum := sha256.Sum256(prefix)
	id := "unknown"
	if m, err := mail.Parse(&mail.Raw{Position: pos, Bytes: prefix}); err == nil && !m.SyntheticID {
		id = "<" + m.MessageID + ">"
	}
	p.log.Warn("message over the size limit: stored as unparsed, without its body", "position", pos, "bytes", size, "limit", p.o.MaxMessageBytes, "message_id", id)
	// The limit is left out of the error: changing it must not change
	// the fallback id.
	return &mail.Raw{Position: pos, Err: fmt.Errorf("%w: %d bytes over IMAP, Message-ID %s, first %d bytes sha256:%s",
		mail.ErrTooLarge, size, id, len(prefix), hex.EncodeToString(sum[:12]))}
}
