package imappoll

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// AppendDraft logs in as opts says and APPENDs msg to opts.Folder
// (default "Drafts") with the \Draft and \Seen flags, creating the folder
// when the server answers TRYCREATE. It returns the new message's UID
// when the server reports it (UIDPLUS), else 0.
func AppendDraft(ctx context.Context, opts *Options, msg []byte, date time.Time) (imap.UID, error) {
	o := *opts
	if o.Folder == "" {
		o.Folder = "Drafts"
	}
	p := New(nil, &o)
	s, err := p.login(ctx, &imapclient.Options{})
	if err != nil {
		return 0, err
	}
	defer s.close()
	c := s.c
	s.wc.busy() // every reply is due within the timeout from here on
	uid, err := appendOnce(c, p.o.Folder, msg, date)
	var ie *imap.Error
	if errors.As(err, &ie) && ie.Code == imap.ResponseCodeTryCreate {
		if err := c.Create(p.o.Folder, &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrDrafts}}).Wait(); err != nil {
			// Servers without CREATE-SPECIAL-USE refuse the option.
			if err := c.Create(p.o.Folder, nil).Wait(); err != nil {
				return 0, fmt.Errorf("create %s: %w", p.o.Folder, err)
			}
		}
		uid, err = appendOnce(c, p.o.Folder, msg, date)
	}
	if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeBad {
		// public-inbox answers "BAD Unknown command".
		return 0, fmt.Errorf("%w (a read-only server, like public-inbox, takes no drafts: set drafts.imap to a server you log in to)", err)
	}
	if err != nil {
		return 0, err
	}
	if err := c.Logout().Wait(); err != nil {
		p.log.Debug("logout", "err", err)
	}
	return uid, nil
}

func appendOnce(c *imapclient.Client, folder string, msg []byte, date time.Time) (imap.UID, error) {
	cmd := c.Append(folder, int64(len(msg)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagDraft, imap.FlagSeen}, Time: date})
	if _, err := cmd.Write(msg); err != nil {
		cmd.Close()
		return 0, fmt.Errorf("append to %s: %w", folder, err)
	}
	if err := cmd.Close(); err != nil {
		return 0, fmt.Errorf("append to %s: %w", folder, err)
	}
	data, err := cmd.Wait()
	if err != nil {
		return 0, fmt.Errorf("append to %s: %w", folder, err)
	}
	return data.UID, nil
}
