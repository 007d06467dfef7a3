package config

import (
	"ferrule/mail/imappoll"
	"ferrule/mail/smtpsend"
)

// IMAPOptions is how imappoll reaches and logs in to the server; name
// labels its logs and metrics.
func (s Server) IMAPOptions(name string) *imappoll.Options {
	return &imappoll.Options{Name: name, Address: s.Address, TLS: imappoll.TLSMode(s.TLS), Username: s.Username, Password: s.Password()}
}

// SMTPOptions is how smtpsend reaches and logs in to the server.
func (s *SMTP) SMTPOptions() *smtpsend.Options {
	return &smtpsend.Options{Address: s.Address, TLS: smtpsend.TLSMode(s.TLS), Username: s.Username,
		LocalName: s.From.Domain(), Password: s.Password()}
}
