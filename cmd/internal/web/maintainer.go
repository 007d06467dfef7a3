package web

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"ferrule/review/rustcheck"
)

// maintainerPage is the model of /m/EMAIL.
type maintainerPage struct {
	Email  string
	Routed []routedRow
	// Total counts the routed series; the page lists the first
	// maxMaintainerRows, Queue links to the queue filtered to them.
	Total    int
	Queue    string
	Wrappers *rustcheck.WrapperMap
	API      string
}

type routedRow struct {
	Row  rowView
	Role string
}

// maintainerEmail validates the address of a maintainer page.
func maintainerEmail(v string) (string, error) {
	v = strings.TrimSpace(v)
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v {
		return "", fmt.Errorf("%w: %q is not an email address", errBadRequest, v)
	}
	return v, nil
}

// maxMaintainerRows is how many routed series the maintainer page lists.
const maxMaintainerRows = 100

// maintainerModel builds the page; all keeps every routed series (for
// the JSON).
func (h *handler) maintainerModel(r *http.Request, snap *snapshot, all bool) (*maintainerPage, error) {
	email, err := maintainerEmail(r.PathValue("email"))
	if err != nil {
		return nil, err
	}
	p := &maintainerPage{Email: email, API: "/api" + maintainerHref(email), Queue: "/?" + url.Values{"maintainer": {email}}.Encode()}
	now := h.opts.Now()
	for _, w := range snap.rows {
		if closed(w.State) {
			continue
		}
		if role := routedRole(w, email); role != "" {
			p.Total++
			if p.Total <= maxMaintainerRows || all {
				p.Routed = append(p.Routed, routedRow{Row: h.rowView(w, now), Role: role})
			}
		}
	}
	p.Wrappers = h.wrappers(email)
	return p, nil
}

// wrappers returns the wrapper map of an address, computed once: it
// depends only on MAINTAINERS and the kernel knowledge, which do not
// change while the server runs. At most maxWrapperMaps are kept.
func (h *handler) wrappers(email string) *rustcheck.WrapperMap {
	key := strings.ToLower(email)
	h.wrapMu.Lock()
	wm, ok := h.wrapMaps[key]
	h.wrapMu.Unlock()
	if ok {
		return wm
	}
	wm = h.knowledge().Wrappers(h.maintainersFile(), rustcheck.WrapperOptions{Maintainer: email})
	h.wrapMu.Lock()
	defer h.wrapMu.Unlock()
	if h.wrapMaps == nil || len(h.wrapMaps) >= maxWrapperMaps {
		h.wrapMaps = map[string]*rustcheck.WrapperMap{}
	}
	h.wrapMaps[key] = wm
	return wm
}

const maxWrapperMaps = 256

func (h *handler) maintainer(r *http.Request, snap *snapshot) (*response, error) {
	p, err := h.maintainerModel(r, snap, false)
	if err != nil {
		return nil, err
	}
	return h.html("maintainer", p.Email, p)
}
