package store

import (
	"context"
	"errors"
	"sync"
)

var errWriterClosed = errors.New("add messages: writer closed")

// writerBatchBytes is the raw bytes of the batch a Writer sends: a
// transaction rewrites the pages of the Message-ID index it touches,
// which are most of them (the ids are random), so fewer and larger
// transactions write less. At 256 messages a batch (2.4 MB of
// linux-pwm), storing the archive through a review wrote 657 MB; at 8 MB,
// with a page cache that holds a batch (dsn), 609 MB. A batch is sent
// once it reaches the bound, so it holds up to the bound plus one
// message.
const writerBatchBytes = 8 << 20

// Writer adds messages to the store in batched transactions, written by
// a goroutine of its own while the caller goes on: at most three batches
// (one being filled, one queued, one being written) are held at once.
// Messages are stored in the order they were added. A Writer is for one
// goroutine; Close must be called.
type Writer struct {
	db     *DB
	ctx    context.Context
	batch  []Message
	bytes  int
	queue  chan []Message
	done   chan struct{}
	closed bool
	mu     sync.Mutex
	err    error
	added  int
}

// NewWriter returns a writer into d; ctx bounds every transaction.
func (d *DB) NewWriter(ctx context.Context) *Writer {
	w := &Writer{db: d, ctx: ctx, queue: make(chan []Message, 1), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *Writer) run() {
	defer close(w.done)
	for batch := range w.queue {
		if w.failed() != nil {
			continue
		}
		n, err := w.db.AddMessages(w.ctx, batch)
		w.mu.Lock()
		w.added += n
		if err != nil && w.err == nil {
			w.err = err
		}
		w.mu.Unlock()
	}
}

func (w *Writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Add queues m; it returns the first error a write has met so far (the
// messages after it are not stored).
func (w *Writer) Add(m Message) error {
	if w.closed {
		return errWriterClosed
	}
	if err := w.failed(); err != nil {
		return err
	}
	w.batch = append(w.batch, m)
	w.bytes += len(m.Raw)
	if w.bytes >= writerBatchBytes {
		w.flush()
	}
	return nil
}

func (w *Writer) flush() {
	if len(w.batch) > 0 {
		w.queue <- w.batch
		w.batch, w.bytes = nil, 0
	}
}

// Close writes what is queued, waits for it, and returns how many
// messages were new to the store and the first error. Calling it again
// returns the same.
func (w *Writer) Close() (added int, err error) {
	if !w.closed {
		w.closed = true
		if w.failed() == nil {
			w.flush()
		}
		close(w.queue)
	}
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.added, w.err
}
