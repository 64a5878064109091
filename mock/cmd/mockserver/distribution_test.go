package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestVersionFlag(t *testing.T) {
	var out bytes.Buffer
	defer func(w io.Writer) { stdout = w }(stdout)
	stdout = &out
	if err := run(context.Background(), []string{"--version"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	line := out.String()
	if !strings.HasPrefix(line, "mockserver ") || !strings.Contains(line, "(commit ") || strings.Count(line, "\n") != 1 {
		t.Fatalf("--version printed %q", line)
	}
}

func TestFlagsFromEnvironment(t *testing.T) {
	t.Setenv("MOCK_ADDR", "0.0.0.0:8080")
	t.Setenv("MOCK_NO_CONTROL", "true")
	t.Setenv("MOCK_STATE_FILE", "/data/state.json")
	t.Setenv("MOCK_SAVE_INTERVAL", "2s")
	t.Setenv("MOCK_FIXTURES", "") // empty: as if unset
	t.Setenv("MOCK_VERSION", "true")
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "0.0.0.0:8080" || !c.noControl || c.stateFile != "/data/state.json" || c.saveInterval != 2*time.Second || c.fixtures != "" || c.version {
		t.Fatalf("from the environment: %+v", c)
	}
	c, err = parseFlags([]string{"--addr", "127.0.0.1:9", "--no-control=false"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "127.0.0.1:9" || c.noControl {
		t.Fatalf("the command line must win: %+v", c)
	}
	t.Setenv("MOCK_SAVE_INTERVAL", "soon")
	if _, err := parseFlags(nil, io.Discard); err == nil || !strings.HasPrefix(err.Error(), `MOCK_SAVE_INTERVAL="soon": `) {
		t.Fatalf("bad value: err = %v", err)
	}
}

// The container listens on 0.0.0.0 through MOCK_ADDR: without a token or
// an explicit opt-out it must not start.
func TestWildcardAddressFromEnvironmentNeedsTokenOrOptOut(t *testing.T) {
	t.Setenv("MOCK_ADDR", "0.0.0.0:0")
	err := run(context.Background(), nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "refusing to serve the control API without a token on 0.0.0.0:0") {
		t.Fatalf("err = %v", err)
	}
	for _, optOut := range []string{"MOCK_INSECURE_CONTROL", "MOCK_NO_CONTROL", "MOCK_CONTROL_TOKEN"} {
		t.Setenv(optOut, "true")
		c, err := parseFlags(nil, io.Discard)
		if err != nil || (!c.insecureControl && !c.noControl && c.controlToken != "true") {
			t.Fatalf("%s=true not taken: %+v %v", optOut, c, err)
		}
		t.Setenv(optOut, "")
	}
}

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080/__mock/health",
		":8080":          "http://127.0.0.1:8080/__mock/health",
		"[::]:8080":      "http://[::1]:8080/__mock/health",
		"127.0.0.1:9999": "http://127.0.0.1:9999/__mock/health",
		"mock:80":        "http://mock:80/__mock/health",
	} {
		if got, err := healthURL(addr); err != nil || got != want {
			t.Errorf("healthURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
	for _, addr := range []string{"8080", "127.0.0.1:0"} {
		if _, err := healthURL(addr); err == nil {
			t.Errorf("healthURL(%q) accepted", addr)
		}
	}
}

// startServer runs the server with args on a free loopback port until the
// test ends.
// startCheckedServer waits with the healthcheck subcommand itself, so a
// token-protected server counts as up only when the check passes.
func startCheckedServer(t *testing.T, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--addr", addr, "--log-level", "error"}, args...), io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for runHealthcheck(context.Background(), append([]string{"--addr", addr}, args...), io.Discard) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("server with %v never became healthy", args)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return addr
}

func TestHealthcheckSubcommand(t *testing.T) {
	protected := startCheckedServer(t, "--control-token", "s3cret")
	closed := freeAddr(t)
	noControl := startCheckedServer(t, "--no-control")
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string // "" for healthy
	}{
		{"token from the environment", map[string]string{"MOCK_ADDR": protected, "MOCK_CONTROL_TOKEN": "s3cret"}, nil, ""},
		{"token as a flag", nil, []string{"--addr", protected, "--control-token", "s3cret"}, ""},
		{"no token", map[string]string{"MOCK_ADDR": protected}, nil, "answered 401 (the control token is missing or wrong"},
		{"wrong token", nil, []string{"--addr", protected, "--control-token", "nope"}, "answered 401"},
		{"nothing listening", nil, []string{"--addr", closed}, "connection refused"},
		{"no control API, said so", map[string]string{"MOCK_ADDR": noControl, "MOCK_NO_CONTROL": "true"}, nil, ""},
		{"no control API, not said", nil, []string{"--addr", noControl}, "answered 404 (a server without the control API needs --no-control"},
		{"stray argument", nil, []string{"--addr", protected, "now"}, "unexpected arguments: now"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			err := run(context.Background(), append([]string{"healthcheck", "--timeout", "2s"}, tt.args...), io.Discard)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unhealthy: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}
