package review

import (
	"crypto/sha256"
	"encoding/hex"
)

// ShortIDLen is the length of a short series id.
const ShortIDLen = 8

// ShortID is a short handle on a series, for tables and typing: the first
// eight hex digits of the SHA-256 of its id (a Message-ID), stable across
// runs and inputs.
func ShortID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])[:ShortIDLen]
}

// IsShortID reports whether v has the shape of a short id (eight lower
// case hex digits), as opposed to a Message-ID.
func IsShortID(v string) bool {
	if len(v) != ShortIDLen {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// SeriesByShortID is the series whose short id is v, or nil.
func (r *Result) SeriesByShortID(v string) *Series {
	if !IsShortID(v) {
		return nil
	}
	for _, s := range r.Series {
		if ShortID(s.ID) == v {
			return s
		}
	}
	return nil
}
