package mock

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
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
	// headers holds name, value pairs, secrets already redacted.
	headers []string
	// bodies holds the request body's first reqLen bytes, then the
	// response body's, each within journalBodyCap.
	bodies []byte
	reqLen int
}

// complete fills in the view's time, headers and bodies.
func (e *entry) complete() {
	v := &e.view
	v.Time = e.at.UTC().Format(time.RFC3339Nano)
	v.Headers = make(map[string]string, len(e.headers)/2)
	for i := 0; i+1 < len(e.headers); i += 2 {
		v.Headers[e.headers[i]] = e.headers[i+1]
	}
	if e.reqLen > 0 {
		v.Body = strPtr(string(e.bodies[:e.reqLen]))
	}
	if len(e.bodies) > e.reqLen {
		v.ResponseBody = strPtr(string(e.bodies[e.reqLen:]))
	}
}

// entryOverhead approximates the bytes of an entry besides its strings
// and bodies (the time included).
const entryOverhead = 288

// measure counts the bytes an entry keeps alive.
func (e *entry) measure() int64 {
	v := &e.view
	n := entryOverhead + len(v.Path) + len(v.Query) + len(v.Method) +
		len(e.secret.Value) + len(e.secret.Scope) + len(e.bodies)
	for _, s := range e.headers {
		n += len(s) + 16
	}
	if v.FaultRule != nil {
		// A shallow copy: its match and action are the installed rule's.
		n += entryOverhead
	}
	return int64(n)
}

// byteBudget is the bytes every journal of a Mock may hold together.
type byteBudget struct {
	mu    sync.Mutex
	used  int64
	limit int64
}

// take reserves n bytes, or reports that they do not fit.
func (b *byteBudget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.limit {
		return false
	}
	b.used += n
	return true
}

func (b *byteBudget) give(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
}

// Used reports the bytes held.
func (b *byteBudget) Used() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// journal keeps the latest requests, oldest dropped first, within a count
// and a byte limit of its own and the Mock's shared byte budget. It grows
// as requests arrive, so an idle session's journal costs nothing.
type journal struct {
	mu       sync.Mutex
	items    []entry // items[head:] are kept, oldest first
	head     int
	bytes    int64
	maxCount int
	maxBytes int64
	budget   *byteBudget
	lastSeq  int64 // sequence numbers keep counting across clears
	retired  bool  // its session is gone: keep nothing more
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

// add keeps e, dropping the oldest entries it needs room for. An entry
// that cannot fit even in an empty journal is counted but not kept.
func (j *journal) add(e entry) {
	e.size = e.measure()
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
	j.items = append(j.items, e)
	j.bytes += e.size
}

func (j *journal) len() int { return len(j.items) - j.head }

func (j *journal) dropOldest() {
	old := &j.items[j.head]
	j.bytes -= old.size
	j.budget.give(old.size)
	*old = entry{}
	j.head++
	if j.head >= 64 && j.head*2 >= len(j.items) {
		n := copy(j.items, j.items[j.head:])
		clear(j.items[n:])
		j.items = j.items[:n]
		j.head = 0
	}
}

// entries returns the kept entries, oldest first, that keep accepts.
func (j *journal) entries(keep func(*entry) bool) []entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []entry
	for i := j.head; i < len(j.items); i++ {
		if e := &j.items[i]; keep(e) {
			out = append(out, *e)
			out[len(out)-1].complete()
		}
	}
	return out
}

// clear empties the journal and hands its bytes back to the budget.
func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.budget.give(j.bytes)
	j.items, j.head, j.bytes = nil, 0, 0
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

// capture is one request's journal plumbing. Captures are pooled, so the
// body buffers are reused from request to request; an entry keeps one
// exact-size copy of both bodies.
type capture struct {
	reqBody, respBody cappedBuffer
	body              teeBody
	writer            teeWriter
}

var captures = sync.Pool{New: func() any {
	c := &capture{}
	c.body.copy, c.writer.copy = &c.reqBody, &c.respBody
	return c
}}

// maxPooledBuffer keeps a capture whose buffers grew past it out of the
// pool, so one large body does not pin memory.
const maxPooledBuffer = 16 << 10

func (c *capture) release() {
	c.body.src, c.writer.ResponseWriter = nil, nil
	if c.reqBody.Cap() > maxPooledBuffer || c.respBody.Cap() > maxPooledBuffer {
		return
	}
	c.reqBody.Reset()
	c.respBody.Reset()
	captures.Put(c)
}

// journalize records every vendor request with its response in the
// session's journal. It is on the vendor chain only: control calls are
// not journalled.
func (m *Mock) journalize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		start := time.Now()
		cp := captures.Get().(*capture)
		defer cp.release()
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
		e := entry{
			view: mockcontrol.JournalEntry{
				Vendor:     m.vendorOf(req.URL.Path).Name,
				Method:     req.Method,
				Path:       req.URL.Path,
				Query:      redact.Query(req.URL.RawQuery),
				Status:     res.Status,
				DurationMs: float32(time.Since(start).Microseconds()) / 1000,
			},
			secret:  m.credentialOf(req),
			at:      start,
			headers: redactedHeaders(req.Header),
		}
		if n := cp.reqBody.Len() + cp.respBody.Len(); n > 0 {
			e.bodies = append(append(make([]byte, 0, n), cp.reqBody.Bytes()...), cp.respBody.Bytes()...)
			e.reqLen = cp.reqBody.Len()
		}
		if rule, ok := c.Get(faultKey).(*mockcontrol.FaultRule); ok {
			e.view.Fault, e.view.FaultRule = rule.Id, rule
		}
		sessionOf(c).journal.add(e)
		if conn, ok := c.Get(dropKey).(io.Closer); ok {
			conn.Close()
		}
		return nil
	}
}

// redactedHeaders returns h as name, value pairs, values joined per name
// and secrets replaced, in one allocation for the common single values.
func redactedHeaders(h http.Header) []string {
	out := make([]string, 0, 2*len(h))
	for k, v := range h {
		switch {
		case redact.Header(k):
			out = append(out, k, redact.Marker)
		case len(v) == 1:
			out = append(out, k, v[0])
		default:
			out = append(out, k, strings.Join(v, ", "))
		}
	}
	return out
}

func strPtr(s string) *string { return &s }

// credentialOf reads the credential a vendor request carries.
func (m *Mock) credentialOf(req *http.Request) vendordef.Credential {
	if v := m.vendorOf(req.URL.Path); v.Credential != nil {
		return v.Credential(req)
	}
	return vendordef.Credential{}
}
