package config

import (
	"cmp"
	"fmt"
	"net"
	netmail "net/mail"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"ferrule/mail"
	"ferrule/review"
)

// build validates the file and turns it into a typed Config, reporting
// every problem with its key path.
func (f *fileConfig) build() (*Config, error) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	c := &Config{StorePath: f.Store.Path, HTTPListen: f.HTTP.Listen, Templates: f.Templates,
		KernelTree: f.KernelTree, LeafAllow: f.Rust.LeafAllow, Weights: f.Ranking.weights()}

	if f.KernelTree != "" {
		if fi, err := os.Stat(f.KernelTree); err != nil || !fi.IsDir() {
			bad("kernel_tree: %q is not a directory", f.KernelTree)
		}
	}
	names := map[string]bool{}
	for i, m := range f.Mailboxes {
		key := fmt.Sprintf("mailboxes[%d]", i)
		if m.Name == "" {
			bad("%s.name: required", key)
		} else if names[m.Name] {
			bad("%s.name: %q used twice", key, m.Name)
		}
		names[m.Name] = true
		mb := Mailbox{Name: m.Name, Folder: m.Folder, BatchSize: m.BatchSize}
		switch start := strings.ToLower(m.Start); start {
		case "", "all":
		case "now":
			mb.Start.Now = true
		default:
			d, err := time.Parse(time.DateOnly, m.Start)
			if err != nil {
				bad("%s.start: %q is not all, now or a date (YYYY-MM-DD)", key, m.Start)
			}
			mb.Start.Since = d
		}
		var ps []string
		mb.IMAP, ps = m.IMAP.build(key+".imap", true)
		problems = append(problems, ps...)
		if mb.IMAP.Anonymous && m.Folder == "" {
			c.Warnings = append(c.Warnings, key+".folder: defaults to INBOX, which a public-inbox server does not have: name the list's group (like org.kernel.vger.linux-pwm)")
		}
		if m.BatchSize < 0 || m.BatchSize > 10000 {
			bad("%s.batch_size: %d is not between 1 and 10000", key, m.BatchSize)
		}
		if m.PollInterval != "" {
			d, err := time.ParseDuration(m.PollInterval)
			if err != nil || d < time.Second {
				bad("%s.poll_interval: %q is not a duration of at least 1s", key, m.PollInterval)
			}
			mb.PollInterval = d
		}
		c.Mailboxes = append(c.Mailboxes, mb)
	}
	if f.SMTP != nil {
		srv, ps := f.SMTP.fileServer.build("smtp", false)
		problems = append(problems, ps...)
		c.SMTP = &SMTP{Server: srv}
		if a, err := netmail.ParseAddress(f.SMTP.From); err != nil {
			bad("smtp.from: %q is not an address", f.SMTP.From)
		} else {
			c.SMTP.From = mail.Address{Name: a.Name, Email: a.Address}
		}
	}
	if f.Drafts != nil || len(c.Mailboxes) > 0 {
		c.Drafts = &Drafts{Folder: "Drafts"}
		if f.Drafts != nil && f.Drafts.Folder != "" {
			c.Drafts.Folder = f.Drafts.Folder
		}
		switch {
		case f.Drafts != nil && f.Drafts.IMAP != nil:
			var ps []string
			c.Drafts.IMAP, ps = f.Drafts.IMAP.build("drafts.imap", true)
			problems = append(problems, ps...)
			if c.Drafts.IMAP.Anonymous {
				c.Warnings = append(c.Warnings, "drafts.imap: logs in anonymously: a read-only server such as public-inbox cannot take drafts (APPEND)")
			}
		default:
			c.Drafts.IMAP, c.Drafts.Folder = Server{}, ""
			for i, m := range c.Mailboxes {
				if !m.IMAP.Anonymous {
					c.Drafts.IMAP = m.IMAP // the same secret
					c.Drafts.Folder = cmp.Or(f.Drafts.folder(), "Drafts")
					if i > 0 {
						c.Warnings = append(c.Warnings, fmt.Sprintf("drafts: go to mailboxes[%d].imap (%s), the first mailbox that logs in: mailboxes before it are anonymous, hence read-only", i, m.IMAP.Address))
					}
					break
				}
			}
			if c.Drafts.Folder == "" {
				c.Drafts = nil
			}
			if c.Drafts == nil && len(c.Mailboxes) > 0 {
				c.Warnings = append(c.Warnings, "drafts: every mailbox logs in anonymously (read-only, like public-inbox): --imap-drafts needs a drafts.imap section")
			}
		}
	}
	if f.Templates != "" {
		if fi, err := os.Stat(f.Templates); err != nil || !fi.IsDir() {
			bad("templates: %q is not a directory", f.Templates)
		}
	}
	if d := f.Digest; d != nil {
		c.Digest = &Digest{LinkTemplate: d.LinkTemplate}
		if d.Schedule != "" {
			v, err := time.ParseDuration(d.Schedule)
			if err != nil || v < time.Minute {
				bad("digest.schedule: %q is not a duration of at least 1m", d.Schedule)
			}
			c.Digest.Schedule = v
		}
		if d.LinkTemplate != "" && !strings.Contains(d.LinkTemplate, "{msgid}") {
			bad("digest.link_template: must contain {msgid}")
		}
		switch {
		case d.Maintainers.isList:
			for i, e := range d.Maintainers.list {
				if a, err := netmail.ParseAddress(e); err != nil {
					bad("digest.maintainers[%d]: %q is not an address", i, e)
				} else {
					c.Digest.Maintainers.Addresses = append(c.Digest.Maintainers.Addresses, strings.ToLower(a.Address))
				}
			}
		case d.Maintainers.scalar == "all":
			c.Digest.Maintainers.All = true
		case d.Maintainers.scalar == "", d.Maintainers.scalar == "none":
		default:
			bad("digest.maintainers: %q is not all, none or a list of addresses", d.Maintainers.scalar)
		}
		for i, s := range d.Subscriptions {
			a, err := netmail.ParseAddress(s.Email)
			if err != nil {
				bad("digest.subscriptions[%d].email: %q is not an address", i, s.Email)
			} else {
				c.Digest.Subscriptions = append(c.Digest.Subscriptions, review.Subscription{Email: a.Address, Paths: s.Paths})
			}
			if len(s.Paths) == 0 {
				bad("digest.subscriptions[%d].paths: at least one glob", i)
			}
		}
	}
	if f.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(f.HTTP.Listen); err != nil {
			bad("http.listen: %v", err)
		}
	}
	w := c.Weights
	if w.NitCap >= w.High {
		bad("ranking.nit_cap: %v must stay below ranking.high (%v) so nits never outrank a soundness finding", w.NitCap, w.High)
	}
	for name, v := range map[string]float64{"critical": w.Critical, "high": w.High, "medium": w.Medium, "low": w.Low, "info": w.Info,
		"uncertain": w.Uncertain, "blast_radius": w.BlastRadius, "unreviewed": w.Unreviewed, "unsafe_delta": w.UnsafeDelta, "mine": w.Mine} {
		if v < 0 {
			bad("ranking.%s: %v is negative", name, v)
		}
	}
	if w.PatchDecay < 0 || w.PatchDecay >= 1 {
		bad("ranking.patch_decay: %v must be at least 0 and below 1 (a series scores at most 1/(1-patch_decay) times its worst patch)", w.PatchDecay)
	}
	for i, m := range f.Me {
		if !strings.Contains(m, "@") {
			bad("me[%d]: %q is not an address", i, m)
		}
	}
	c.Me = f.Me
	if f.Queue.StaleAfter != "" {
		d, err := parseDays(f.Queue.StaleAfter)
		if err != nil {
			bad("queue.stale_after: %v", err)
		}
		c.StaleAfter = d
	}
	for i, g := range f.Rust.LeafAllow {
		if strings.TrimSpace(g) == "" {
			bad("rust.leaf_allow[%d]: empty glob", i)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("\n  %s", strings.Join(problems, "\n  "))
	}
	return c, nil
}

