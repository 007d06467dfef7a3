package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ferrule/mail"
)

// IngestOptions configures [Ingest]. The zero value is valid.
type IngestOptions struct {
	// Workers is the number of goroutines decoding messages; default
	// GOMAXPROCS.
	Workers int
	// Inspect is passed to [Inspect] for every message.
	Inspect InspectOptions
	// Checkers run on every patch with a parsed diff, in the workers,
	// while its hunks are still in memory. Those that also implement
	// SeriesChecker run on every series after assembly.
	Checkers []Checker
	// Tree, when set, is a kernel checkout: after assembly every series
	// is applied to it and the checkers run again on whole files
	// (AnalyzeTree). Hunks are then kept for every patch.
	Tree Tree
	// Route, when set, lists who must look at each series
	// (Series.Responsible).
	Route *RouteOptions
	// State configures the series states; when its IsMaintainer is nil,
	// Route's MAINTAINERS decides who may give pw-bot directives.
	State *StateOptions
	// Visit, if set, is called in a worker goroutine for every decoded
	// message after inspection, before the message body is dropped. It is
	// the seam for per-patch analysis and must be safe for concurrent use.
	Visit func(*Post, *mail.Message)
	// DropRecipients leaves To and Cc off the posts: only a reply needs
	// them, and on a list-wide review they are most of what each post
	// keeps; [RestoreRecipients] reads them back for the message a reply
	// answers. ReplyTo stays.
	DropRecipients bool
	// Progress, if set, is called from the assembling goroutine after
	// every 256 messages with the number done so far.
	Progress func(done int)
	// Tee, if set, is called from the assembling goroutine for every
	// message, in arrival order, before its post is assembled: with its
	// raw bytes and what decoding gave, a message holding its Position,
	// MessageID, SyntheticID, Subject and Date, or nil and the error that
	// prevented decoding. It is the seam for storing what is reviewed
	// without decoding it a second time. keep false leaves the message
	// out of the review; an error ends ingestion and Ingest returns it.
	Tee func(raw *mail.Raw, m *mail.Message, err error) (keep bool, _ error)
}

// Ingest reads every message of src, decodes and inspects them in
// parallel, and assembles them in arrival order. Memory stays bounded by
// the in-flight window plus the compact per-message facts kept for
// assembly; raw messages and bodies are dropped after inspection.
//
// A message that cannot be decoded becomes an unparsed post; only a
// failure of the source itself (an I/O error, a truncated file), an
// error from opts.Tee or ctx ends ingestion early. On a failure of the
// source the messages read before it are still assembled: the result is
// returned with the error (a *ReadError); on Tee's error or ctx the
// result is nil.
func Ingest(ctx context.Context, src mail.Source, opts *IngestOptions) (*Result, error) {
	a := NewAssembler()
	if opts != nil {
		if opts.State != nil {
			a.State = *opts.State
		}
		if a.State.IsMaintainer == nil && opts.Route != nil {
			a.State.IsMaintainer = MaintainerCheck(opts.Route.Maintainers)
		}
	}
	err := Feed(ctx, a, src, opts)
	var re *ReadError
	if err != nil && !errors.As(err, &re) {
		return nil, err
	}
	res := a.Finish()
	if opts != nil {
		if opts.Tree != nil {
			AnalyzeTree(res, opts.Tree, opts.Checkers)
		}
		RunSeriesCheckers(res, opts.Checkers)
		if opts.Route != nil {
			routeAll(res.Series, opts.Route, opts.Workers)
		}
	}
	// The revisions are linked: the changed-line hashes that linked
	// them are not needed again (a's Finish does not run again).
	for _, list := range [][]*Post{res.Posts, res.Duplicates} {
		for _, p := range list {
			p.Removed, p.Added = nil, nil
		}
	}
	return res, err
}

// routeAll sets every series' Responsible, on workers goroutines (the
// number of CPUs when 0): routing a list's thousands of series through the
// whole MAINTAINERS was the longest serial step after assembly.
func routeAll(series []*Series, o *RouteOptions, workers int) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(series)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := interner{} // routing strings kept once (per worker)
			for i := int(next.Add(1)) - 1; i < len(series); i = int(next.Add(1)) - 1 {
				series[i].Responsible = in.responsible(Route(series[i], o))
			}
		}()
	}
	wg.Wait()
}

