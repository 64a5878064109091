package mock_test

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/cmd/loadgen/scenario"
)

// BenchmarkHandler sends each loadgen scenario's requests through the full
// mock handler (logging off, default fixtures), without the network, so
// the cost of the mock itself shows apart from net/http's.
func BenchmarkHandler(b *testing.B) {
	for _, sc := range scenario.All {
		b.Run(sc.Name, func(b *testing.B) {
			m, err := mock.New(mock.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if sc.Seed != nil {
				if rec := serveBench(m, sc.Name, sc.Seed("bench", 1)); rec.Code != 200 {
					b.Fatalf("seed: %d %s", rec.Code, rec.Body)
				}
			}
			w := sc.NewWorker(0, "bench")
			b.ReportAllocs()
			for b.Loop() {
				rec := serveBench(m, sc.Name, w.Next())
				if rec.Code != sc.Status || !bytes.Contains(rec.Body.Bytes(), []byte(sc.BodyContains)) {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
				w.Done(rec.Code)
			}
		})
	}
}

func serveBench(m *mock.Mock, name string, r *scenario.Request) *httptest.ResponseRecorder {
	req := httptest.NewRequest(r.Method, r.Target, bytes.NewReader(r.Body))
	for k, v := range r.Header {
		req.Header[k] = v
	}
	req.Header.Set(scenario.Header, name)
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	return rec
}
