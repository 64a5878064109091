// Package jsonresp writes JSON responses the way the vendors do: no HTML
// escaping, no trailing newline, the struct's field order.
//
// The hot answers are written by hand-written encoders (Appender) into
// pooled buffers; the Append helpers below produce exactly the bytes
// encoding/json does with HTML escaping off, which the package's
// differential tests and fuzz target check against encoding/json itself.
package jsonresp

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/labstack/echo/v4"
)

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pooledCap is the largest buffer kept for reuse; a one-off large encoding
// (a whole exported world) must not stay pinned in the pool.
const pooledCap = 64 << 10

func release(buf *bytes.Buffer) {
	if buf.Cap() <= pooledCap {
		buffers.Put(buf)
	}
}

// Marshal encodes v without HTML escaping and without a trailing newline.
func Marshal(v any) ([]byte, error) {
	buf := buffers.Get().(*bytes.Buffer)
	defer release(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// Appender is a response that encodes itself: AppendJSON appends the
// bytes Marshal would give for it to dst.
type Appender interface {
	AppendJSON(dst []byte) []byte
}

// Write sends v as application/json with the given status, encoding into a
// pooled buffer and writing it without a copy. An Appender encodes
// itself; anything else goes through encoding/json.
func Write(c echo.Context, status int, v any) error {
	if a, ok := v.(Appender); ok {
		return writeAppender(c, status, a)
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer release(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return send(c, status, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// contentTypeValue is the Content-Type header value every answer shares,
// which spares the slice Header.Set would make per answer. Header values
// are replaced, never written into, and its capacity is its length, so
// even an Add copies it rather than writing into it.
var contentTypeValue = []string{ContentType}[:1:1]

// send writes b with the status, like Echo's Blob: a Content-Type set
// earlier is kept.
func send(c echo.Context, status int, b []byte) error {
	resp := c.Response()
	if h := resp.Header(); h.Get(echo.HeaderContentType) == "" {
		h[echo.HeaderContentType] = contentTypeValue
	}
	resp.WriteHeader(status)
	_, err := resp.Write(b)
	return err
}

// Buffer is a pooled buffer an answer is appended to and sent from. An
// answer whose type the caller knows is appended with a direct call, so it
// can stay on the caller's stack, where passing it to Write as an
// Appender would move it to the heap.
type Buffer struct{ B []byte }

var appendBuffers = sync.Pool{New: func() any { return &Buffer{B: make([]byte, 0, 1024)} }}

// NewBuffer takes an empty buffer from the pool.
func NewBuffer() *Buffer {
	b := appendBuffers.Get().(*Buffer)
	b.B = b.B[:0]
	return b
}

// Send writes the buffer's bytes as application/json with the status and
// returns the buffer to the pool: b must not be used afterwards.
func (b *Buffer) Send(c echo.Context, status int) error {
	err := send(c, status, b.B)
	if cap(b.B) <= pooledCap {
		appendBuffers.Put(b)
	}
	return err
}

func writeAppender(c echo.Context, status int, a Appender) error {
	return SendJSON(c, status, a.AppendJSON)
}

// SendJSON writes what appendJSON appends to a pooled buffer as
// application/json with the status. Handlers pass an answer's AppendJSON
// method value: the answer stays on the handler's stack, as it would not
// when passed as an Appender.
func SendJSON(c echo.Context, status int, appendJSON func(dst []byte) []byte) error {
	b := NewBuffer()
	b.B = appendJSON(b.B)
	return b.Send(c, status)
}

// ContentType is what the vendors answer JSON with (Echo deprecates its
// constant for it; the vendors still send the charset).
const ContentType = "application/json; charset=UTF-8"
