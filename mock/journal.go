package mock

import (
	"bytes"
	"encoding/binary"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/redact"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// DefaultJournalSize is how many requests a journal keeps by default.
const DefaultJournalSize = 5000

// DefaultJournalBytes is how many bytes a journal keeps by default, and
// DefaultJournalTotalBytes how many all journals of a Mock keep together.
const (
	DefaultJournalBytes      = 8 << 20
	DefaultJournalTotalBytes = 64 << 20
)

// journalBodyCap bounds the bytes of each body a journal entry keeps.
const journalBodyCap = 64 << 10

// entry is one journalled request. secret keeps the credential the request
// carried, only to tell which fixture account it was; it is never shown.
//
// The view's filter fields are set when the request is journalled; its
// time, headers and bodies are kept in compact form and filled in by
// entries, so a request that is never looked at costs few allocations.
type entry struct {
	view   mockcontrol.JournalEntry
	secret vendordef.Credential
	size   int64 // bytes the entry holds, as counted against the budgets
	at     time.Time
	// data holds the headers (headerCount name, value pairs, secrets
	// already redacted, each string its uvarint length and its bytes) in
	// its first headersLen bytes, then the request body's reqLen bytes,
	// then the response body's, each body within journalBodyCap. Small
	// entries' data lies in a storage chunk of the journal (chunk), which
	// goes back to a pool when its last entry is dropped: data is read
	// only under the journal's lock, and entries hands out copies
	// without it.
	data        []byte
	chunk       *storageChunk
	headersLen  int
	headerCount int
	reqLen      int
}

// complete fills in the view's time, headers and bodies.
func (e *entry) complete() {
	v := &e.view
	v.Time = e.at.UTC().Format(time.RFC3339Nano)
	v.Headers = make(map[string]string, e.headerCount)
	for rest := e.data[:e.headersLen]; len(rest) > 0; {
		var name, value []byte
		name, rest = cutString(rest)
		value, rest = cutString(rest)
		v.Headers[string(name)] = string(value)
	}
	bodies := e.data[e.headersLen:]
	if e.reqLen > 0 {
		v.Body = strPtr(string(bodies[:e.reqLen]))
	}
	if len(bodies) > e.reqLen {
		v.ResponseBody = strPtr(string(bodies[e.reqLen:]))
	}
}

// appendString appends s as its uvarint length and its bytes.
func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// cutString reads what appendString wrote at the start of b.
func cutString(b []byte) (s, rest []byte) {
	n, size := binary.Uvarint(b)
	b = b[size:]
	return b[:n], b[n:]
}

// entryOverhead approximates the bytes of an entry besides its strings
// and bodies (the time included).
const entryOverhead = 288

// measure counts the bytes an entry keeps alive besides its data.
func (e *entry) measure() int64 {
	v := &e.view
	n := entryOverhead + len(v.Path) + len(v.Query) + len(v.Method) +
		len(e.secret.Value) + len(e.secret.Scope) + 32*e.headerCount
	if v.FaultRule != nil {
		// A shallow copy: its match and action are the installed rule's.
		n += entryOverhead
	}
	return int64(n)
}

// byteBudget is the bytes every journal of a Mock may hold together. It
// is an atomic count, as every journalled request takes and gives back
// bytes of it.
type byteBudget struct {
	used  atomic.Int64
	limit int64
}

// take reserves n bytes, or reports that they do not fit.
func (b *byteBudget) take(n int64) bool {
	for {
		used := b.used.Load()
		if used+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

func (b *byteBudget) give(n int64) { b.used.Add(-n) }

// Used reports the bytes held.
func (b *byteBudget) Used() int64 { return b.used.Load() }

// journal keeps the latest requests, oldest dropped first, within a count
// and a byte limit of its own and the Mock's shared byte budget. It grows
// as requests arrive, so an idle session's journal costs nothing.
type journal struct {
	mu sync.Mutex
	// ring holds the kept entries, count of them from head on (wrapping
	// around), oldest first; it grows up to maxCount.
	ring     []entry
	head     int
	count    int
	bytes    int64
	maxCount int
	maxBytes int64
	budget   *byteBudget
	lastSeq  int64 // sequence numbers keep counting across clears
	retired  bool  // its session is gone: keep nothing more
	// chunk is the storage chunk small entries' data is appended to.
	chunk *storageChunk
}

// journalChunk is the size of the storage chunks small entries share, and
// sharedEntry the largest entry data kept in one: larger data has storage
// of its own. Sharing saves an allocation per request, and pooling the
// chunks the garbage; a chunk's unused tail (under sharedEntry) and the
// open chunk are the memory it costs beyond the byte budgets.
const (
	journalChunk = 32 << 10
	sharedEntry  = 4 << 10
)

// storageChunk is storage that small entries' data is appended to, with
// the count of the journal's entries in it.
type storageChunk struct {
	buf  []byte
	refs int
}

var storageChunks = sync.Pool{New: func() any { return &storageChunk{buf: make([]byte, 0, journalChunk)} }}

// unref drops an entry's hold on its chunk, and hands back a chunk that
// no entry holds and that new entries no longer fill.
func (j *journal) unref(c *storageChunk) {
	if c == nil {
		return
	}
	c.refs--
	if c.refs == 0 && c != j.chunk {
		c.buf = c.buf[:0]
		storageChunks.Put(c)
	}
}

func newJournal(maxCount int, maxBytes int64, budget *byteBudget) *journal {
	if maxCount <= 0 {
		maxCount = DefaultJournalSize
	}
	if maxBytes <= 0 {
		maxBytes = DefaultJournalBytes
	}
	if budget == nil {
		budget = &byteBudget{limit: maxBytes}
	}
	return &journal{maxCount: maxCount, maxBytes: maxBytes, budget: budget}
}

// add keeps e with its data: the headers encoded in headers (see
// entry.data) and the two bodies, dropping the oldest entries it needs room
// for. An entry that cannot fit even in an empty journal is counted but
// not kept.
func (j *journal) add(e entry, headers []byte, reqBody, respBody []byte) {
	dataLen := len(headers) + len(reqBody) + len(respBody)
	e.headersLen, e.reqLen = len(headers), len(reqBody)
	e.size = e.measure() + int64(dataLen)
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lastSeq++
	e.view.Seq = j.lastSeq
	if e.size > j.maxBytes || j.retired {
		return
	}
	for j.len() > 0 && (j.len() >= j.maxCount || j.bytes+e.size > j.maxBytes) {
		j.dropOldest()
	}
	for !j.budget.take(e.size) {
		if j.len() == 0 {
			return
		}
		j.dropOldest()
	}
	if dataLen > 0 {
		data, chunk := j.storage(dataLen)
		e.data, e.chunk = append(append(append(data, headers...), reqBody...), respBody...), chunk
	}
	if j.count == len(j.ring) {
		j.grow()
	}
	j.ring[(j.head+j.count)%len(j.ring)] = e
	j.count++
	j.bytes += e.size
}

// storage returns an empty slice with room for exactly n bytes that no
// other entry will write to, and the chunk it lies in (nil: its own).
func (j *journal) storage(n int) ([]byte, *storageChunk) {
	if n > sharedEntry {
		return make([]byte, 0, n), nil
	}
	if c := j.chunk; c == nil || cap(c.buf)-len(c.buf) < n {
		j.chunk = storageChunks.Get().(*storageChunk)
		if c != nil && c.refs == 0 {
			c.buf = c.buf[:0]
			storageChunks.Put(c)
		}
	}
	c := j.chunk
	start := len(c.buf)
	c.buf = c.buf[:start+n]
	c.refs++
	return c.buf[start : start : start+n], c
}

func (j *journal) len() int { return j.count }

// grow makes room for one more entry: add has dropped below maxCount.
func (j *journal) grow() {
	ring := make([]entry, min(max(2*len(j.ring), 16), j.maxCount))
	for i := range j.count {
		ring[i] = j.ring[(j.head+i)%len(j.ring)]
	}
	j.ring, j.head = ring, 0
}

func (j *journal) dropOldest() {
	old := &j.ring[j.head]
	j.bytes -= old.size
	j.budget.give(old.size)
	j.unref(old.chunk)
	*old = entry{}
	j.head = (j.head + 1) % len(j.ring)
	j.count--
}

// entries returns the kept entries, oldest first, that keep accepts.
func (j *journal) entries(keep func(*entry) bool) []entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []entry
	for i := range j.count {
		if e := &j.ring[(j.head+i)%len(j.ring)]; keep(e) {
			out = append(out, *e)
			c := &out[len(out)-1]
			c.complete()
			// The storage may be reused once the journal drops the entry.
			c.data, c.chunk = nil, nil
		}
	}
	return out
}

// clear empties the journal and hands its bytes back to the budget.
func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.budget.give(j.bytes)
	j.ring, j.head, j.count, j.bytes, j.chunk = nil, 0, 0, 0, nil
	// The chunks go to the collector, not the pool: clearing is rare.
}

// retire empties the journal of a removed session for good, so a request
// still finishing in it cannot take bytes of the shared budget that
// nothing would hand back.
func (j *journal) retire() {
	j.clear()
	j.mu.Lock()
	defer j.mu.Unlock()
	j.retired = true
}

// cappedBuffer keeps the first journalBodyCap bytes written to it.
type cappedBuffer struct{ bytes.Buffer }

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.keep(p)
	return len(p), nil
}

