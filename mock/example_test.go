package mock_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/vendorsuite/contracts/mock"
)

// A Go test can run its own mock world in-process: no port to manage, no
// state shared with other tests.
func Example() {
	m, err := mock.New(mock.Options{}) // embedded default fixtures, all vendors
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/users", strings.NewReader(
		`{"action":"UPDATE_EMAIL","data":{"currentEmail":"jane.roe@example.com","newEmail":"john.doe@example.com"}}`))
	req.Header.Set("cv-api-key", "cv-demo-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 400 {"status":400,"success":false,"message":"New Email john.doe@example.com already exists"}
}
