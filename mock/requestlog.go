package mock

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// LogHandler is slog's JSON handler with a fast path for the mock's
// request lines: a Mock logging through one (without ReplaceAttr or
// AddSource) appends each request's line straight into a pooled buffer,
// byte for byte as the JSON handler would write it, and writes it with one
// Write, instead of building a slog.Record for the handler to walk. Every
// other record goes through the JSON handler. mockserver logs through one.
type LogHandler struct {
	*slog.JSONHandler
	out *lockedWriter
	// direct is set when request lines may skip the JSON handler: no
	// ReplaceAttr could change them and no source is added.
	direct bool
}

// NewLogHandler returns a LogHandler writing JSON lines to w; opts are as
// for slog.NewJSONHandler.
func NewLogHandler(w io.Writer, opts *slog.HandlerOptions) *LogHandler {
	if opts == nil {
		opts = &slog.HandlerOptions{}
	}
	out := &lockedWriter{w: w}
	return &LogHandler{JSONHandler: slog.NewJSONHandler(out, opts), out: out, direct: opts.ReplaceAttr == nil && !opts.AddSource}
}

// lockedWriter keeps the two paths' lines from interleaving on a writer
// that is not safe for concurrent use.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// requestLine is what the mock logs about each request.
type requestLine struct {
	method, path, query, vendor string
	status                      int
	bytes                       int64
	duration                    time.Duration
}

// attrs are the line's fields as slog attributes, in the line's order.
func (l *requestLine) attrs() [7]slog.Attr {
	return [7]slog.Attr{
		slog.String("method", l.method),
		slog.String("path", l.path),
		slog.String("query", l.query),
		slog.String("vendor", l.vendor),
		slog.Int("status", l.status),
		slog.Int64("bytes", l.bytes),
		slog.Duration("duration", l.duration),
	}
}

var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// writeRequest writes the request line as the JSON handler would.
func (h *LogHandler) writeRequest(ctx context.Context, at time.Time, level slog.Level, l *requestLine) {
	if y := at.Year(); y < 0 || y > 9999 {
		// RFC 3339 has no such years; the JSON handler says so in the line.
		r := slog.NewRecord(at, level, "request", 0)
		attrs := l.attrs()
		r.AddAttrs(attrs[:]...)
		_ = h.Handle(ctx, r)
		return
	}
	bp := lineBuffers.Get().(*[]byte)
	b := appendRequestJSON((*bp)[:0], at, level, l)
	_, _ = h.out.Write(b)
	if cap(b) <= 4<<10 {
		*bp = b
		lineBuffers.Put(bp)
	}
}

// appendRequestJSON appends the line slog's JSON handler writes for a
// "request" record at level, time at and l's attributes.
func appendRequestJSON(b []byte, at time.Time, level slog.Level, l *requestLine) []byte {
	b = append(b, `{"time":"`...)
	b = appendTime(b, at)
	b = append(b, `","level":`...)
	b = appendJSONString(b, level.String())
	b = append(b, `,"msg":"request","method":`...)
	b = appendJSONString(b, l.method)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, l.path)
	b = append(b, `,"query":`...)
	b = appendJSONString(b, l.query)
	b = append(b, `,"vendor":`...)
	b = appendJSONString(b, l.vendor)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(l.status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, l.bytes, 10)
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, int64(l.duration), 10)
	return append(b, "}\n"...)
}

// secondStamp is a time formatted as RFC 3339 up to its second, and its
// zone, for every line logged in that second.
type secondStamp struct {
	unix       int64
	loc        *time.Location
	head, zone []byte // "2006-01-02T15:04:05" and "Z" or "-07:00"
}

var lastSecond atomic.Pointer[secondStamp]

// appendTime appends t as t.AppendFormat(b, time.RFC3339Nano) does (for
// years 0 to 9999), formatting the date, clock and zone once a second.
func appendTime(b []byte, t time.Time) []byte {
	s := lastSecond.Load()
	if s == nil || s.unix != t.Unix() || s.loc != t.Location() {
		s = &secondStamp{unix: t.Unix(), loc: t.Location(),
			head: t.AppendFormat(nil, "2006-01-02T15:04:05"), zone: t.AppendFormat(nil, "Z07:00")}
		lastSecond.Store(s)
	}
	b = append(b, s.head...)
	if ns := t.Nanosecond(); ns != 0 {
		// Nine digits, trailing zeros dropped.
		var digits [9]byte
		for i := 8; i >= 0; i-- {
			digits[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 9
		for digits[n-1] == '0' {
			n--
		}
		b = append(b, '.')
		b = append(b, digits[:n]...)
	}
	return append(b, s.zone...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as slog's JSON handler quotes strings:
// quote and backslash escaped, \n \r \t by name, other control characters
// and the JavaScript line separators as \u escapes, invalid UTF-8 as
// \ufffd, and everything else (HTML's <, > and & included) as it is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