// keep copies what fits of p; a bytes.Buffer write cannot fail.
func (b *cappedBuffer) keep(p []byte) {
	if room := journalBodyCap - b.Len(); room > 0 {
		_, _ = b.Buffer.Write(p[:min(room, len(p))])
	}
}

// teeBody copies the request body into the journal as it is read.
type teeBody struct {
	src  io.ReadCloser
	copy *cappedBuffer
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.src.Read(p)
	b.copy.keep(p[:n])
	return n, err
}

func (b *teeBody) Close() error { return b.src.Close() }

// teeWriter copies the response body into the journal as it is written.
type teeWriter struct {
	http.ResponseWriter
	copy *cappedBuffer
}

func (w *teeWriter) Write(p []byte) (int, error) {
	w.copy.keep(p)
	return w.ResponseWriter.Write(p)
}

func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// capture is one request's journal plumbing, part of its pooled
// requestState, so the body buffers are reused from request to request;
// the journal copies what they hold into its own storage.
type capture struct {
	reqBody, respBody cappedBuffer
	body              teeBody
	writer            teeWriter
	// headers holds the request's headers as entry.data encodes them.
	headers []byte
}

func (c *capture) init() { c.body.copy, c.writer.copy = &c.reqBody, &c.respBody }

// maxPooledBuffer keeps a capture whose buffers grew past it out of the
// pool, so one large body does not pin memory.
const maxPooledBuffer = 16 << 10

