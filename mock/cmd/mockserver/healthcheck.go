package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/vendorsuite/contracts/mock"
)

// runHealthcheck is `mockserver healthcheck`: it asks a running server
// whether it serves, for a container's HEALTHCHECK (a scratch image has no
// curl). It reads the same MOCK_* variables as the server, so a container
// configured by its environment needs no arguments here.
func runHealthcheck(ctx context.Context, args []string, stderr io.Writer) error {
	var addr, token string
	var noControl bool
	var timeout time.Duration
	fs := flag.NewFlagSet("mockserver healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "`host:port` the server listens on; a wildcard host is probed on loopback")
	fs.StringVar(&token, "control-token", "", "the server's control token, sent as "+mock.ControlTokenHeader)
	fs.BoolVar(&noControl, "no-control", false, "the server has no control API: any answer from it counts as healthy")
	fs.DurationVar(&timeout, "timeout", 3*time.Second, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: mockserver healthcheck [flags]\n\nExits 0 when the server answers GET /__mock/health with 200, 1 otherwise.\nEach flag defaults to its MOCK_* environment variable, as the server's do.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := setFlagsFromEnv(fs); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("healthcheck: unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	url, err := healthURL(addr)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	if token != "" {
		req.Header.Set(mock.ControlTokenHeader, token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if noControl {
		// Without the control API the path is unknown to the server;
		// that it answered at all is what counts.
		return nil
	}
	var health struct{ Status string }
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusOK && json.Unmarshal(body, &health) == nil && health.Status == "ok" {
		return nil
	}
	hint := ""
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		hint = " (the control token is missing or wrong: set MOCK_CONTROL_TOKEN or --control-token)"
	case http.StatusNotFound:
		hint = " (a server without the control API needs --no-control or MOCK_NO_CONTROL=true here too)"
	}
	return fmt.Errorf("healthcheck: GET %s answered %d%s", url, resp.StatusCode, hint)
}

// healthURL turns a listen address into the URL to probe; a wildcard host
// (0.0.0.0, ::, empty) is reached on loopback.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: %w", addr, err)
	}
	if port == "0" {
		return "", fmt.Errorf("--addr %q: a server on port 0 picked its own port; give the port it listens on", addr)
	}
	switch ip := net.ParseIP(host); {
	case host == "":
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/__mock/health", nil
}
