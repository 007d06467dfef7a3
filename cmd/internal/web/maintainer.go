package web

import (
	"fmt"
	"net/http"
	"net/mail"
	"strings"

	"ferrule/review/rustcheck"
)

// maintainerPage is the model of /m/EMAIL.
type maintainerPage struct {
	Email    string
	Routed   []routedRow
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

func (h *handler) maintainerModel(r *http.Request, snap *snapshot) (*maintainerPage, error) {
	email, err := maintainerEmail(r.PathValue("email"))
	if err != nil {
		return nil, err
	}
	p := &maintainerPage{Email: email, API: "/api" + maintainerHref(email)}
	now := h.opts.Now()
	for _, w := range snap.rows {
		if closedStates[w.State] {
			continue
		}
		if role := routedRole(w, email); role != "" {
			p.Routed = append(p.Routed, routedRow{Row: h.rowView(w, now), Role: role})
		}
	}
	p.Wrappers = h.knowledge().Wrappers(h.maintainersFile(), rustcheck.WrapperOptions{Maintainer: email})
	return p, nil
}

func (h *handler) maintainer(r *http.Request, snap *snapshot) (*response, error) {
	p, err := h.maintainerModel(r, snap)
	if err != nil {
		return nil, err
	}
	return h.html("maintainer", p.Email, p)
}
