package review

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"ferrule/mail"
)

// Subscription asks for every series that touches some paths, whatever
// MAINTAINERS says (digest.subscriptions in the config).
type Subscription struct {
	Email string
	Paths []string // lei dfn:-style globs, as Filter.Paths
}

// Digest is what one person should look at.
type Digest struct {
	Recipient mail.Address
	Entries   []DigestEntry // by score, highest first
}

// DigestEntry is one series in a digest.
type DigestEntry struct {
	Series *SeriesReport
	Why    string // how the recipient was chosen: MAINTAINERS role or subscription

	NewUnsafe          int
	AbstractionChanges int
	CImpacts           int
	// Hash identifies what the recipient is told about the series: its
	// id, version, tier, reasons and findings. A digest item whose hash
	// was sent to the recipient before is not sent again.
	Hash string
}

// Digests sorts the series of the queue that need attention (open states,
// must-look and should-look tiers) into one digest per recipient. Only
// people who asked get one: the subscribers whose globs match a file of
// the series, and, of the maintainers and reviewers MAINTAINERS routing
// named (mailing lists get no digest), those optedIn allows — none when
// optedIn is nil. Recipients are ordered by address; reports must carry
// their routing (Report with RouteOptions).
func Digests(reports []SeriesReport, subs []Subscription, optedIn func(email string) bool) []Digest {
	byEmail := map[string]*Digest{}
	add := func(addr mail.Address, r *SeriesReport, why string) {
		key := strings.ToLower(addr.Email)
		d := byEmail[key]
		if d == nil {
			d = &Digest{Recipient: addr}
			byEmail[key] = d
		}
		for _, e := range d.Entries {
			if e.Series.ID == r.ID {
				return
			}
		}
		d.Entries = append(d.Entries, newEntry(r, why))
	}
	for i := range reports {
		r := &reports[i]
		if !r.CurrentState().Open() || (r.Tier != MustLook && r.Tier != ShouldLook) {
			continue
		}
		for _, m := range r.Maintainers {
			if strings.Contains(m.Role, "list") || optedIn == nil || !optedIn(m.Email) {
				continue
			}
			add(mail.Address{Name: m.Name, Email: m.Email}, r, m.Role)
		}
		for _, s := range subs {
			if g, ok := matchesPaths(r, s.Paths); ok {
				add(mail.Address{Email: s.Email}, r, "subscribed to "+g)
			}
		}
	}
	out := make([]Digest, 0, len(byEmail))
	for _, d := range byEmail {
		sort.SliceStable(d.Entries, func(i, j int) bool { return d.Entries[i].Series.Score > d.Entries[j].Series.Score })
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool {
		return strings.ToLower(out[i].Recipient.Email) < strings.ToLower(out[j].Recipient.Email)
	})
	return out
}

func matchesPaths(r *SeriesReport, globs []string) (string, bool) {
	for _, p := range r.Patches {
		for _, f := range p.Files {
			for _, g := range globs {
				if PathMatches(g, f.Path) {
					return g, true
				}
			}
		}
	}
	return "", false
}

func newEntry(r *SeriesReport, why string) DigestEntry {
	e := DigestEntry{Series: r, Why: why}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%s\x00%s\x00", r.ID, r.Version, r.Tier, strings.Join(r.Reasons, "\x01"))
	count := func(f Finding) {
		switch {
		case IsNewUnsafe(f):
			e.NewUnsafe++
		case ruleCategory(f.Rule) == CatAbstraction:
			e.AbstractionChanges++
		case ruleCategory(f.Rule) == CatCImpact:
			e.CImpacts++
		}
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00", f.Rule, f.File, f.Line)
	}
	for _, f := range r.Findings {
		count(f)
	}
	for _, p := range r.Patches {
		for _, f := range p.Findings {
			count(f)
		}
	}
	e.Hash = hex.EncodeToString(h.Sum(nil)[:16])
	return e
}
