package store

import (
	"context"
	"io"
	"sort"

	"ferrule/mail"
)

type idRaw struct {
	id  int64
	raw *mail.Raw
}

func sortByID(v []idRaw) { sort.Slice(v, func(i, j int) bool { return v[i].id < v[j].id }) }

// sliceSource is a mail.Source over messages already read.
type sliceSource struct {
	raws []*mail.Raw
	pos  string
}

func (s *sliceSource) Next(ctx context.Context) (*mail.Raw, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(s.raws) == 0 {
		return nil, io.EOF
	}
	r := s.raws[0]
	s.raws = s.raws[1:]
	s.pos = r.Position
	return r, nil
}

func (s *sliceSource) Position() string { return s.pos }
