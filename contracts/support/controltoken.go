package support

import (
	"net/http"
	"time"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/registry"
)

// EnvControlToken is the control token of a mock started with one
// (--control-token, MOCK_CONTROL_TOKEN), such as the container image.
const EnvControlToken = "CONTRACT_CONTROL_TOKEN"

// newHTTPClient is the client every request of the suite goes through.
// With a control token it adds the token to control API calls (/__mock/)
// only: vendor requests must reach the target as an integrator sends them.
func newHTTPClient(controlToken string) *http.Client {
	c := &http.Client{Timeout: 30 * time.Second}
	if controlToken != "" {
		c.Transport = controlTokenTransport{token: controlToken, next: http.DefaultTransport}
	}
	return c
}

type controlTokenTransport struct {
	token string
	next  http.RoundTripper
}

func (c controlTokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !registry.IsControl(req.URL.Path) {
		return c.next.RoundTrip(req)
	}
	// A RoundTripper must not change the caller's request.
	req = req.Clone(req.Context())
	req.Header.Set(mock.ControlTokenHeader, c.token)
	return c.next.RoundTrip(req)
}