// reset readies the capture for the next request, or reports that its
// buffers grew too large to be kept.
func (c *capture) reset() bool {
	c.body.src, c.writer.ResponseWriter = nil, nil
	if c.reqBody.Cap() > maxPooledBuffer || c.respBody.Cap() > maxPooledBuffer || cap(c.headers) > maxPooledBuffer {
		return false
	}
	c.reqBody.Reset()
	c.respBody.Reset()
	c.headers = c.headers[:0]
	return true
}

// journalize records every vendor request with its response in the
// session's journal. It is on the vendor chain only: control calls are
// not journalled.
func (m *Mock) journalize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		state := stateOf(c)
		start := state.started // the log's reading
		if start.IsZero() {
			start = time.Now()
		}
		cp := &state.capture
		body := req.Body
		if body != nil {
			cp.body.src = body
			req.Body = &cp.body
		}
		res := c.Response()
		writer := res.Writer
		cp.writer.ResponseWriter = writer
		res.Writer = &cp.writer
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		// Nothing may reach the capture once it is back in the pool.
		if req.Body == &cp.body {
			req.Body = body
		}
		if res.Writer == &cp.writer {
			res.Writer = writer
		}
		state.answered = time.Now()
		e := entry{
			view: mockcontrol.JournalEntry{
				Vendor:     m.vendorName(c),
				Method:     req.Method,
				Path:       req.URL.Path,
				Query:      redactedQuery(c),
				Status:     res.Status,
				DurationMs: float32(state.answered.Sub(start).Microseconds()) / 1000,
			},
			secret: m.credentialOf(c),
			at:     start,
		}
		cp.headers, e.headerCount = appendRedactedHeaders(cp.headers[:0], req.Header)
		if rule := state.fault; rule != nil {
			e.view.Fault, e.view.FaultRule = rule.Id, rule
		}
		state.session.journal.add(e, cp.headers, cp.reqBody.Bytes(), cp.respBody.Bytes())
		if conn := state.drop; conn != nil {
			conn.Close()
		}
		return nil
	}
}

// appendRedactedHeaders appends h's name, value pairs as entry.data
// encodes them, values joined per name and secrets replaced, and returns
// how many pairs it wrote.
func appendRedactedHeaders(b []byte, h http.Header) ([]byte, int) {
	for k, v := range h {
		b = appendString(b, k)
		switch {
		case redact.Header(k):
			b = appendString(b, redact.Marker)
		case len(v) == 1:
			b = appendString(b, v[0])
		default:
			size := 2 * (len(v) - 1)
			for _, s := range v {
				size += len(s)
			}
			b = binary.AppendUvarint(b, uint64(size))
			for i, s := range v {
				if i > 0 {
					b = append(b, ", "...)
				}
				b = append(b, s...)
			}
		}
	}
	return b, len(h)
}

func strPtr(s string) *string { return &s }
