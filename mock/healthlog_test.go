package mock_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
)

// A container probes /__mock/health every few seconds: the successful
// probes stay out of the info log, everything else stays in.
func TestHealthProbesLogOnlyAtDebug(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		level slog.Level
		token string
		want  []string
		skip  []string
	}{
		{slog.LevelInfo, "", []string{"path=/__mock/state"}, []string{"path=/__mock/health"}},
		{slog.LevelInfo, "s3cret", []string{"level=INFO msg=request method=GET path=/__mock/health query=\"\" vendor=\"\" status=401"}, []string{"status=200"}},
		{slog.LevelDebug, "", []string{"level=DEBUG msg=request method=GET path=/__mock/health query=\"\" vendor=\"\" status=200", "path=/__mock/state"}, nil},
	} {
		var logs bytes.Buffer
		m, err := mock.New(mock.Options{ControlToken: tt.token, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: tt.level}))})
		if err != nil {
			t.Fatal(err)
		}
		send(m, http.MethodGet, "/__mock/health", "", "")
		send(m, http.MethodGet, "/__mock/state", "", "")
		for _, w := range tt.want {
			if !strings.Contains(logs.String(), w) {
				t.Errorf("level %v, token %q: log lacks %q:\n%s", tt.level, tt.token, w, logs.String())
			}
		}
		for _, s := range tt.skip {
			if strings.Contains(logs.String(), s) {
				t.Errorf("level %v, token %q: log has %q:\n%s", tt.level, tt.token, s, logs.String())
			}
		}
	}
}
