package support

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/vendorsuite/contracts/mock"
)

func TestControlTokenGoesToControlCallsOnly(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path] = r.Header.Get(mock.ControlTokenHeader)
		mu.Unlock()
	}))
	defer srv.Close()
	client := newHTTPClient("s3cret")
	for _, path := range []string{"/__mock/health", "/__mock/sessions/x/state", "/api/v1/users", "/v1/cl2c/user"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if req.Header.Get(mock.ControlTokenHeader) != "" {
			t.Fatalf("%s: the caller's request was changed", path)
		}
	}
	want := map[string]string{"/__mock/health": "s3cret", "/__mock/sessions/x/state": "s3cret", "/api/v1/users": "", "/v1/cl2c/user": ""}
	for path, token := range want {
		if seen[path] != token {
			t.Errorf("%s carried token %q, want %q", path, seen[path], token)
		}
	}
	if newHTTPClient("").Transport != nil {
		t.Error("without a token the default transport should serve")
	}
}
