package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingWriter keeps what it is given and counts its calls, optionally
// taking its time or failing.
type recordingWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	calls int
	delay time.Duration
	err   error
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	time.Sleep(r.delay)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.buf.Write(p)
	return len(p), r.err
}

func (r *recordingWriter) state() (string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String(), r.calls
}

// An idle writer's line goes out at once, without waiting for more.
func TestBatchWriterWritesAnIdleLineAtOnce(t *testing.T) {
	out := &recordingWriter{}
	w := newBatchWriter(out)
	defer w.Close()
	if _, err := w.Write([]byte("one\n")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for got, _ := out.state(); got != "one\n"; got, _ = out.state() {
		if time.Now().After(deadline) {
			t.Fatalf("an idle line was not written: %q", got)
		}
		time.Sleep(time.Millisecond)
	}
}

// Many writers at once on a slow output: every line arrives whole, each
// writer's in its order, in far fewer writes than lines, and Close returns
// only when all are out.
func TestBatchWriterBatchesBusyLines(t *testing.T) {
	out := &recordingWriter{delay: 2 * time.Millisecond}
	w := newBatchWriter(out)
	const writers, each = 8, 200
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := fmt.Fprintf(w, "w%d line %d\n", g, i); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, calls := out.state()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != writers*each {
		t.Fatalf("%d lines, want %d", len(lines), writers*each)
	}
	next := make([]int, writers)
	for _, l := range lines {
		var g, i int
		if _, err := fmt.Sscanf(l, "w%d line %d", &g, &i); err != nil || i != next[g] {
			t.Fatalf("line %q out of order or mangled (want w%d line %d)", l, g, next[g])
		}
		next[g]++
	}
	if calls > writers*each/10 {
		t.Fatalf("%d writes for %d lines: not batched", calls, writers*each)
	}
	t.Logf("%d lines in %d writes", len(lines), calls)
}

// Close reports the first write error; a line written after Close goes
// straight out.
func TestBatchWriterCloseReportsErrorsAndLaterLinesGoOut(t *testing.T) {
	out := &recordingWriter{err: errors.New("disk full")}
	w := newBatchWriter(out)
	_, _ = w.Write([]byte("a\n"))
	if err := w.Close(); err == nil || err.Error() != "disk full" {
		t.Fatalf("Close: %v, want the write error", err)
	}
	if err := w.Close(); err == nil {
		t.Fatal("a second Close lost the error")
	}
	out.err = nil
	if _, err := w.Write([]byte("b\n")); err != nil {
		t.Fatal(err)
	}
	if got, _ := out.state(); got != "a\nb\n" {
		t.Fatalf("output %q", got)
	}
}

// blockingWriter stalls until released.
type blockingWriter struct {
	recordingWriter
	release chan struct{}
}

func (b *blockingWriter) Write(p []byte) (int, error) {
	<-b.release
	return b.recordingWriter.Write(p)
}

// A stalled output holds writers back once a batch's worth waits, rather
// than letting memory grow.
func TestBatchWriterBoundsWhatWaits(t *testing.T) {
	out := &blockingWriter{release: make(chan struct{})}
	w := newBatchWriter(out)
	line := bytes.Repeat([]byte("x"), 1023)
	line = append(line, '\n')
	wrote := make(chan int, 1)
	go func() {
		n := 0
		for range 3 * maxPendingLog / len(line) {
			_, _ = w.Write(line)
			n++
		}
		wrote <- n
	}()
	time.Sleep(100 * time.Millisecond)
	w.mu.Lock()
	pending := len(w.pending)
	w.mu.Unlock()
	if pending > maxPendingLog+len(line) {
		t.Fatalf("%d bytes wait for a stalled output, over %d", pending, maxPendingLog)
	}
	select {
	case n := <-wrote:
		t.Fatalf("all %d writes returned while the output was stalled", n)
	default:
	}
	close(out.release)
	if n := <-wrote; n != 3*maxPendingLog/len(line) {
		t.Fatalf("%d writes", n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := out.state(); len(got) != 3*maxPendingLog/len(line)*len(line) {
		t.Fatalf("%d bytes out", len(got))
	}
}
