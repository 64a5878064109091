package mock

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// BenchmarkMiddleware measures each middleware of the mock's chain alone
// around a handler that reads the body and writes a small JSON answer, on
// a Care360 update request. "none" is the harness without a middleware:
// a middleware's cost is its figures minus those of "none". logRequests
// logs through mockserver's LogHandler; logRequests-slogJSON through
// slog's JSON handler, as a logger other than a LogHandler does.
func BenchmarkMiddleware(b *testing.B) {
	logger := slog.New(NewLogHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	m, err := New(Options{Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	// The same line through slog's own JSON handler, for comparison.
	viaSlog, err := New(Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		b.Fatal(err)
	}
	answer := []byte(`{"status":200,"success":true,"message":"Profile updated successfully"}`)
	inner := func(c echo.Context) error {
		if _, err := io.Copy(io.Discard, c.Request().Body); err != nil {
			return err
		}
		return c.JSONBlob(http.StatusOK, answer)
	}
	// The session is resolved up front for every case, as resolveSession
	// does for the middlewares after it.
	withSession := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			stateOf(c).session = m.main
			return next(c)
		}
	}
	cases := []struct {
		name    string
		mw      echo.MiddlewareFunc
		session string // sent as X-Mock-Session when set
	}{
		{"none", nil, ""},
		{"logRequests", m.logRequests, ""},
		{"logRequests-slogJSON", viaSlog.logRequests, ""},
		{"limitHeaders", m.limitHeaders, ""},
		{"resolveSession", m.resolveSession(false), ""},
		{"resolveSession-named", m.resolveSession(false), "bench"},
		{"countChanges", m.countChanges(false), ""},
		{"journalize", m.journalize, ""},
		{"recoverPanics", recoverPanics, ""},
		{"injectFaults", m.injectFaults, ""},
		{"holdWorld", m.holdWorld, ""},
	}
	payload := []byte(`{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","city":"Boston"}}`)
	body := &rewindBody{bytes.NewReader(payload)}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/users", body)
	req.Header.Set("cv-api-key", "cv-demo-key")
	req.Header.Set("Content-Type", "application/json")
	w := &discardWriter{header: http.Header{}}
	for _, tc := range cases {
		h := inner
		if tc.mw != nil {
			h = tc.mw(h)
		}
		h = withSession(h)
		delete(req.Header, SessionHeader)
		if tc.session != "" {
			req.Header.Set(SessionHeader, tc.session)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w.reset()
				body.Reset(payload)
				req.Body = body
				// As ServeHTTP does.
				ec := m.echo.AcquireContext()
				ec.Reset(req, w)
				c := acquireContext(ec)
				if err := h(c); err != nil {
					b.Fatal(err)
				}
				c.release()
				m.echo.ReleaseContext(ec)
				if w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}

type rewindBody struct{ *bytes.Reader }

func (*rewindBody) Close() error { return nil }

// discardWriter is a reusable http.ResponseWriter that keeps the status.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}
func (w *discardWriter) reset() {
	clear(w.header)
	w.code = 0
}
