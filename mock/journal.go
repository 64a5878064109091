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
)

// DefaultJournalSize is how many requests a journal keeps by default.
const DefaultJournalSize = 5000

// journalBodyCap bounds the bytes of each body a journal entry keeps.
const journalBodyCap = 64 << 10

// redacted lists the headers whose values never leave the mock.
var redacted = map[string]bool{"Cv-Api-Key": true, "X-Api-Key": true, "Authorization": true}

// entry is one journalled request. secret keeps the credential the request
// carried, only to tell which fixture account it was; it is never shown.
type entry struct {
	view   mockcontrol.JournalEntry
	secret credential
}

// credential is what a vendor request authenticated with.
type credential struct {
	vendor, value, tenant string
}

// journal is a bounded ring of entries, oldest dropped first.
type journal struct {
	mu      sync.Mutex
	ring    []entry
	next    int   // where the next entry goes
	full    bool  // ring has wrapped
	lastSeq int64 // sequence numbers keep counting across clears
}

func newJournal(size int) *journal {
	if size <= 0 {
		size = DefaultJournalSize
	}
	return &journal{ring: make([]entry, size)}
}

func (j *journal) add(e entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lastSeq++
	e.view.Seq = j.lastSeq
	j.ring[j.next] = e
	j.next = (j.next + 1) % len(j.ring)
	if j.next == 0 {
		j.full = true
	}
}

// entries returns the kept entries, oldest first, that keep accepts.
func (j *journal) entries(keep func(*entry) bool) []entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []entry
	start, n := 0, j.next
	if j.full {
		start, n = j.next, len(j.ring)
	}
	for i := range n {
		e := &j.ring[(start+i)%len(j.ring)]
		if keep(e) {
			out = append(out, *e)
		}
	}
	return out
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.ring)
	j.next, j.full = 0, false
}

// cappedBuffer keeps the first journalBodyCap bytes written to it.
type cappedBuffer struct{ bytes.Buffer }

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := journalBodyCap - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// teeWriter copies the response body into the journal as it is written.
type teeWriter struct {
	http.ResponseWriter
	copy *cappedBuffer
}

func (w *teeWriter) Write(p []byte) (int, error) {
	w.copy.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// journalize records every vendor request with its response in the
// session's journal. Control requests are not journalled.
func (m *Mock) journalize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if isControl(req.URL.Path) {
			return next(c)
		}
		start := time.Now()
		reqBody := &cappedBuffer{}
		if req.Body != nil {
			req.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(req.Body, reqBody), req.Body}
		}
		respBody := &cappedBuffer{}
		res := c.Response()
		res.Writer = &teeWriter{ResponseWriter: res.Writer, copy: respBody}
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		headers := make(map[string]string, len(req.Header))
		for k, v := range req.Header {
			if redacted[k] {
				headers[k] = "[REDACTED]"
			} else {
				headers[k] = strings.Join(v, ", ")
			}
		}
		e := entry{
			view: mockcontrol.JournalEntry{
				Time:       start.UTC().Format(time.RFC3339Nano),
				Vendor:     VendorOf(req.URL.Path),
				Method:     req.Method,
				Path:       req.URL.Path,
				Query:      req.URL.RawQuery,
				Headers:    headers,
				Status:     res.Status,
				DurationMs: float32(time.Since(start).Microseconds()) / 1000,
			},
			secret: credentialOf(req),
		}
		if reqBody.Len() > 0 {
			e.view.Body = strPtr(reqBody.String())
		}
		if respBody.Len() > 0 {
			e.view.ResponseBody = strPtr(respBody.String())
		}
		if id, ok := c.Get(faultKey).(string); ok {
			e.view.Fault = &id
		}
		sessionOf(c).journal.add(e)
		if conn, ok := c.Get(dropKey).(io.Closer); ok {
			conn.Close()
		}
		return nil
	}
}

func strPtr(s string) *string { return &s }

// credentialOf reads the credential a vendor request carries.
func credentialOf(req *http.Request) credential {
	switch VendorOf(req.URL.Path) {
	case Care360:
		return credential{vendor: Care360, value: req.Header.Get("cv-api-key")}
	case CL2C:
		return credential{vendor: CL2C, value: req.Header.Get("X-API-Key"), tenant: req.Header.Get("tenant")}
	case R1Discover:
		token, _ := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		return credential{vendor: R1Discover, value: token}
	}
	return credential{}
}

// matches reports whether the credential is, or names, want.
func (c credential) matches(want string) bool {
	return want != "" && (c.value == want || (c.tenant != "" && c.tenant == want))
}
