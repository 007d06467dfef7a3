package config

import (
	"context"
	"errors"

	"ferrule/mail/imappoll"
	"ferrule/mail/smtpsend"
)

// IMAPOptions is how imappoll reaches and logs in to the server; name
// labels its logs and metrics.
func (s Server) IMAPOptions(name string) *imappoll.Options {
	if s.Anonymous {
		return &imappoll.Options{Name: name, Address: s.Address, TLS: imappoll.TLSMode(s.TLS), Anonymous: true}
	}
	pw := s.Password()
	if pw == nil { // IMAP logs in (validation requires a secret unless anonymous)
		pw = func(context.Context) (string, error) { return "", errors.New("no password_cmd or password_file") }
	}
	return &imappoll.Options{Name: name, Address: s.Address, TLS: imappoll.TLSMode(s.TLS), Username: s.Username, Password: pw}
}

// SMTPOptions is how smtpsend reaches and logs in to the server.
func (s *SMTP) SMTPOptions() *smtpsend.Options {
	return &smtpsend.Options{Address: s.Address, TLS: smtpsend.TLSMode(s.TLS), Username: s.Username,
		LocalName: s.From.Domain(), Password: s.Password()}
}
