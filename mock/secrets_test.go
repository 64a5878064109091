package mock_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
)

// TestSecretsNeverLeave sends every kind of secret a request can carry and
// checks that neither the journal, a recorded scenario nor the log shows
// any of them, and that all show the one marker.
func TestSecretsNeverLeave(t *testing.T) {
	var logs bytes.Buffer
	m, err := mock.New(mock.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"cv-demo-key", "ctl-s3cret", "proxy-s3cret", "cookie-s3cret", "query-s3cret", "token-s3cret"}
	rec := serveWith(m, "GET", "/api/v1/users?limit=1&api_key=query-s3cret&access_token=token-s3cret", "",
		"cv-api-key", "cv-demo-key", "X-Mock-Control-Token", "ctl-s3cret", "Proxy-Authorization", "Basic proxy-s3cret", "Cookie", "sid=cookie-s3cret")
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	journal := serveWith(m, "GET", "/__mock/requests", "").Body.String()
	recorded := serveWith(m, "GET", "/__mock/requests?format=scenario&name=s", "").Body.String()
	for where, text := range map[string]string{"journal": journal, "recording": recorded, "log": logs.String()} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("the %s shows %q:\n%s", where, s, text)
			}
		}
	}
	for _, want := range []string{`"Cv-Api-Key":"[REDACTED]"`, `"X-Mock-Control-Token":"[REDACTED]"`, `"Proxy-Authorization":"[REDACTED]"`,
		`"Cookie":"[REDACTED]"`, `"query":"limit=1&api_key=[REDACTED]&access_token=[REDACTED]"`} {
		if !strings.Contains(journal, want) {
			t.Errorf("the journal lacks %s:\n%s", want, journal)
		}
	}
	if !strings.Contains(logs.String(), `"query":"limit=1&api_key=[REDACTED]&access_token=[REDACTED]"`) {
		t.Errorf("the log line does not show the redacted query:\n%s", logs.String())
	}
}
