package mock_test

import (
	"encoding/json"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/fixtures"
)

// controlCalls are the control operations that decode a document.
var controlCalls = []struct{ method, path, contentType string }{
	{"PUT", "/__mock/state", "application/json"},
	{"PUT", "/__mock/state", "application/yaml"},
	{"POST", "/__mock/state", "application/json"},
	{"PUT", "/__mock/sessions/fuzz/state", "application/yaml"},
	{"POST", "/__mock/faults", "application/json"},
}

// FuzzControlDocument sends any bytes as a control document. Whatever the
// input: no 5xx, a JSON answer, a refusal that lists between 1 and 101
// problems, and a cost bounded per input: at most 2 MB plus 2,000 bytes
// allocated per input byte, and at most a second (fuzz inputs are a few
// kilobytes, answered in well under a millisecond; a document whose shape
// made the check super-linear would blow both).
//
//	go test -run='^$' -fuzz='^FuzzControlDocument$' -fuzztime=30s ./mock/
func FuzzControlDocument(f *testing.F) {
	seeds := []string{
		string(fixtures.DefaultYAML()),
		`{"care360":{"organizations":[1,2,3]}}`,
		`{"care360":{"organizations":[{},{}]}}`,
		`{"care360":[[[[[[[[[[]]]]]]]]]]}`,
		`{"care360":{},"care360":{}}`,
		`{"cl2c":{"tenants":[{"id":"t","apiKeys":["k"],"id":"u"}]}}`,
		`{"match":{"method":"POST","path":"/api/v1/users"},"vendorError":{"status":500,"message":"x"},"times":1}`,
		`{"match":{"method":[[[[]]]]},"drop":true}`,
		"care360:\n  organizations:\n    - 1\n    - 2\n",
		"a: &a [x, x]\nb: [*a, *a]\nc: [*b, *b]\n",
		`[]`, `null`, ``, `{`, `{"":{"":{"":{}}}}`,
	}
	m, err := mock.New(mock.Options{JournalSize: 16})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range seeds {
		for i, call := range controlCalls {
			f.Add(uint8(i), []byte(seed))
			// Each call once before measuring: the first loads the
			// control document's schema, which is no input's cost.
			serveWith(m, call.method, call.path, seed, "Content-Type", call.contentType)
			m.Reset()
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		call := controlCalls[int(which)%len(controlCalls)]
		req := httptest.NewRequest(call.method, call.path, strings.NewReader(string(data)))
		req.Header.Set("Content-Type", call.contentType)
		rec := httptest.NewRecorder()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		m.ServeHTTP(rec, req)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if allocated, limit := after.TotalAlloc-before.TotalAlloc, uint64(2<<20+2000*len(data)); allocated > limit {
			t.Fatalf("%s %s with %d bytes allocated %d bytes (limit %d)", call.method, call.path, len(data), allocated, limit)
		}
		if took > time.Second {
			t.Fatalf("%s %s with %d bytes took %s", call.method, call.path, len(data), took)
		}
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", call.method, call.path, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var refused struct{ Errors []string }
			if err := json.Unmarshal(rec.Body.Bytes(), &refused); err != nil || len(refused.Errors) == 0 || len(refused.Errors) > 101 {
				t.Fatalf("%s %s: refusal %d %s", call.method, call.path, rec.Code, rec.Body)
			}
			return
		}
		// Accepted: start the next input from the startup world.
		m.Reset()
		serveWith(m, "DELETE", "/__mock/faults", "")
		serveWith(m, "DELETE", "/__mock/sessions/fuzz", "")
	})
}
