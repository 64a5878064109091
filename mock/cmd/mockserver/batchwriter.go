package main

import (
	"io"
	"runtime"
	"sync"
)

// batchWriter gathers log lines and writes them from one goroutine: a
// Write appends to a buffer and returns, and the goroutine writes whatever
// has gathered as soon as it runs, so an idle server's line goes out at
// once and a busy server makes one write for many lines instead of one
// each. Close writes what is left and stops it.
type batchWriter struct {
	out io.Writer

	mu      sync.Mutex
	pending []byte
	spare   []byte    // the buffer last written, reused for the next batch
	wake    chan bool // a batch is pending (buffered, one slot)
	room    sync.Cond // signalled when a batch has been written
	closed  bool
	done    chan struct{}
	err     error // the first write error, reported by Close
}

// maxPendingLog is how many bytes may wait before a Write waits for the
// batch under way: a stalled output slows the server rather than growing
// its memory without bound.
const maxPendingLog = 1 << 20

func newBatchWriter(out io.Writer) *batchWriter {
	w := &batchWriter{out: out, wake: make(chan bool, 1), done: make(chan struct{})}
	w.room.L = &w.mu
	go w.run()
	return w
}

func (w *batchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	for len(w.pending) >= maxPendingLog && !w.closed {
		w.room.Wait()
	}
	if w.closed {
		// A line logged on the way out: after the last batch, directly.
		w.mu.Unlock()
		<-w.done
		return w.out.Write(p)
	}
	w.pending = append(w.pending, p...)
	select {
	case w.wake <- true:
	default:
	}
	w.mu.Unlock()
	return len(p), nil
}

func (w *batchWriter) run() {
	defer close(w.done)
	for range w.wake {
		// Let the goroutines ready to run go first: on a busy server they
		// are requests about to log, whose lines join this batch; on an
		// idle one there are none and the line goes out at once.
		runtime.Gosched()
		w.mu.Lock()
		for len(w.pending) > 0 {
			batch := w.pending
			w.pending, w.spare = w.spare[:0], nil
			w.mu.Unlock()
			_, err := w.out.Write(batch)
			w.mu.Lock()
			if err != nil && w.err == nil {
				w.err = err
			}
			if cap(batch) <= maxPendingLog {
				w.spare = batch
			}
			w.room.Broadcast()
		}
		closed := w.closed
		w.mu.Unlock()
		if closed {
			return
		}
	}
}

// Close writes every line written so far, stops the goroutine and
// returns the first write error; later Writes go straight to the output.
func (w *batchWriter) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.done
		return w.err
	}
	w.closed = true
	w.room.Broadcast()
	select {
	case w.wake <- true:
	default:
	}
	w.mu.Unlock()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
