// Command record saves what a mock session served as a scenario file that
// the contract suite replays (contracts/scenarios/<vendor>/*.yaml):
//
//	go run ./mock/cmd/record --url http://127.0.0.1:8080 [--session S] \
//	    [--since N] [--vendor V] --name NAME --out FILE
//
// It reads GET /__mock/requests?format=scenario from the mock. Credentials
// in the file are references to fixture accounts, never the secrets.
// --control-token (or MOCK_CONTROL_TOKEN) is sent as X-Mock-Control-Token.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vendorsuite/contracts/mock/internal/buildinfo"
	"github.com/vendorsuite/contracts/mock/registry"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "base URL of the mock")
	session := fs.String("session", "", "the mock session to record (default: the default world)")
	since := fs.Int64("since", 0, "only requests with a sequence number greater than this")
	vendor := fs.String("vendor", "", "only requests to this vendor ("+strings.Join(registry.Names(), ", ")+")")
	name := fs.String("name", "", "the scenario's name (required)")
	out := fs.String("out", "", "file to write; - for standard output (required)")
	token := fs.String("control-token", os.Getenv("MOCK_CONTROL_TOKEN"), "control token of the mock (default $MOCK_CONTROL_TOKEN)")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for the mock")
	showVersion := fs.Bool("version", false, "print the version, commit and build date, then exit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: record --name NAME --out FILE [flags]\n\nSaves what a mock session served as a scenario file the contract suite replays.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *showVersion {
		// Release archives ship this tool as mock-record; name it as called.
		program := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
		fmt.Fprintln(stdout, buildinfo.Read().String(program))
		return nil
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *name == "" || *out == "" {
		return errors.New("--name and --out are required")
	}
	if *since < 0 {
		return errors.New("--since must not be negative")
	}
	q := url.Values{"format": {"scenario"}, "name": {*name}}
	if *since > 0 {
		q.Set("since", strconv.FormatInt(*since, 10))
	}
	if *vendor != "" {
		q.Set("vendor", *vendor)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*base, "/")+"/__mock/requests?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	if *session != "" {
		req.Header.Set("X-Mock-Session", *session)
	}
	if *token != "" {
		req.Header.Set("X-Mock-Control-Token", *token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /__mock/requests answered %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	if *out == "-" {
		_, err = stdout.Write(body)
		return err
	}
	if dir := filepath.Dir(*out); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := writePrivate(*out, body); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s\n", *out)
	return nil
}

// writePrivate writes a recording readable by its owner only: recordings
// hold request and response bodies, which may carry health data. An
// existing file is narrowed to 0600 before it is overwritten.
func writePrivate(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