// ReadError is a failure of the source: the input ends there.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return "read " + e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// Feed is Ingest without the final assembly step: posts are added to a,
// which may already hold posts from earlier inputs.
func Feed(ctx context.Context, a *Assembler, src mail.Source, opts *IngestOptions) error {
	var o IngestOptions
	if opts != nil {
		o = *opts
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type job struct {
		seq int
		raw *mail.Raw
	}
	type done struct {
		seq  int
		post *Post
		// for Tee
		raw *mail.Raw
		hdr *mail.Message
		err error
	}
	jobs := make(chan job, 4*o.Workers)
	results := make(chan done, 4*o.Workers)
	var readErr error
	// The reader is waited for before Feed returns, so that the caller
	// may close src then (but see readerGrace); it stops at the first
	// message after ctx ends.
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer close(jobs)
		for seq := 0; ctx.Err() == nil; seq++ {
			raw, err := src.Next(ctx)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					if pos := src.Position(); !strings.Contains(err.Error(), pos) {
						err = fmt.Errorf("%s: %w", pos, err) // said once
					}
					readErr = &ReadError{err}
				}
				return
			}
			select {
			case jobs <- job{seq, raw}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < o.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var slab postSlab
			for {
				var j job
				select {
				case next, ok := <-jobs:
					if !ok {
						return
					}
					j = next
				case <-ctx.Done(): // the reader may be stuck in a read
					return
				}
				d := done{seq: j.seq}
				d.post, d.hdr, d.err = decode(j.raw, &o, &slab)
				if o.Tee != nil {
					d.raw = j.raw
				}
				select {
				case results <- d:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int]done{}
	next := 0
	in := interner{}
	var teeErr error
	for r := range results {
		if teeErr != nil {
			continue // draining after a failed Tee
		}
		pending[r.seq] = r
		for teeErr == nil {
			d, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			keep := true
			if o.Tee != nil {
				if keep, teeErr = o.Tee(d.raw, d.hdr, d.err); teeErr != nil {
					cancel()
					break
				}
			}
			if keep {
				in.post(d.post)
				a.Add(d.post)
			}
			next++
			if o.Progress != nil && next%256 == 0 {
				o.Progress(next)
			}
		}
	}
	if ctx.Err() != nil {
		// The reader stops at its next message. A source blocked in a
		// read that ignores ctx (a terminal, an idle pipe) is left
		// behind after a grace period rather than holding up an
		// interrupt; readErr is not read then.
		select {
		case <-readerDone:
		case <-time.After(readerGrace):
			if teeErr != nil {
				return teeErr
			}
			return ctx.Err()
		}
	}
	<-readerDone // before readErr is read
	if teeErr != nil {
		return teeErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if readErr != nil {
		return readErr
	}
	return nil
}

// readerGrace is how long Feed waits, once ctx has ended, for a source
// to return from Next.
const readerGrace = time.Second

// decode turns one raw message into a post (from slab); it never panics.
// For o.Tee it also returns what mail.Parse gave: the header fields a
// store keeps, or the error.
func decode(raw *mail.Raw, o *IngestOptions, slab *postSlab) (p *Post, hdr *mail.Message, perr error) {
	defer func() {
		if r := recover(); r != nil {
			perr = fmt.Errorf("%s: internal error: %v", raw.Position, r)
			p, hdr = unparsed(raw, perr), nil // for Tee too: not decoded
		}
	}()
	// Recipients about to be dropped are not decoded, unless a Visit
	// hook may read them or resolveSender may look a relayed sender
	// ("Name via List") up in Cc.
	skip := o.DropRecipients && o.Visit == nil
	m, err := mail.ParseWith(raw, mail.ParseOptions{SkipRecipients: skip})
	if err != nil {
		return unparsed(raw, err), nil, err
	}
	if skip && relayIndex(m.From.Name) >= 0 {
		m.To, m.Cc = m.Recipients()
	}
	if o.Tee != nil {
		hdr = &mail.Message{Position: m.Position, MessageID: m.MessageID, SyntheticID: m.SyntheticID, Subject: m.Subject, Date: m.Date}
	}
	inspect := o.Inspect
	inspect.KeepHunks = inspect.KeepHunks || len(o.Checkers) > 0 || o.Tree != nil
	p = slab.get()
	inspectInto(p, m, &inspect)
	if p.Error != "" {
		p.Kind = KindUnparsed
	}
	if p.HasDiff && len(p.Files) > 0 && !p.Tags.Reply {
		for _, c := range o.Checkers {
			p.Findings = append(p.Findings, c.Check(&CheckInput{Post: p, Files: p.Files})...)
		}
	}
	if !o.Inspect.KeepHunks && o.Tree == nil {
		for i := range p.Files {
			p.Files[i].DropHunks()
		}
	}
	if o.Visit != nil {
		o.Visit(p, m)
	}
	if o.DropRecipients {
		p.To, p.Cc = nil, nil
	}
	return p, hdr, nil
}

// postSlab hands out posts from chunks. Every post of an ingestion lives
// to its end: allocated together, away from the garbage of decoding, they
// neither fragment the heap nor round up to a size class.
type postSlab []Post

const postSlabSize = 128

func (s *postSlab) get() *Post {
	if len(*s) == 0 {
		*s = make([]Post, postSlabSize)
	}
	p := &(*s)[0]
	*s = (*s)[1:]
	return p
}

func unparsed(raw *mail.Raw, err error) *Post {
	return &Post{
		Position:    raw.Position,
		MessageID:   mail.FallbackID(raw),
		SyntheticID: true,
		Kind:        KindUnparsed,
		Error:       err.Error(),
		Tags:        Subject{Version: 1},
	}
}

// RunSeriesCheckers runs the checkers that implement SeriesChecker on
// every series of res, then those that implement ResultChecker on res.
func RunSeriesCheckers(res *Result, checkers []Checker) {
	for _, c := range checkers {
		if sc, ok := c.(SeriesChecker); ok {
			for _, s := range res.Series {
				s.Findings = append(s.Findings, sc.CheckSeries(s)...)
			}
		}
	}
	for _, c := range checkers {
		if rc, ok := c.(ResultChecker); ok {
			rc.FinishResult(res)
		}
	}
}

// interner keeps one copy of the message IDs, names and addresses that
// posts repeat (a list's address and its maintainers are on most posts, a
// thread's References on every reply), so that the series model does not
// grow with every copy. The first copy is cloned: it may be a substring of
// a whole header.
type interner map[string]string

func (in interner) str(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in[s]; ok {
		return c
	}
	c := strings.Clone(s)
	in[c] = c
	return c
}

func (in interner) addr(a *mail.Address) {
	a.Name, a.Email = in.str(a.Name), in.str(a.Email)
}

// responsible keeps one copy of the roles and reasons that series
// routed to the same sections repeat, in a list of its own length.
func (in interner) responsible(rs []Responsible) []Responsible {
	if len(rs) == 0 {
		return rs
	}
	out := make([]Responsible, len(rs))
	for i, r := range rs {
		r.Name, r.Email = in.str(r.Name), in.str(r.Email)
		r.Role, r.Section, r.Why = in.str(r.Role), in.str(r.Section), in.str(r.Why)
		out[i] = r
	}
	return out
}

func (in interner) post(p *Post) {
	p.MessageID = in.str(p.MessageID)
	p.InReplyTo = in.str(p.InReplyTo)
	for i := range p.References {
		p.References[i] = in.str(p.References[i])
	}
	in.addr(&p.From)
	in.addr(&p.Sender)
	in.addr(&p.Author)
	for _, list := range [][]mail.Address{p.ReplyTo, p.To, p.Cc} {
		for i := range list {
			in.addr(&list[i])
		}
	}
	// The same trailers ("Signed-off-by: the maintainer") recur on
	// thousands of posts.
	for i := range p.Trailers {
		t := &p.Trailers[i]
		t.Name, t.Value, t.Extinfo = in.str(t.Name), in.str(t.Value), in.str(t.Extinfo)
		t.ByMessageID = in.str(t.ByMessageID)
		if t.Person != nil {
			in.addr(t.Person)
		}
	}
}