// build validates an IMAP or SMTP server section: host:port, TLS mode
// (plaintext only to loopback), a user, exactly one password source. An
// IMAP server (imap) may instead log in anonymously: then neither.
func (s fileServer) build(key string, imap bool) (Server, []string) {
	var problems []string
	srv := Server{Address: s.Address, TLS: TLSMode(s.TLS), Username: s.Username}
	needUser := imap
	switch strings.ToLower(s.Auth) {
	case "", "login":
	case "anonymous":
		if !imap {
			problems = append(problems, fmt.Sprintf("%s.auth: anonymous is for IMAP servers only", key))
			break
		}
		srv.Anonymous, needUser = true, false
		if s.Username != "" || s.PasswordCmd != "" || s.PasswordFile != "" {
			problems = append(problems, key+": auth anonymous takes no username, password_cmd or password_file")
		}
		s.Username, s.PasswordCmd, s.PasswordFile = "", "", ""
		srv.Username = ""
	default:
		if imap {
			problems = append(problems, fmt.Sprintf("%s.auth: %q is not login or anonymous", key, s.Auth))
		} else {
			problems = append(problems, fmt.Sprintf("%s.auth: not supported for SMTP", key))
		}
	}
	host, _, err := net.SplitHostPort(s.Address)
	if err != nil {
		problems = append(problems, fmt.Sprintf("%s.address: %q is not host:port", key, s.Address))
	}
	switch srv.TLS {
	case "":
		srv.TLS = TLSImplicit
	case TLSImplicit, TLSStartTLS:
	case TLSNone:
		if err == nil && !isLoopback(host) {
			problems = append(problems, fmt.Sprintf("%s.tls: none is allowed only for loopback addresses, not %q", key, host))
		}
	default:
		problems = append(problems, fmt.Sprintf("%s.tls: %q is not implicit, starttls or none", key, s.TLS))
	}
	if needUser && s.Username == "" {
		problems = append(problems, key+".username: required")
	}
	switch {
	case s.PasswordCmd != "" && s.PasswordFile != "":
		problems = append(problems, key+": give password_cmd or password_file, not both")
	case s.PasswordCmd == "" && s.PasswordFile == "" && s.Username != "":
		problems = append(problems, key+": password_cmd or password_file required")
	case s.PasswordCmd != "" || s.PasswordFile != "":
		srv.Secret = NewSecret(s.PasswordCmd, s.PasswordFile)
	}
	return srv, problems
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// weights applies the section over review.DefaultWeights.
func (r fileRanking) weights() *review.Weights {
	w := review.DefaultWeights
	for _, x := range []struct {
		v   *float64
		dst *float64
	}{
		{r.Critical, &w.Critical}, {r.High, &w.High}, {r.Medium, &w.Medium}, {r.Low, &w.Low}, {r.Info, &w.Info},
		{r.NitCap, &w.NitCap}, {r.Uncertain, &w.Uncertain}, {r.BlastRadius, &w.BlastRadius},
		{r.Unreviewed, &w.Unreviewed}, {r.UnsafeDelta, &w.UnsafeDelta}, {r.MustLook, &w.MustLook}, {r.ShouldLook, &w.ShouldLook},
		{r.PatchDecay, &w.PatchDecay}, {r.Mine, &w.Mine},
	} {
		if x.v != nil {
			*x.dst = *x.v
		}
	}
	return &w
}

// parseDays reads a duration in Go's syntax, or in days ("90d"): queues
// think in days.
func parseDays(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("%q is not a number of days", v)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration (90d, 2160h)", v)
	}
	return d, nil
}

// folder is drafts.folder, "" without a drafts section.
func (d *fileDrafts) folder() string {
	if d == nil {
		return ""
	}
	return d.Folder
}
