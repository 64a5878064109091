// Package jsonresp writes JSON responses the way the vendors do: no HTML
// escaping, no trailing newline, the struct's field order.
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

// Write sends v as application/json with the given status, encoding into a
// pooled buffer and writing it without a copy.
func Write(c echo.Context, status int, v any) error {
	buf := buffers.Get().(*bytes.Buffer)
	defer release(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return c.Blob(status, ContentType, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// ContentType is what the vendors answer JSON with (Echo deprecates its
// constant for it; the vendors still send the charset).
const ContentType = "application/json; charset=UTF-8"
