package mock_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/cmd/loadgen/workload"
)

// BenchmarkHandler sends each loadgen workload's requests through the full
// mock handler as mockserver runs it (validation, state, journal, and one
// JSON log line per request at info level, through the LogHandler
// mockserver logs with, to io.Discard), without the network, so the cost
// of the mock itself shows apart from net/http's.
// Requests and the response writer are reused, so allocs/op counts the
// mock's own allocations only.
func BenchmarkHandler(b *testing.B) {
	for _, sc := range workload.All {
		b.Run(sc.Name, func(b *testing.B) {
			run := newWorkloadRun(b, sc)
			b.ReportAllocs()
			for b.Loop() {
				run.serveOne(b)
			}
		})
	}
}

// workloadRun replays one workload worker's requests at a mock.
type workloadRun struct {
	sc      workload.Workload
	m       *mock.Mock
	worker  workload.Worker
	replays map[*workload.Request]*replay
	w       *discardWriter
}

// newWorkloadRun builds a mock configured like mockserver's defaults,
// seeds it and sends the worker's requests once each, so every request
// the run sends is prepared beforehand.
func newWorkloadRun(tb testing.TB, sc workload.Workload) *workloadRun {
	tb.Helper()
	logger := slog.New(mock.NewLogHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	m, err := mock.New(mock.Options{Logger: logger})
	if err != nil {
		tb.Fatal(err)
	}
	run := &workloadRun{sc: sc, m: m, worker: sc.NewWorker(0, "bench"), replays: map[*workload.Request]*replay{},
		w: &discardWriter{header: http.Header{}}}
	if sc.Seed != nil {
		rec := serveBench(m, sc.Name, sc.Seed("bench", 1))
		if rec.Code != http.StatusOK {
			tb.Fatalf("seed: %d %s", rec.Code, rec.Body)
		}
	}
	// Two rounds cover the alternating workers' two requests.
	for range 2 {
		req := run.worker.Next()
		if _, ok := run.replays[req]; !ok {
			run.replays[req] = newReplay(sc.Name, req)
		}
		run.serveOne(tb)
	}
	return run
}

// serveOne sends the worker's next request and checks the answer.
func (r *workloadRun) serveOne(tb testing.TB) {
	rp := r.replays[r.worker.Next()]
	if rp == nil {
		tb.Fatal("the worker sent a request that was not prepared")
	}
	r.w.reset()
	rp.body.Reset(rp.payload)
	rp.req.Body = rp.body
	r.m.ServeHTTP(r.w, rp.req)
	if r.w.code != r.sc.Status || !bytes.Contains(r.w.body.Bytes(), []byte(r.sc.BodyContains)) {
		tb.Fatalf("%s: %d %s", r.sc.Name, r.w.code, r.w.body.Bytes())
	}
	r.worker.Done(r.w.code)
}

// replay is one prepared request whose body is rewound before each use.
type replay struct {
	req     *http.Request
	payload []byte
	body    *rewindBody
}

func newReplay(name string, r *workload.Request) *replay {
	body := &rewindBody{bytes.NewReader(r.Body)}
	req := httptest.NewRequest(r.Method, r.Target, body)
	for k, v := range r.Header {
		req.Header[k] = v
	}
	req.Header.Set(workload.Header, name)
	return &replay{req: req, payload: r.Body, body: body}
}

type rewindBody struct{ *bytes.Reader }

func (*rewindBody) Close() error { return nil }

// discardWriter is a reusable http.ResponseWriter that keeps the status
// and body for checks.
type discardWriter struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}
func (w *discardWriter) reset() {
	clear(w.header)
	w.code = 0
	w.body.Reset()
}

func serveBench(m *mock.Mock, name string, r *workload.Request) *httptest.ResponseRecorder {
	req := httptest.NewRequest(r.Method, r.Target, bytes.NewReader(r.Body))
	for k, v := range r.Header {
		req.Header[k] = v
	}
	req.Header.Set(workload.Header, name)
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	return rec
}
