package review

import (
	"context"
	"errors"
	"fmt"
	"io"

	"ferrule/mail"
)

// RestoreHunks reads src, the input posts were ingested from, once more
// and puts back the hunks their files dropped (ingestion without
// InspectOptions.KeepHunks): what [Interdiff] needs for the one series a
// command prints, without keeping every hunk of a whole archive. Posts
// without files, those whose hunks are there already, and those not found
// (or changed since) are left as they are. It returns how many posts got
// their hunks back; an error of src ends the read with it.
func RestoreHunks(ctx context.Context, src mail.Source, posts []*Post) (int, error) {
	return reread(ctx, src, posts, func(p *Post) bool { return len(p.Files) > 0 && !keptPostHunks(p) },
		func(p, fresh *Post) bool {
			if !sameFiles(p, fresh) {
				return false
			}
			p.Files = fresh.Files
			return true
		})
}

// RestoreRecipients reads src once more and puts back the To and Cc of
// posts ingested with IngestOptions.DropRecipients: a reply needs them
// for the one message it answers only. It returns how many posts got
// them back.
func RestoreRecipients(ctx context.Context, src mail.Source, posts []*Post) (int, error) {
	in := interner{}
	return reread(ctx, src, posts, func(p *Post) bool { return p.To == nil && p.Cc == nil },
		func(p, fresh *Post) bool {
			in.post(fresh)
			p.To, p.Cc = fresh.To, fresh.Cc
			return true
		})
}

// reread finds in src the message of every post that needs it, by the
// post's position, checks its Message-ID and decodes it again; fill
// copies what is wanted from the fresh post and says whether it could.
// Only those messages are decoded.
func reread(ctx context.Context, src mail.Source, posts []*Post, needs func(*Post) bool, fill func(p, fresh *Post) bool) (int, error) {
	want := map[string][]*Post{}
	left := 0
	for _, p := range posts {
		if p == nil || p.Position == "" || !needs(p) {
			continue
		}
		want[p.Position] = append(want[p.Position], p)
		left++
	}
	done := 0
	for left > 0 {
		raw, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return done, fmt.Errorf("read %s: %w", src.Position(), err)
		}
		ps := want[raw.Position]
		if len(ps) == 0 || raw.Err != nil {
			continue
		}
		fresh := inspectAgain(raw)
		if fresh == nil {
			continue
		}
		for _, p := range ps {
			if p.MessageID != fresh.MessageID || !needs(p) {
				continue
			}
			left--
			if fill(p, fresh) {
				done++
			}
		}
	}
	return done, nil
}

// inspectAgain decodes raw with its hunks, or returns nil; it never
// panics.
func inspectAgain(raw *mail.Raw) (p *Post) {
	defer func() {
		if recover() != nil {
			p = nil
		}
	}()
	m, err := mail.Parse(raw)
	if err != nil {
		return nil
	}
	return Inspect(m, &InspectOptions{KeepHunks: true})
}

// keptPostHunks reports whether p's files have their hunks (or need
// none: a file without changed lines, such as a pure rename, has none).
func keptPostHunks(p *Post) bool {
	for _, f := range p.Files {
		if f.Added+f.Deleted > 0 && len(f.Hunks) == 0 {
			return false
		}
	}
	return true
}

// sameFiles reports whether fresh, decoded again, has the files p was
// ingested with.
func sameFiles(p, fresh *Post) bool {
	if len(p.Files) != len(fresh.Files) {
		return false
	}
	for i, f := range p.Files {
		g := fresh.Files[i]
		if f.Path != g.Path || f.OldPath != g.OldPath || f.Added != g.Added || f.Deleted != g.Deleted {
			return false
		}
	}
	return true
}
